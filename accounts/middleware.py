"""Everyone's chosen language (User.preferred_language) for every page they see, wherever they are."""

from django.utils import translation

from .language import language_of


class AccountLanguageMiddleware:
    """Runs after AuthenticationMiddleware and LocaleMiddleware: for anyone signed in (family, student or
    staff) the choice stored on the account wins over the browser's Accept-Language, so the same parent on a
    school computer still reads Spanish. Signed-out pages follow the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_of(user)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

"""A parent's chosen language (User.preferred_language) for every page they see, wherever they are."""

from django.conf import settings
from django.utils import translation

from accounts.models import User

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class FamilyLanguageMiddleware:
    """Runs after AuthenticationMiddleware and LocaleMiddleware: for a signed-in guardian the choice
    stored on the account wins over the browser's Accept-Language (the same parent on a school
    computer still reads Spanish). Staff keep the browser's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.role == User.Role.GUARDIAN:
            language = user.preferred_language if user.preferred_language in SUPPORTED else settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

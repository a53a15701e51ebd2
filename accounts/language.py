"""The reader's language: one choice kept on the account, for pages, emails, digests and PDFs (issue 18).

Every switch and form offers `choices()`: each language in its own name ("English", "Español"), never
translated into the reader's language. `set_language` is the one write; the middleware reads it back.
"""

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from .models import User


def choices() -> list[tuple[str, str]]:
    """(code, the language's own name) for every language Waypoint speaks, in settings order."""
    return [(code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES]


def supported(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


def language_of(user: User | None) -> str:
    """The account's language, or the site default when it holds one Waypoint no longer speaks or there is no
    account (a job whose starter's account is gone)."""
    if user is None or not supported(user.preferred_language):
        return settings.LANGUAGE_CODE
    return user.preferred_language


def set_language(*, user: User, language: str) -> None:
    if not supported(language):
        raise ValueError(f"Unsupported language {language!r}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])

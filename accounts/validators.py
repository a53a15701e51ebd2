from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Very long passwords are refused so hashing cannot be used to tie up the server (quality.md T5.1)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long. Use at most %(max)d characters.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password can be up to %(max)d characters.") % {"max": self.max_length}

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Sign in by email. The error never says whether the email exists (quality.md T5.5)."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("That email and password do not match an account. Check both and try again."),
        "inactive": _("That email and password do not match an account. Check both and try again."),
    }

    def clean_username(self) -> str:
        # Emails are stored in lower case; people type them any way.
        return self.cleaned_data["username"].strip().lower()

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from . import language as account_language
from .signals import password_sign_in


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

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        for _receiver, refusal in password_sign_in.send(sender=self.__class__, user=user):
            if refusal:
                raise forms.ValidationError(refusal, code="password_off")

    def clean_username(self) -> str:
        # Emails are stored in lower case; people type them any way.
        return self.cleaned_data["username"].strip().lower()


class InvitationAcceptForm(SetPasswordForm):
    """Choose a password (and, for a family, a language). Validates only; accounts.invitations.accept saves."""

    language = forms.ChoiceField(
        label=_("Language for Waypoint and its emails"), choices=account_language.choices, required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password1"].help_text = _("At least 12 characters. A short sentence you remember works well.")
        self.fields["new_password2"].label = _("Type the password again")
        if user.role == user.Role.GUARDIAN:
            self.fields["language"].required = True
            self.fields["language"].initial = user.preferred_language
        else:
            del self.fields["language"]


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6-digit code from your authenticator app, or one of your 8-digit backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ReplaceAuthenticatorForm(OneTimeCodeForm):
    """A new phone: the first code of the new app, and proof that the owner is here (quality.md T5.4)."""

    current_password = forms.CharField(
        label=_("Your password, or one of your backup codes"),
        strip=False,
        max_length=4096,
        help_text=_("We ask again because this changes how you sign in."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ["current_password", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from the new app")
        self.fields["code"].help_text = _("The 6-digit code your new authenticator app shows for Waypoint.")
        self.fields["code"].widget.attrs.pop("autofocus", None)


class LanguageForm(forms.Form):
    """The language switch in the header of every page (accounts.views.language)."""

    language = forms.ChoiceField(label=_("Language"), choices=account_language.choices)
    next = forms.CharField(required=False, max_length=500)

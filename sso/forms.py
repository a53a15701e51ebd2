from django import forms
from django.utils.translation import gettext_lazy as _


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

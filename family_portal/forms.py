"""Forms validate, in words a parent (or a busy teacher) understands; services save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import language as account_language
from iep import attachments
from iep.models import IEPInput

from . import photos
from .models import NotificationPreference


class PortalForm(forms.Form):
    """Bootstrap classes on every widget and each error tied to its field (WCAG 3.3.1, quality.md T9.4)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
                if "class" in widget.attrs:
                    widget.attrs["class"] += " is-invalid"


class HighlightForm(PortalForm):
    text = forms.CharField(label=_("Message to the family"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                           help_text=_("Families read exactly what you write here."),
                           error_messages={"required": _("Please write a few words for the family.")})
    text_es = forms.CharField(label=_("The same message in Spanish (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4, "lang": "es"}),
                              help_text=_("Spanish-speaking families read this version when it is written."))
    photo = forms.FileField(label=_("Photo of the work (optional)"), required=False,
                            help_text=_("A JPEG or PNG photo, up to 5 MB."))
    photo_description = forms.CharField(label=_("What the photo shows (optional)"), max_length=200, required=False,
                                        help_text=_("Read aloud to families who use a screen reader."))

    def clean_photo(self):
        """The photo checked and encoded afresh (photos.clean_photo, quality.md T4.6): what the service stores."""
        upload = self.cleaned_data.get("photo")
        return photos.clean_photo(upload) if upload else None

    def clean(self):
        data = super().clean()
        if data.get("photo") and not data.get("photo_description", "").strip():
            self.add_error("photo_description", _("Please say in a few words what the photo shows."))
        return data


class ReplyForm(PortalForm):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           error_messages={"required": _("Please write your reply before sending it.")})


class FamilyInputForm(PortalForm):
    kind = forms.ChoiceField(label=_("What would you like to tell the team?"), choices=IEPInput.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": _("Please choose what your message is about.")})
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                           help_text=_("Write in your own words, in any language."),
                           error_messages={"required": _("Please write your message.")})
    attachment = forms.FileField(label=_("Attach a file (optional)"), required=False,
                                 help_text=_("A PDF or a photo (JPEG or PNG), up to 5 MB. For example a letter from a doctor."))
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachments.check_attachment(upload)
        return upload


class SupportInputForm(FamilyInputForm):
    """A message to the support team of a tier 2 or 3 plan (MTSS): the same as to an IEP team, without "Priority for
    the next IEP", and without a file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in IEPInput.Kind.choices if c[0] != IEPInput.Kind.PRIORITY]
        del self.fields["attachment"]  # the support team reads messages on the MTSS page, which serves no files


class PreferencesForm(PortalForm):
    frequency = forms.ChoiceField(label=_("How would you like to hear from school?"),
                                  choices=NotificationPreference.Frequency.choices, widget=forms.RadioSelect,
                                  error_messages={"required": _("Please choose how you would like to hear from school.")})
    language = forms.ChoiceField(label=_("Language for Waypoint and its emails"), choices=account_language.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": _("Please choose a language.")})



"""Forms validate, in words a parent understands, and never save: views hand cleaned_data to services.

`base_version` is the version the editor started from; it is how a later save knows whether
someone else saved in between. No form exposes `student`, `version` or `updated_by` (T4.3).
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Accommodation, ProfileGoal, ProfileSection, Visibility

MAX_TEXT = 10_000


class VersionedForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns <form> (and its htmx attributes)
        self.helper.disable_csrf = True  # the template has its own {% csrf_token %}

    def clean_base_version(self) -> int:
        return self.cleaned_data["base_version"]


class SectionForm(VersionedForm):
    text = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        # autofocus: htmx moves focus into the form it swaps in, so keyboard users land in the box.
        widget=forms.Textarea(attrs={"rows": 6, "autofocus": True}),
        error_messages={"max_length": _("Please keep this to %(limit_value)d characters or fewer (it has %(show_value)d).")},
    )
    visibility = forms.ChoiceField(
        label=_("Who can read this"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Please choose who can read this section.")},
    )

    # Set by the "Yes, clear it" button: clearing a section that has text is asked first (issue 17.6).
    confirm_clear = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, section: ProfileSection, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.asks_to_clear = False
        self.fields["text"].label = section.get_kind_display()
        if section.has_fixed_visibility:
            del self.fields["visibility"]

    def clean(self):
        data = super().clean()
        if "text" in data and not data["text"].strip() and self.section.text.strip() and not data.get("confirm_clear"):
            self.asks_to_clear = True
            self.helper.form_show_errors = False  # a question, shown once by the template, not an error list
            raise forms.ValidationError(
                _("You emptied “%(section)s”. Saving will clear it for everyone who reads it. The text stays in the "
                  "section's history. Choose “Yes, clear it” to go ahead, or put the text back.")
                % {"section": self.section.get_kind_display()}, code="confirm_clear")
        data.pop("confirm_clear", None)
        return data


class AboutMeForm(VersionedForm):
    text = forms.CharField(
        label=_("About me: how I learn best"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("For example: what helps you focus, how you like to get new information, how you like to show what you know."),
        error_messages={"max_length": _("Please keep this to %(limit_value)d characters or fewer (it has %(show_value)d).")},
    )


class GoalForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = ProfileGoal
        fields = ["description", "kind", "owner", "target_date", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "target_date": forms.DateInput(attrs={"type": "date"})}
        error_messages = {
            "description": {"required": _("Please write the goal.")},
            "kind": {"required": _("Please choose what kind of goal this is.")},
            "owner": {"required": _("Please choose whose goal this is.")},
            "target_date": {"invalid": _("Please enter the target date as a date, for example 2026-06-15.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template has its own {% csrf_token %}


class StudentGoalForm(GoalForm):
    """A student changes the words, the date and the status of their own goal."""

    class Meta(GoalForm.Meta):
        fields = ["description", "target_date", "status"]
        labels = {"description": _("My goal"), "status": _("How it is going")}


class AccommodationForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Accommodation
        fields = ["category", "description", "description_es", "applies_in", "provided_by", "is_active"]
        error_messages = {
            "category": {"required": _("Please choose whether this is for class work or for tests.")},
            "description": {"required": _("Please describe the accommodation.")},
            "applies_in": {"required": _("Please say where it applies, for example: all classes.")},
            "provided_by": {"required": _("Please say who provides it, for example: classroom teacher.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template has its own {% csrf_token %}


class SinceForm(forms.Form):
    since = forms.DateField(
        label=_("Show what changed since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Please enter a date, for example 2026-01-15.")},
    )

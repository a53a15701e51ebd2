"""Validation with messages a parent understands. Forms never save: views hand cleaned data to services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roster.models import Student

from .models import Evidence
from .services import Entry

LEVEL_ERROR = _("Choose one of the levels on the scale.")


def add_refusal(form: forms.Form, error: ValidationError, fields: dict[str, str]) -> None:
    """A service's refusal shown at the field it is about: each error's code names the part (services._check_result),
    `fields` maps it to the form's field, formatted with the error's params (bulk: "level_{student}"); else on top."""
    for item in error.error_list:
        name = fields.get(item.code or "")
        name = name.format(**(item.params or {})) if name else None
        form.add_error(name if name in form.fields else None, item)


def level_choices(levels: list[tuple[int, str]], blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(str(value), f"{value} – {label}") for value, label in levels]
    return [("", blank), *choices] if blank is not None else choices


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return day


class EvidenceForm(forms.Form):
    """One student's result on one or more competencies."""

    competencies = forms.ModelMultipleChoiceField(
        label=_("Competencies"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one competency."),
                        "invalid_choice": _("That competency is not one this student is working on.")},
    )
    level = forms.TypedChoiceField(label=_("Level reached"), coerce=Decimal, error_messages={"invalid_choice": LEVEL_ERROR})
    observed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind of assessment"), choices=Evidence.Kind.choices)
    demonstration = forms.ChoiceField(label=_("How the student showed it"), choices=Evidence.Demonstration.choices)
    accommodations = forms.MultipleChoiceField(
        label=_("Accommodations used"), choices=Evidence.Accommodation.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, competencies, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies
        self.fields["competencies"].label_from_instance = lambda c: str(c)
        self.fields["level"].choices = level_choices(levels)
        self.fields["observed_on"].initial = timezone.localdate()

    def clean_observed_on(self):
        return _not_in_future(self.cleaned_data.get("observed_on"))


class OverrideForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Level to show instead"), coerce=Decimal, required=False, empty_value=None,
        error_messages={"invalid_choice": LEVEL_ERROR},
        help_text=_("Leave empty to go back to the computed level."),
    )
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(levels, blank=_("Use the computed level"))

    def clean(self):
        data = super().clean()
        if data.get("level") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you are changing the level, so the family and the team can see it."))
        return data


REASON_REQUIRED = _("Say why, so the family and the team can see it.")


class EvidenceCorrectionForm(forms.Form):
    """Correct one result's level, date or note; the reason is kept with the version before."""

    level = forms.TypedChoiceField(label=_("Level reached"), coerce=Decimal, error_messages={"invalid_choice": LEVEL_ERROR})
    observed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
    reason = forms.CharField(label=_("Why are you correcting it?"), max_length=300, error_messages={"required": REASON_REQUIRED})

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(levels)

    def clean_observed_on(self):
        return _not_in_future(self.cleaned_data.get("observed_on"))


class EvidenceVoidForm(forms.Form):
    """Remove one result recorded by mistake; the reason is kept and shown with it."""

    reason = forms.CharField(label=_("Why are you removing it?"), max_length=300, error_messages={"required": REASON_REQUIRED})


class BulkEvidenceForm(forms.Form):
    """One assessment for a whole class on one competency: a level per student, blank to skip."""

    observed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind of assessment"), choices=Evidence.Kind.choices)
    demonstration = forms.ChoiceField(
        label=_("How students showed it (unless changed for a student)"), choices=Evidence.Demonstration.choices
    )

    def __init__(self, *args, students: list[Student], levels, planned: dict[int, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.students = students
        planned = planned or {}
        self.fields["observed_on"].initial = timezone.localdate()
        self.rows = []
        for student in students:
            name = student.display_name
            self.fields[f"level_{student.pk}"] = forms.TypedChoiceField(
                label=_("Level for %(name)s") % {"name": name}, coerce=Decimal, required=False, empty_value=None,
                choices=level_choices(levels, blank=_("No result")), error_messages={"invalid_choice": LEVEL_ERROR},
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"how_{student.pk}"] = forms.ChoiceField(
                label=_("How %(name)s showed it") % {"name": name}, required=False,
                choices=[("", _("Same as above")), *Evidence.Demonstration.choices],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"acc_{student.pk}"] = forms.MultipleChoiceField(
                label=_("Accommodations %(name)s used") % {"name": name}, required=False,
                choices=Evidence.Accommodation.choices, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                initial=planned.get(student.pk, []),  # ticked from the student's plan; the teacher unticks what was not used
            )
            self.rows.append((student, self[f"level_{student.pk}"], self[f"how_{student.pk}"], self[f"acc_{student.pk}"],
                              len(planned.get(student.pk, []))))

    def clean_observed_on(self):
        return _not_in_future(self.cleaned_data.get("observed_on"))

    def clean(self):
        data = super().clean()
        if not self.errors and not self.entries():
            raise forms.ValidationError(_("Enter a level for at least one student."))
        return data

    def entries(self) -> list[Entry]:
        data, default = self.cleaned_data, self.cleaned_data.get("demonstration")
        return [
            Entry(student=s, score=data[f"level_{s.pk}"], demonstration=data.get(f"how_{s.pk}") or default,
                  accommodations=tuple(data.get(f"acc_{s.pk}") or ()))
            for s in self.students if data.get(f"level_{s.pk}") is not None
        ]


class CaseUploadForm(forms.Form):
    file = forms.FileField(label=_("CASE package (JSON)"), help_text=_("A CFPackage file, at most 20 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not text in UTF-8: is it really a CASE JSON file?")) from None
        if "\x00" in text:  # never valid JSON, and PostgreSQL cannot keep it in the job's payload
            raise forms.ValidationError(_("The file holds a null character, so it is not a CASE JSON file."))
        return text

"""Forms validate, in words a parent understands; services save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AmendmentRequest, DisclosureRecord

TEXTAREA = {"class": "form-control", "rows": 5}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Which copy"),
        choices=[(DisclosureRecord.Kind.EXPORT_PDF, _("A readable copy (PDF) to read or print")),
                 (DisclosureRecord.Kind.EXPORT_JSON, _("A machine-readable copy (JSON) for another system"))],
        initial=DisclosureRecord.Kind.EXPORT_PDF,
        widget=forms.RadioSelect,
    )


class StaffExportForm(ExportForm):
    recipient = forms.CharField(
        label=_("Who receives the record"), max_length=200,
        help_text=_("A person and organisation, for example: Dr. Lee, Riverside Hearing Clinic"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": _("Please say who will receive the record. The family can see this.")},
    )
    purpose = forms.CharField(
        label=_("Why they need it"), max_length=500,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
        error_messages={"required": _("Please give the reason. The law asks us to record it.")},
    )


class AmendmentForm(forms.Form):
    item = forms.ChoiceField(label=_("What is wrong"), widget=forms.Select(attrs={"class": "form-select"}),
                             error_messages={"required": _("Please choose the part of the record you want corrected.")})
    reason = forms.CharField(
        label=_("What is wrong, and what should it say?"), max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Please tell us what is wrong so the school can look at it.")},
    )

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("Choose a part of the record")), *items]
        self.labels = dict(items)

    def clean(self):
        data = super().clean()
        if "item" in data:
            data["item_label"] = self.labels[data["item"]]
        return data


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Say why you disagree. The school keeps it with the record and shows it whenever that part is shown or sent."),
        error_messages={"required": _("Please write your statement, or go back if you do not want to add one.")},
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("agree", _("Agree: the record will be corrected")),
                 ("refuse", _("Refuse: the record is correct (the family is offered a hearing)")),
                 ("uphold", _("After the hearing: the record stays as it is"))],
        error_messages={"required": _("Please choose a decision.")},
    )
    note = forms.CharField(
        label=_("Explanation for the family"), max_length=4000, required=False, widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    seen_status = forms.ChoiceField(choices=AmendmentRequest.Status.choices, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("action") in {"refuse", "uphold"} and not data.get("note", "").strip():
            self.add_error("note", _("Please explain the decision in words the family will understand."))
        return data

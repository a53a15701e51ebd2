"""Forms validate with messages a parent understands; they never save (services do)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import attachments
from .models import Goal, IEPInput


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget; Django 5.2 adds aria-invalid and aria-describedby itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        # Point each field with an error at its message (WCAG 3.3.1; quality.md T9.4).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
                self.fields[name].widget.attrs["class"] += " is-invalid"


class InputForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("What is it about?"), choices=IEPInput.Kind.choices)
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                           error_messages={"required": _("Please write your message.")})
    attachment = forms.FileField(label=_("Attach a file (optional)"), required=False,
                                 help_text=_("A PDF or a photo (JPEG or PNG), up to 5 MB."))
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachments.check_attachment(upload)
        return upload


class ProgressPointForm(BootstrapForm):
    measured_on = forms.DateField(label=_("Date measured"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label=_("Result"), max_digits=8, decimal_places=2)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, goal: Goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.fields["value"].label = _("Result (%(unit)s)") % {"unit": goal.unit}

    def clean_measured_on(self):
        day = self.cleaned_data["measured_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day < self.goal.baseline_date:
            raise forms.ValidationError(_("The date is before this goal's baseline."))
        return day


class InputActionForm(BootstrapForm):
    action = forms.ChoiceField(choices=[(a, a) for a in ("start_review", "answer", "take_into_draft", "close")])
    seen_status = forms.ChoiceField(choices=IEPInput.Status.choices, widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer to the sender"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             max_length=5000)

    def clean(self):
        data = super().clean()
        if data.get("action") == "answer" and not data.get("answer", "").strip():
            self.add_error("answer", _("Please write the answer the sender will read."))
        return data


class QueueFilterForm(BootstrapForm):
    AGE_CHOICES = [("", _("Any age")), ("7", _("Older than 7 days")), ("14", _("Older than 14 days")),
                   ("30", _("Older than 30 days")), ("past_target", _("Past the response target"))]

    school = forms.TypedChoiceField(label=_("School"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + IEPInput.Status.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind"))] + IEPInput.Kind.choices)
    case_manager = forms.TypedChoiceField(label=_("Case manager"), required=False, coerce=int, empty_value=None)
    age = forms.ChoiceField(label=_("Age"), required=False, choices=AGE_CHOICES)

    def __init__(self, *args, schools, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", _("Every school"))] + [(s.pk, s.name) for s in schools]
        self.fields["case_manager"].choices = [("", _("Every case manager"))] + [(u.pk, str(u)) for u in case_managers]


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Something went wrong with the selection. Please try again.")) from None


class AssignForm(BootstrapForm):
    """Assign ticked inputs. The ids are scoped by the view to the reviewer's queue; the assignee must be one of
    the case managers of that queue."""

    EACH_OWN = "own"

    inputs = IdListField(label=_("Inputs"), error_messages={"required": _("Tick at least one input to assign.")})
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.case_managers = {u.pk: u for u in case_managers}
        self.fields["assignee"].choices = [(self.EACH_OWN, _("Each student's own case manager"))] + [
            (str(pk), str(u)) for pk, u in self.case_managers.items()]

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return None if value == self.EACH_OWN else self.case_managers[int(value)]

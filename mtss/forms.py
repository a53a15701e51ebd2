"""Forms of the MTSS app: they validate and hand clean values to services; they never save."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iep.forms import BootstrapForm
from iep.results import plain

from .models import Area, Decision, Session, Tier

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
NUMBER = {"max_digits": 8, "decimal_places": 2, "error_messages": {"invalid": _("Enter a number, for example 12 or 12.5.")}}


class ScreeningUploadForm(BootstrapForm):
    file = forms.FileField(label=_("Screening results (CSV file)"),
                           help_text=_("Columns: student_id, area, measure, score, percentile or risk, date, season."))


class TierForm(BootstrapForm):
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    tier = forms.TypedChoiceField(label=_("New tier"), choices=Tier.choices, coerce=int)
    reason = forms.CharField(label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Say why the tier changes: it stays in the student's history.")})


class PlanForm(BootstrapForm):
    intervention = forms.ModelChoiceField(label=_("Intervention (from the district's library)"), queryset=None)
    tier = forms.TypedChoiceField(label=_("Tier"), coerce=int,
                                  choices=[(2, Tier.TARGETED.label), (3, Tier.INTENSIVE.label)])
    interventionist = forms.ModelChoiceField(label=_("Interventionist"), queryset=None)
    start_date = forms.DateField(label=_("Start date"), **DATE)
    review_date = forms.DateField(label=_("Review date"), **DATE)
    statement = forms.CharField(label=_("Measurable goal"), max_length=500,
                                help_text=_("For example: read 70 words correctly per minute in grade-level text."))
    unit = forms.CharField(label=_("Unit of measure"), max_length=60,
                           help_text=_("For example: words read correctly per minute"))
    baseline = forms.DecimalField(label=_("Baseline"), **NUMBER)
    target = forms.DecimalField(label=_("Aim"), **NUMBER)
    target_date = forms.DateField(label=_("Aim date"), **DATE)
    minimum = forms.DecimalField(label=_("Lowest possible result"), initial=0, **NUMBER)
    maximum = forms.DecimalField(label=_("Highest possible result"), initial=200, **NUMBER)
    whole_numbers = forms.BooleanField(label=_("Results are whole numbers"), required=False, initial=True)
    reason = forms.CharField(label=_("Why this support (kept in the tier history)"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, interventions, interventionists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = interventions
        self.fields["intervention"].label_from_instance = lambda i: _(
            "%(name)s (%(area)s; %(evidence)s; groups up to %(size)s; %(times)s× a week, %(minutes)s minutes)") % {
            "name": i.name, "area": i.get_area_display(), "evidence": i.get_evidence_level_display(),
            "size": i.group_size, "times": i.sessions_per_week, "minutes": i.minutes}
        self.fields["interventionist"].queryset = interventionists
        self.fields["interventionist"].label_from_instance = lambda u: u.get_full_name() or u.email
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.update(start_date=today, review_date=today + timedelta(weeks=6),
                                target_date=today + timedelta(weeks=12))


class ResultForm(BootstrapForm):
    measured_on = forms.DateField(label=_("Date measured"), **DATE)
    value = forms.DecimalField(label=_("Result"), **NUMBER)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].label = _("Result (%(unit)s)") % {"unit": plan.unit}
        self.fields["value"].help_text = _("A number from %(minimum)s to %(maximum)s.") % {
            "minimum": plain(plan.minimum), "maximum": plain(plan.maximum)}


class SessionForm(BootstrapForm):
    held_on = forms.DateField(label=_("Session date"), **DATE)
    delivered = forms.TypedChoiceField(label=_("Did the session take place?"), coerce=lambda v: v == "yes",
                                       choices=[("yes", _("Yes")), ("no", _("No, it was missed"))],
                                       widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    minutes = forms.IntegerField(label=_("Minutes given"), min_value=1, max_value=240, required=False)
    missed_reason = forms.ChoiceField(label=_("Why it was missed"), required=False,
                                      choices=[("", _("(it took place)"))] + list(Session.Missed.choices))
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class DecisionForm(BootstrapForm):
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    met_on = forms.DateField(label=_("Meeting date"), **DATE)
    kind = forms.ChoiceField(label=_("Decision"), choices=Decision.Kind.choices)
    data = forms.CharField(label=_("The data the team looked at"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Say which data the team looked at.")})
    next_review = forms.DateField(label=_("Next review"), required=False, **DATE)


class ReferralForm(BootstrapForm):
    concerns = forms.CharField(label=_("Concerns"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    data = forms.CharField(label=_("Data (screening and progress monitoring)"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    interventions_tried = forms.CharField(label=_("Interventions tried"), max_length=3000,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    consent_on = forms.DateField(label=_("Date of the parent's consent to evaluate"), required=False,
                                 help_text=_("The evaluation timeline starts on this date."), **DATE)

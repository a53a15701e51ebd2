"""Forms validate with messages a parent understands; they never save (services do)."""

from datetime import date
from decimal import Decimal

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency, Evidence
from profiles.models import ProfileGoal

from config.params import id_or_none

from . import attachments, monitoring
from .models import Goal, IEPInput, IEPPlan, TeamMember
from .selectors import Candidate
from . import results, services
from .services import AlsoEvidence


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget; Django 5.2 adds aria-invalid and aria-describedby itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                css = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
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
    """A result on a goal. When the goal is linked to competencies, the same entry may also be recorded as
    evidence on them (with a level from their framework's scale), or be taken from evidence already recorded."""

    measured_on = forms.DateField(label=_("Date measured"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label=_("Result"), max_digits=8, decimal_places=2,
                               error_messages={"invalid": _("Enter a number, for example 12 or 12.5.")})
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
    also_evidence_on = forms.TypedMultipleChoiceField(
        label=_("Also record it as evidence in the class record"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple)
    level = forms.TypedChoiceField(label=_("Level reached on the proficiency scale"), coerce=int, required=False,
                                   empty_value=None,
                                   error_messages={"invalid_choice": _("Choose a level from the scale.")})
    kind = forms.ChoiceField(label=_("Kind of work"), choices=Evidence.Kind.choices, initial=Evidence.Kind.QUIZ)
    demonstration = forms.ChoiceField(label=_("How the student showed it"), choices=Evidence.Demonstration.choices,
                                      initial=Evidence.Demonstration.WRITTEN)
    from_evidence = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, widget=forms.HiddenInput,
                                           error_messages={"invalid_choice": _(
                                               "That result from the class record can no longer be used. "
                                               "Please enter the result yourself.")})

    EVIDENCE_FIELDS = ("also_evidence_on", "level", "kind", "demonstration", "from_evidence")

    def __init__(self, *args, goal: Goal, linked: list[Competency] = (),
                 scales: dict[int, list[tuple[int, str]]] | None = None, offers: list[Evidence] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.goal, self.scales = goal, scales or {}
        self.linked = {c.pk: c for c in linked}
        self.offers = {e.pk: e for e in offers}
        self.fields["value"].label = _("Result (%(unit)s)") % {"unit": goal.unit}
        self.fields["value"].help_text = (
            _("A whole number from %(minimum)s to %(maximum)s.") if goal.whole_numbers
            else _("A number from %(minimum)s to %(maximum)s.")) % {"minimum": results.plain(goal.minimum),
                                                                   "maximum": results.plain(goal.maximum)}
        if not self.linked:
            for name in self.EVIDENCE_FIELDS:
                del self.fields[name]
            return
        self.fields["also_evidence_on"].choices = [
            (c.pk, _("Also record as evidence on %(competency)s") % {"competency": c}) for c in linked]
        levels = sorted({level for levels in self.scales.values() for level in levels})
        self.fields["level"].choices = [("", _("Choose a level"))] + [(v, f"{v} — {label}") for v, label in levels]
        self.fields["from_evidence"].choices = [(pk, pk) for pk in self.offers]

    def clean(self):
        data = super().clean()
        check_result_at_fields(self, self.goal, data)
        ticked, level = data.get("also_evidence_on") or [], data.get("level")
        if ticked and level is None and "level" not in self.errors:
            self.add_error("level", _("Choose the level reached, to record it as evidence."))
        if level is not None and not ticked:
            self.add_error("also_evidence_on",
                           _("Tick the competency to record the level on, or leave the level empty."))
        for pk in ticked if level is not None else []:
            values = [v for v, _label in self.scales.get(self.linked[pk].framework_id, [])]
            if level not in values:
                self.add_error("level", _("Level %(level)s is not on the scale of %(competency)s.")
                               % {"level": level, "competency": self.linked[pk].short_code or self.linked[pk]})
        if ticked and data.get("from_evidence"):
            self.add_error("also_evidence_on", _("This result comes from the class record already; it is not "
                                                 "recorded there twice."))
        return data

    def also_evidence(self) -> AlsoEvidence | None:
        """The "also record as evidence" part for services.record_progress, or None."""
        ticked = self.cleaned_data.get("also_evidence_on") or []
        if not ticked:
            return None
        return AlsoEvidence(competencies=[self.linked[pk] for pk in ticked], level=Decimal(self.cleaned_data["level"]),
                            kind=self.cleaned_data["kind"], demonstration=self.cleaned_data["demonstration"])

    def source_evidence(self) -> Evidence | None:
        pk = self.cleaned_data.get("from_evidence")
        return self.offers.get(pk) if pk else None

    def point_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("measured_on", "value", "note")}


class ReportRequestForm(BootstrapForm):
    """Which progress report to produce (issue 16.4): the report of the last period that ended, or, chosen
    explicitly, an interim report of the current period counting results up to today."""

    PERIOD, INTERIM = "period", "interim"

    kind = forms.ChoiceField(label=_("Which report"), widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                             error_messages={"required": _("Choose which report to produce.")})

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, initial={"kind": self.PERIOD}, **kwargs)
        self.today = today
        self.ended, self.current = monitoring.previous_quarter(today), monitoring.quarter_of(today)
        last_day = monitoring.quarter_bounds(self.ended)[1]
        self.fields["kind"].choices = [
            (self.PERIOD, _("The report for %(period)s, which has ended: every result up to %(day)s")
             % {"period": monitoring.period_name(self.ended), "day": date_format(last_day, "DATE_FORMAT")}),
            (self.INTERIM, _("An interim report for %(period)s, which has not ended: results up to today, %(day)s")
             % {"period": monitoring.period_name(self.current), "day": date_format(today, "DATE_FORMAT")}),
        ]

    def report_request(self) -> tuple[str, date | None]:
        """(period, interim cut-off or None)."""
        if self.cleaned_data["kind"] == self.INTERIM:
            return self.current, self.today
        return self.ended, None


def check_result_at_fields(form: forms.Form, goal: Goal, data: dict, replacing=None) -> None:
    """The service's own rule for a result (services.check_result: range, kind, date, one a day), each
    message at its field. A field the form could not read is left to its own message."""
    day = data.get("measured_on") if "measured_on" not in form.errors else None
    value = data.get("value") if "value" not in form.errors else None
    if day is None and value is None:
        return
    try:
        services.check_result(goal=goal, measured_on=day, value=value, replacing=replacing)
    except forms.ValidationError as refused:
        form.add_error(None, refused)


class CorrectResultForm(BootstrapForm):
    """A result corrected: its new date, value or note, and why (the family's record keeps the reason)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    measured_on = forms.DateField(label=_("Date measured"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label=_("Result"), max_digits=8, decimal_places=2,
                               error_messages={"invalid": _("Enter a number, for example 12 or 12.5.")})
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
    reason = forms.CharField(label=_("Why is it corrected?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: the probe was scored with the wrong key. The family's record "
                                         "keeps the reason."),
                             error_messages={"required": _("Say why the result is changed: the family's record keeps "
                                                           "the reason.")})

    def __init__(self, *args, goal: Goal, point, **kwargs):
        kwargs.setdefault("initial", {}).update(version=point.version, measured_on=point.measured_on, value=point.value,
                                                note=point.note)
        super().__init__(*args, **kwargs)
        self.goal, self.point = goal, point
        self.fields["value"].label = _("Result (%(unit)s)") % {"unit": goal.unit}

    def clean(self):
        data = super().clean()
        check_result_at_fields(self, self.goal, data, replacing=self.point)
        return data


class VoidResultForm(BootstrapForm):
    """A result voided (typed on the wrong goal or day, a probe that was not valid), and why."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why is it voided?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: entered on the wrong student's goal. The family's record keeps "
                                         "the reason."),
                             error_messages={"required": _("Say why the result is changed: the family's record keeps "
                                                           "the reason.")})

    def __init__(self, *args, point, **kwargs):
        kwargs.setdefault("initial", {}).update(version=point.version)
        super().__init__(*args, **kwargs)


def _one_year_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class PlanForm(BootstrapForm):
    """The plan's dates, its case manager and its team. IDEA: an annual review at least once a year, a
    re-evaluation at least every three years."""

    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    annual_review_due = forms.DateField(label=_("Annual review due"), widget=forms.DateInput(attrs={"type": "date"}))
    reevaluation_due = forms.DateField(label=_("Re-evaluation due"), widget=forms.DateInput(attrs={"type": "date"}))
    case_manager = forms.TypedChoiceField(label=_("Case manager"), coerce=int, required=False, empty_value=None)

    TEAM_PREFIX = "team_"

    def __init__(self, *args, plan: IEPPlan | None, candidates: list[Candidate], **kwargs):
        seats = {seat.user_id: seat.role for seat in plan.team.all()} if plan else {}
        initial = kwargs.pop("initial", {}) or {}
        if plan is not None:
            initial.update(start_date=plan.start_date, annual_review_due=plan.annual_review_due,
                           reevaluation_due=plan.reevaluation_due, case_manager=plan.case_manager_id)
        super().__init__(*args, initial=initial, **kwargs)
        self.candidates = {c.user.pk: c for c in candidates}
        # Offered as staff by their relationship with the student (caseload, teaching, directing), not by account role.
        staff = [c.user for c in candidates if c.suggested_role not in (TeamMember.Role.PARENT, TeamMember.Role.STUDENT)]
        self.fields["case_manager"].choices = [("", _("Not assigned yet"))] + [(u.pk, str(u)) for u in staff]
        role_choices = [("", _("Not on the team"))] + TeamMember.Role.choices
        for candidate in candidates:
            name = f"{self.TEAM_PREFIX}{candidate.user.pk}"
            suggested = candidate.suggested_role if plan is None and candidate.suggested_role in (
                TeamMember.Role.PARENT, TeamMember.Role.CASE_MANAGER) else ""
            self.fields[name] = forms.ChoiceField(
                label=f"{candidate.user} ({candidate.relation})", choices=role_choices, required=False,
                initial=seats.get(candidate.user.pk, suggested),
            )
            self.fields[name].widget.attrs["class"] = "form-select"

    def team_fields(self):
        return [self[name] for name in self.fields if name.startswith(self.TEAM_PREFIX)]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith(self.TEAM_PREFIX)]

    def clean(self):
        data = super().clean()
        start = data.get("start_date")
        review, reevaluation = data.get("annual_review_due"), data.get("reevaluation_due")
        if start and review:
            if review <= start:
                self.add_error("annual_review_due", _("The annual review must come after the start date."))
            elif review > _one_year_after(start, 1):
                self.add_error("annual_review_due", _("An IEP is reviewed at least once a year: choose a date no later "
                                                      "than one year after the start date."))
        if start and reevaluation:
            if reevaluation <= start:
                self.add_error("reevaluation_due", _("The re-evaluation must come after the start date."))
            elif reevaluation > _one_year_after(start, 3):
                self.add_error("reevaluation_due", _("A re-evaluation is due at least every three years: choose a date "
                                                     "no later than three years after the start date."))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        team = {int(name.removeprefix(self.TEAM_PREFIX)): role for name, role in data.items()
                if name.startswith(self.TEAM_PREFIX) and role}
        manager = self.candidates[data["case_manager"]].user if data.get("case_manager") else None
        return {"start_date": data["start_date"], "annual_review_due": data["annual_review_due"],
                "reevaluation_due": data["reevaluation_due"], "case_manager": manager, "team": team}


class GoalForm(BootstrapForm):
    area = forms.ChoiceField(label=_("Area"), choices=Goal.Area.choices)
    statement = forms.CharField(label=_("Goal statement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("What the student will do, under what conditions, how well."),
                                error_messages={"required": _("Please write the goal.")})
    statement_es = forms.CharField(label=_("Goal statement in Spanish (optional)"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3, "lang": "es"}),
                                   help_text=_("Spanish-speaking families and students read this version when it is written."))
    unit = forms.CharField(label=_("Unit of measure"), max_length=60,
                           help_text=_("For example: words read correctly per minute"))
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=8, decimal_places=2, min_value=0,
                                  error_messages={"invalid": _("Enter a number, for example 40 or 12.5.")})
    baseline_date = forms.DateField(label=_("Baseline date"), widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.DecimalField(label=_("Target"), max_digits=8, decimal_places=2, min_value=0,
                                error_messages={"invalid": _("Enter a number, for example 90 or 20.5.")})
    target_date = forms.DateField(label=_("Goal date"), widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("When the target should be reached."))
    measurement_method = forms.CharField(label=_("How it is measured"), max_length=200)
    monitoring_schedule = forms.ChoiceField(label=_("How often it is measured"), choices=Goal.Schedule.choices)
    # What a result can be: every result is checked against it (iep/results.py).
    measure_kind = forms.ChoiceField(label=_("Kind of measure"), choices=Goal.MeasureKind.choices,
                                     help_text=_("A count or a rubric level is always a whole number."))
    whole_numbers = forms.BooleanField(label=_("Results are whole numbers"), required=False, initial=True,
                                       help_text=_("Untick for a percent or a rate that can have decimals, such as 12.5."))
    minimum = forms.DecimalField(label=_("Lowest possible result"), max_digits=8, decimal_places=2, required=False,
                                 help_text=_("Leave empty for 0."),
                                 error_messages={"invalid": _("Enter a number, for example 0.")})
    maximum = forms.DecimalField(label=_("Highest possible result"), max_digits=8, decimal_places=2, required=False,
                                 help_text=_("For example 25 for 25 facts. Leave empty for a percent: 100."),
                                 error_messages={"invalid": _("Enter a number, for example 25 or 100.")})
    competencies = forms.TypedMultipleChoiceField(
        label=_("Linked competencies"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the competencies of this student's classes.")})
    profile_goals = forms.TypedMultipleChoiceField(
        label=_("Linked learner-profile goals"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among this student's own learner-profile goals.")})

    def __init__(self, *args, plan: IEPPlan, goal: Goal | None, competencies: list[Competency],
                 profile_goals: list[ProfileGoal], **kwargs):
        self.goal = goal
        if goal is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(goal, name) for name in ("area", "statement", "statement_es", "unit", "baseline", "baseline_date",
                                                        "target", "target_date", "measurement_method",
                                                        "monitoring_schedule", "measure_kind", "whole_numbers",
                                                        "minimum", "maximum")},
                competencies=[c.pk for c in goal.competencies.all()],
                profile_goals=[g.pk for g in goal.profile_goals.all()])
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.competency_options = {c.pk: c for c in competencies}
        self.profile_goal_options = {g.pk: g for g in profile_goals}
        self.fields["competencies"].choices = [(c.pk, str(c)) for c in competencies]
        self.fields["profile_goals"].choices = [
            (g.pk, f"{g.get_kind_display()}: {g.description[:100]}") for g in profile_goals]

    def clean(self):
        data = super().clean()
        baseline, target = data.get("baseline"), data.get("target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error("target", _("The target must be different from the baseline."))
        baseline_date, target_date = data.get("baseline_date"), data.get("target_date")
        if baseline_date and baseline_date > timezone.localdate():
            self.add_error("baseline_date", _("The baseline date cannot be in the future."))
        if target_date and baseline_date and target_date <= baseline_date:
            self.add_error("target_date", _("The goal date must come after the baseline date."))
        elif target_date and target_date <= self.plan.start_date:
            self.add_error("target_date", _("The goal date must come after the plan's start date."))
        self._clean_measure(data)
        return data

    def _clean_measure(self, data) -> None:
        """A percent is 0 to 100 unless said otherwise; a count or a rubric level is whole numbers; the range
        is then checked by the service's own rule (services.check_measure), each message at its field."""
        kind = data.get("measure_kind")
        if kind is None or "minimum" in self.errors or "maximum" in self.errors:
            return
        if data.get("minimum") is None:
            data["minimum"] = Decimal(0)
        if data.get("maximum") is None:
            if kind != Goal.MeasureKind.PERCENT:
                self.add_error("maximum", _("Enter the highest possible result, for example 25 for 25 facts."))
                return
            data["maximum"] = Decimal(100)
        if kind in (Goal.MeasureKind.COUNT, Goal.MeasureKind.RUBRIC):
            data["whole_numbers"] = True
        try:
            services.check_measure(goal=self.goal, measure_kind=kind, whole_numbers=data.get("whole_numbers", False),
                                   minimum=data["minimum"], maximum=data["maximum"], baseline=data.get("baseline"),
                                   target=data.get("target"))
        except forms.ValidationError as refused:
            for field, messages in refused.message_dict.items():
                for message in messages:
                    if field not in self.errors or message not in self.errors[field]:
                        self.add_error(field, message)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["competencies"] = [self.competency_options[pk] for pk in data["competencies"]]
        data["profile_goals"] = [self.profile_goal_options[pk] for pk in data["profile_goals"]]
        return data


class InputActionForm(BootstrapForm):
    action = forms.ChoiceField(choices=[(a, a) for a in ("start_review", "answer", "take_into_draft", "close")])
    seen_status = forms.ChoiceField(choices=IEPInput.Status.choices, widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer to the sender"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             max_length=5000)
    answer_es = forms.CharField(label=_("The same answer in Spanish (optional)"), required=False, max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 5, "lang": "es"}),
                                help_text=_("Spanish-speaking families and students read this version when it is written."))

    def clean(self):
        data = super().clean()
        if data.get("action") == "answer" and not data.get("answer", "").strip():
            self.add_error("answer", _("Please write the answer the sender will read."))
        return data


class PlainSelect(forms.Select):
    """A select printed in Python rather than through a template per option: the queue's filters list every case
    manager and school of a district (130 options), which the per-option templates made a third of the page's
    time (P2). The same markup as forms.Select: its attributes (id, class, aria-*) and each option's value, label
    and selection, every value escaped by format_html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option["value"], " selected" if option["selected"] else "", option["label"])
            for _group, group_options, _index in widget["optgroups"] for option in group_options
        ))
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class QueueFilterForm(BootstrapForm):
    AGE_CHOICES = [("", _("Any age")), ("7", _("Older than 7 days")), ("14", _("Older than 14 days")),
                   ("30", _("Older than 30 days")), ("past_target", _("Past the response target"))]

    school = forms.TypedChoiceField(label=_("School"), required=False, coerce=int, empty_value=None, widget=PlainSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + IEPInput.Status.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind"))] + IEPInput.Kind.choices)
    case_manager = forms.TypedChoiceField(label=_("Case manager"), required=False, coerce=int, empty_value=None,
                                          widget=PlainSelect)
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
    """Give selected inputs an owner: one person (or each student's own case manager) for every selected input, or
    a person chosen on an input's own row (which counts as selecting it). Ids only: the view scopes the inputs to the
    director's queue, and the service decides, input by input, whether the person may own it."""

    EACH_OWN = "own"
    ROW_PREFIX = "owner-"

    inputs = IdListField(label=_("Inputs"), required=False)
    assignee = forms.CharField(label=_("Assign the selected inputs to"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = {}  # {input_id: user_id} chosen on the rows
        for key, value in self.data.items():
            if key.startswith(self.ROW_PREFIX) and value:
                self.rows[id_or_none(key.removeprefix(self.ROW_PREFIX))] = id_or_none(value)

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        if value in ("", self.EACH_OWN):
            return value
        if id_or_none(value) is None:
            raise forms.ValidationError(_("Something went wrong with the selection. Please try again."))
        return int(value)

    def clean(self):
        data = super().clean()
        if None in self.rows or None in self.rows.values():
            raise forms.ValidationError(_("Something went wrong with the selection. Please try again."))
        ticked = [pk for pk in data.get("inputs", []) if pk not in self.rows]
        if not ticked and not self.rows:
            raise forms.ValidationError(_("Select at least one input, or choose a person on its row."))
        if ticked and not data.get("assignee"):
            raise forms.ValidationError(_("Choose who the selected inputs go to."))
        return data

    def choices(self) -> dict[int, int | None]:
        """{input_id: user_id, or None for the student's own case manager}, rows first, then the selected ones."""
        bulk = self.cleaned_data["assignee"]
        chosen = dict(self.rows)
        for pk in self.cleaned_data["inputs"]:
            chosen.setdefault(pk, None if bulk == self.EACH_OWN else bulk)
        return chosen

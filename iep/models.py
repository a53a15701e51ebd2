"""What Waypoint carries next to a district's legal IEP system: the plan's dates and team, the measurable
goals and their progress-monitoring data, the input families and staff send to the team, and the quarterly
progress reports."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .monitoring import period_name, quarter_bounds


class ReviewSettings(models.Model):
    """A district's own figures for the input queue."""

    district = models.OneToOneField("roster.District", on_delete=models.CASCADE, related_name="iep_review_settings")
    response_target_school_days = models.PositiveSmallIntegerField(
        _("response target (school days)"), default=10, help_text=_("Inputs open longer than this are highlighted.")
    )

    def __str__(self) -> str:
        return f"{self.district}: {self.response_target_school_days} school days"


class IEPPlan(models.Model):
    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="iep_plans")
    start_date = models.DateField(_("start date"))
    annual_review_due = models.DateField(_("annual review due"))
    reevaluation_due = models.DateField(_("re-evaluation due"))
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="iep_plans_managed"
    )
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["student"], condition=Q(is_current=True), name="one_current_iep_per_student"),
            models.CheckConstraint(condition=Q(annual_review_due__gt=models.F("start_date")), name="iep_review_after_start"),
        ]

    def __str__(self) -> str:
        return f"IEP of {self.student} from {self.start_date}"


class TeamMember(models.Model):
    class Role(models.TextChoices):
        CASE_MANAGER = "case_manager", _("Case manager")
        PARENT = "parent", _("Parent or guardian")
        GENERAL_EDUCATOR = "general_educator", _("General education teacher")
        SPECIAL_EDUCATOR = "special_educator", _("Special education teacher")
        SERVICE_PROVIDER = "service_provider", _("Related service provider")
        DISTRICT_REPRESENTATIVE = "district_representative", _("District representative")
        STUDENT = "student", _("Student")

    plan = models.ForeignKey(IEPPlan, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="iep_team_memberships")
    role = models.CharField(max_length=32, choices=Role.choices)

    # Who joined or left the team, and who changed a seat's role, is kept with who and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="one_team_seat_per_person")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class MeasureKind(models.TextChoices):
    COUNT = "count", _("Count (how many)")
    PERCENT = "percent", _("Percent")
    RATE = "rate", _("Rate (how many per minute, per hour...)")
    RUBRIC = "rubric", _("Rubric level")


class Schedule(models.TextChoices):
    """How often a goal is measured: a choice, so every reader reads it in their language ("Semanal")."""

    DAILY = "daily", _("Daily")
    TWICE_A_WEEK = "twice_weekly", _("Twice a week")
    WEEKLY = "weekly", _("Weekly")
    EVERY_TWO_WEEKS = "every_two_weeks", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class Goal(models.Model):
    MeasureKind = MeasureKind
    Schedule = Schedule

    class Area(models.TextChoices):
        READING = "reading", _("Reading")
        WRITING = "writing", _("Writing")
        MATH = "math", _("Math")
        COMMUNICATION = "communication", _("Communication")
        BEHAVIOR = "behavior", _("Behavior")
        EXECUTIVE = "executive", _("Executive functioning")
        FUNCTIONAL = "functional", _("Functional skills")
        SELF_ADVOCACY = "self_advocacy", _("Self-advocacy")

    plan = models.ForeignKey(IEPPlan, on_delete=models.CASCADE, related_name="goals")
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    statement = models.TextField(_("goal statement"))
    # Optional Spanish version written by staff, shown to Spanish readers (accounts reader_language.staff_text).
    statement_es = models.TextField(_("goal statement in Spanish"), blank=True)
    unit = models.CharField(_("unit of measure"), max_length=60, help_text=_("For example: words read correctly per minute"))
    baseline = models.DecimalField(_("baseline"), max_digits=8, decimal_places=2)
    baseline_date = models.DateField(_("baseline date"))
    target = models.DecimalField(_("target"), max_digits=8, decimal_places=2)
    target_date = models.DateField(_("goal date"))
    measurement_method = models.CharField(_("how it is measured"), max_length=200)
    # A Schedule value; a goal written before the choices keeps its words (shown marked as staff-written text).
    monitoring_schedule = models.CharField(_("how often it is measured"), max_length=100, choices=Schedule.choices,
                                           default=Schedule.WEEKLY)
    # What a result of this goal's measure can be (iep/results.py checks every result against it, on every
    # path that writes one): its kind, whole numbers or decimals, and the lowest and highest possible result.
    measure_kind = models.CharField(_("kind of measure"), max_length=10, choices=MeasureKind.choices,
                                    default=MeasureKind.COUNT)
    whole_numbers = models.BooleanField(_("results are whole numbers"), default=True)
    minimum = models.DecimalField(_("lowest possible result"), max_digits=8, decimal_places=2, default=0)
    maximum = models.DecimalField(_("highest possible result"), max_digits=8, decimal_places=2, default=100)
    # What the goal is linked to: competencies of the student's classes (a progress point may also be recorded
    # as evidence on them, and their evidence offered as a point) and the learner-profile goals it serves.
    competencies = models.ManyToManyField("competencies.Competency", blank=True, related_name="iep_goals",
                                          verbose_name=_("linked competencies"))
    profile_goals = models.ManyToManyField("profiles.ProfileGoal", blank=True, related_name="iep_goals",
                                           verbose_name=_("linked learner-profile goals"))
    @property
    def schedule_is_a_choice(self) -> bool:
        return self.monitoring_schedule in Schedule.values

    # Set by services.record_progress when the decision rule trips; cleared when data recover.
    flagged_at = models.DateTimeField(null=True, blank=True)
    # Outbox: the case manager has been told about the current flag.
    flag_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[competencies, profile_goals])

    class Meta:
        ordering = ["plan", "area", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target_date__gt=models.F("baseline_date")), name="goal_date_after_baseline"),
            models.CheckConstraint(condition=~Q(target=models.F("baseline")), name="goal_target_differs_from_baseline"),
            models.CheckConstraint(condition=Q(maximum__gt=models.F("minimum")), name="goal_measure_range_ordered"),
            # A count or a rubric level is a whole number whatever the form said.
            models.CheckConstraint(condition=~Q(measure_kind__in=["count", "rubric"]) | Q(whole_numbers=True),
                                   name="goal_counts_are_whole_numbers"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.statement[:60]}"

    @property
    def higher_is_better(self) -> bool:
        return self.target > self.baseline


class LiveResults(models.Manager):
    """Results that count: every voided result is left out. This is the default manager, so every read of a
    goal's results (`goal.points`, the chart, the decision rule, the latest-result wording, reports, the family
    pages) leaves voided ones out without having to remember to; the history and the record export read
    `ProgressPoint.with_voided` (and the privacy export reads every model through its base manager)."""

    def get_queryset(self):
        return super().get_queryset().filter(voided_at__isnull=True)


class ProgressPoint(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="points")
    measured_on = models.DateField(_("date measured"))
    value = models.DecimalField(_("result"), max_digits=8, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # "One entry serves both": the evidence this point was also recorded as, or the evidence it was taken from.
    evidence = models.ManyToManyField("competencies.Evidence", blank=True, related_name="progress_points")
    created_at = models.DateTimeField(auto_now_add=True)
    # A voided result stays, with its ResultCorrection saying who voided it, when and why; it counts nowhere.
    voided_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock for corrections: the form sends back the version it showed (services.correct_result).
    version = models.PositiveIntegerField(default=1)

    objects = LiveResults()
    with_voided = models.Manager()

    class Meta:
        ordering = ["goal", "measured_on"]
        # One result per goal per day: a double submit cannot add a second point (T7.2). A voided result
        # leaves its day free for the right one.
        constraints = [models.UniqueConstraint(fields=["goal", "measured_on"], condition=Q(voided_at__isnull=True),
                                               name="one_point_per_goal_per_day")]

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class ResultCorrection(models.Model):
    """A result corrected or voided: who, when, what it was, what it became, and why. Append-only; the result
    row holds the current value, these rows hold every earlier one (the trail a family's export shows)."""

    class Action(models.TextChoices):
        CORRECTED = "corrected", _("Corrected")
        VOIDED = "voided", _("Voided")

    point = models.ForeignKey(ProgressPoint, on_delete=models.CASCADE, related_name="corrections")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    was_measured_on = models.DateField()
    was_value = models.DecimalField(max_digits=8, decimal_places=2)
    was_note = models.CharField(max_length=300, blank=True)
    now_measured_on = models.DateField(null=True, blank=True)
    now_value = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    now_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="voided", now_value__isnull=True, now_measured_on__isnull=True)
                | Q(action="corrected", now_value__isnull=False, now_measured_on__isnull=False),
                name="correction_has_new_values_unless_void"),
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.was_measured_on}: {self.reason[:40]}"


class IEPInput(models.Model):
    """Something a parent or a staff member sends to the IEP team. What was sent is never changed:
    staff only move it along its life, and every step is an InputEvent."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strengths seen at home")
        CONCERN = "concern", _("Concern")
        PRIORITY = "priority", _("Priority for the next IEP")
        QUESTION = "question", _("Question")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        IN_REVIEW = "in_review", _("In review")
        ANSWERED = "answered", _("Answered")
        TAKEN_INTO_DRAFT = "taken_into_draft", _("Taken into the IEP draft")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.IN_REVIEW)

    class Sender(models.TextChoices):
        FAMILY = "family", _("Family")
        STAFF = "staff", _("Staff")

    class Team(models.TextChoices):
        # Which team it is for: the IEP team, or the school team of a tier 2 or 3 support plan (MTSS, issue 20.6),
        # which reads and answers it on the student's tiered-supports page; one inbox, one life, one answer.
        IEP = "iep", _("IEP team")
        SUPPORT = "support", _("Support team (extra help)")

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="iep_inputs")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iep_inputs_sent")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    team = models.CharField(_("team"), max_length=8, choices=Team.choices, default=Team.IEP)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("message"))
    attachment = models.FileField(upload_to="iep/inputs/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=50, blank=True)
    # A form token: the same submission posted twice makes one row (T7.2).
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="iep_inputs_assigned"
    )
    answer = models.TextField(_("answer"), blank=True)
    # Optional Spanish version written by staff, shown to Spanish readers (accounts reader_language.staff_text).
    answer_es = models.TextField(_("answer in Spanish"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Outbox columns: null means "not yet told". Claimed with a conditional UPDATE (style.md).
    notified_at = models.DateTimeField(null=True, blank=True)
    answer_notified_at = models.DateTimeField(null=True, blank=True)
    # The person it was last given to has been told (emptied at each assignment).
    assigned_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="iepinput_status_created"),
            models.Index(fields=["assigned_to", "status"], name="iepinput_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} about {self.student} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class InputEvent(models.Model):
    """One step in an input's life: who moved it, when, to what. Append-only."""

    input = models.ForeignKey(IEPInput, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=IEPInput.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ProgressReport(models.Model):
    """A quarterly progress report: one per student and period once the period has ended, however often the job
    runs; before that, only an interim report asked for explicitly, counting results up to `interim_up_to`
    (one per student, period and cut-off day). The period's own report is still made after the period ends."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="iep_progress_reports")
    plan = models.ForeignKey(IEPPlan, on_delete=models.CASCADE, related_name="progress_reports")
    period = models.CharField(max_length=7, help_text="YYYY-QN")
    # Empty for the period's report (every result up to the end of the period); the cut-off day of an interim one.
    interim_up_to = models.DateField(_("interim report, up to"), null=True, blank=True)
    pdf = models.FileField(upload_to="iep/reports/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    family_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", models.F("interim_up_to").desc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["student", "period"], condition=Q(interim_up_to__isnull=True),
                                    name="one_progress_report_per_period"),
            models.UniqueConstraint(fields=["student", "period", "interim_up_to"], condition=Q(interim_up_to__isnull=False),
                                    name="one_interim_report_per_period_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.period}" + (f" interim {self.interim_up_to}" if self.interim_up_to else "")

    @property
    def label(self) -> str:
        """How the report is named on every page, PDF, email and list, as families say it (monitoring.period_name):
        "July to September 2026", or "October to December 2026: Interim report, up to 4 December 2026" (in the active
        language)."""
        if self.interim_up_to is None:
            return period_name(self.period)
        return gettext("%(period)s: Interim report, up to %(day)s") % {
            "period": period_name(self.period), "day": date_format(self.interim_up_to, "DATE_FORMAT")}

    @property
    def cutoff(self):
        """The last day whose results the report counts: the period's end, or the interim cut-off."""
        return self.interim_up_to or quarter_bounds(self.period)[1]

    @property
    def file_name(self) -> str:
        """The name of the downloaded PDF."""
        interim = f"-interim-up-to-{self.interim_up_to.isoformat()}" if self.interim_up_to else ""
        return f"progress-report-{self.period}{interim}.pdf"


class ProgressReportCopy(models.Model):
    """The same report rendered in a family's language (a parent reading Spanish gets it in Spanish), made with
    the report so it is the same snapshot; the school's record stays `ProgressReport.pdf`."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="copies")
    language = models.CharField(max_length=8)
    pdf = models.FileField(upload_to="iep/reports/%Y/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "language"], name="one_report_copy_per_language")]

    def __str__(self) -> str:
        return f"{self.report} ({self.language})"

"""MTSS: universal screening, a tier per area with its history, support plans for tier 2 and 3 students, their
progress-monitoring results (judged by the IEP goals' engine: iep.monitoring and iep.status) and their session
log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The areas a screener measures and a tier is set in."""

    READING = "reading", _("Reading")
    MATH = "math", _("Math")
    BEHAVIOR = "behavior", _("Behavior and social-emotional")


class Tier(models.IntegerChoices):
    CORE = 1, _("Tier 1: core instruction")
    TARGETED = 2, _("Tier 2: targeted support")
    INTENSIVE = 3, _("Tier 3: intensive support")


class Risk(models.TextChoices):
    LOW = "low", _("Low risk")
    SOME = "some", _("Some risk")
    HIGH = "high", _("High risk")


class Season(models.TextChoices):
    FALL = "fall", _("Fall")
    WINTER = "winter", _("Winter")
    SPRING = "spring", _("Spring")


class ScreeningResult(models.Model):
    """One benchmark result of one student, as the screener exported it (mtss.screening imports them)."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="screening_results")
    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    measure = models.CharField(_("measure"), max_length=120)
    season = models.CharField(_("season"), max_length=8, choices=Season.choices)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    percentile = models.PositiveSmallIntegerField(_("percentile"), null=True, blank=True)
    risk = models.CharField(_("risk"), max_length=6, choices=Risk.choices)
    administered_on = models.DateField(_("date given"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student", "area", "-administered_on"]
        constraints = [
            models.UniqueConstraint(fields=["student", "measure", "administered_on"], name="one_screening_result_per_day"),
            models.CheckConstraint(condition=Q(percentile__isnull=True) | Q(percentile__lte=99),
                                   name="screening_percentile_at_most_99"),
        ]
        indexes = [models.Index(fields=["student", "area", "administered_on"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.measure} {self.administered_on}: {self.score}"


class TierChange(models.Model):
    """A student's tier in one area from `changed_at` on: the rows are the history (who, when, why), never edited;
    the latest row of an area is the current tier (tier 1 without any row)."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="tier_changes")
    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    reason = models.CharField(_("why"), max_length=500)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student", "area", "-changed_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(tier__in=[1, 2, 3]), name="tier_is_1_2_or_3")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.area}: tier {self.tier}"


class Intervention(models.Model):
    """An entry of the district's intervention library."""

    class Evidence(models.TextChoices):
        # ESSA's four levels of evidence (ESEA 8101(21)).
        STRONG = "strong", _("Strong evidence")
        MODERATE = "moderate", _("Moderate evidence")
        PROMISING = "promising", _("Promising evidence")
        RATIONALE = "rationale", _("Demonstrates a rationale")

    district = models.ForeignKey("roster.District", on_delete=models.CASCADE, related_name="interventions")
    name = models.CharField(_("name"), max_length=200)
    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    description = models.CharField(_("what it is"), max_length=500, blank=True)
    evidence_level = models.CharField(_("evidence level"), max_length=10, choices=Evidence.choices)
    group_size = models.PositiveSmallIntegerField(_("largest group size"))
    sessions_per_week = models.PositiveSmallIntegerField(_("sessions a week"))
    minutes = models.PositiveSmallIntegerField(_("minutes a session"))

    class Meta:
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="one_intervention_name_per_district"),
            models.CheckConstraint(condition=Q(group_size__gte=1, sessions_per_week__gte=1, sessions_per_week__lte=10,
                                               minutes__gte=5), name="intervention_dose_makes_sense"),
        ]

    def __str__(self) -> str:
        return self.name


class SupportPlan(models.Model):
    """A tier 2 or 3 support in one area: the intervention, who gives it, its dates and a measurable goal. The goal's
    fields are named as an IEP goal's (baseline, baseline_date, target, target_date, unit, minimum, maximum,
    whole_numbers) so the one progress-monitoring engine and its chart read both (iep.selectors.goal_progress)."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="support_plans")
    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=[(2, Tier.TARGETED.label), (3, Tier.INTENSIVE.label)])
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="plans",
                                     verbose_name=_("intervention"))
    interventionist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        related_name="mtss_plans_given", verbose_name=_("interventionist"))
    start_date = models.DateField(_("start date"))
    review_date = models.DateField(_("review date"))
    statement = models.CharField(_("goal"), max_length=500)
    unit = models.CharField(_("unit of measure"), max_length=60)
    baseline = models.DecimalField(_("baseline"), max_digits=8, decimal_places=2)
    target = models.DecimalField(_("aim"), max_digits=8, decimal_places=2)
    target_date = models.DateField(_("aim date"))
    minimum = models.DecimalField(_("lowest possible result"), max_digits=8, decimal_places=2, default=0)
    maximum = models.DecimalField(_("highest possible result"), max_digits=8, decimal_places=2, default=200)
    whole_numbers = models.BooleanField(_("results are whole numbers"), default=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student", "area", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["student", "area"], condition=Q(is_active=True),
                                    name="one_active_support_plan_per_area"),
            models.CheckConstraint(condition=Q(review_date__gt=models.F("start_date")), name="plan_review_after_start"),
            models.CheckConstraint(condition=Q(target_date__gt=models.F("start_date")), name="plan_aim_after_start"),
            models.CheckConstraint(condition=~Q(target=models.F("baseline")), name="plan_aim_differs_from_baseline"),
            models.CheckConstraint(condition=Q(maximum__gt=models.F("minimum")), name="plan_measure_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} tier {self.tier}: {self.statement[:60]}"

    @property
    def baseline_date(self):
        """The aim line starts on the plan's first day (the engine reads `baseline_date`, as for an IEP goal)."""
        return self.start_date

    @property
    def higher_is_better(self) -> bool:
        return self.target > self.baseline


class MonitoringResult(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="points")
    measured_on = models.DateField(_("date measured"))
    value = models.DecimalField(_("result"), max_digits=8, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "measured_on"]
        constraints = [models.UniqueConstraint(fields=["plan", "measured_on"], name="one_mtss_result_per_day")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.measured_on}: {self.value}"


class Session(models.Model):
    """One planned session of a plan's intervention: given or not, and why not (fidelity)."""

    class Missed(models.TextChoices):
        STUDENT_ABSENT = "student_absent", _("The student was absent")
        STAFF_ABSENT = "staff_absent", _("The interventionist was absent")
        SCHOOL_EVENT = "school_event", _("School event or schedule change")
        BEHAVIOR = "behavior", _("The student could not take part")
        OTHER = "other", _("Other reason")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    delivered = models.BooleanField(_("the session took place"))
    minutes = models.PositiveSmallIntegerField(_("minutes given"), null=True, blank=True)
    missed_reason = models.CharField(_("why it was missed"), max_length=20, choices=Missed.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "held_on"], name="one_session_per_plan_per_day"),
            # A missed session says why; a delivered one says how long.
            models.CheckConstraint(condition=Q(delivered=True, minutes__isnull=False, missed_reason="")
                                   | Q(delivered=False, minutes__isnull=True) & ~Q(missed_reason=""),
                                   name="session_delivered_or_why_not"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.held_on}: {'given' if self.delivered else self.missed_reason}"


class TeamSeat(models.Model):
    """A seat on a school's problem-solving team: its members see and decide for the school's students' tiers
    (roster/access.py, relationship "mtss_team")."""

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="mtss_team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mtss_team_seats")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="one_mtss_seat_per_person")]

    def __str__(self) -> str:
        return f"{self.user} on {self.school}"


class Settings(models.Model):
    """A district's own figures for MTSS."""

    district = models.OneToOneField("roster.District", on_delete=models.CASCADE, related_name="mtss_settings")
    evaluation_days = models.PositiveSmallIntegerField(
        _("days to evaluate after consent"), default=60,
        help_text=_("IDEA 34 CFR 300.301(c): 60 days from the parent's consent unless the state sets another time."))

    def __str__(self) -> str:
        return f"{self.district}: {self.evaluation_days} days"


class Decision(models.Model):
    """What the school's problem-solving team decided about a student in one area, with the data it looked at."""

    class Kind(models.TextChoices):
        CONTINUE = "continue", _("Continue the plan")
        INTENSIFY = "intensify", _("Intensify (move to tier 3)")
        MOVE = "move", _("Move to tier 2")
        FADE = "fade", _("Fade to tier 1 (core instruction)")
        REFER = "refer", _("Refer for a special education evaluation")

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="mtss_decisions")
    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    met_on = models.DateField(_("meeting date"))
    kind = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    data = models.CharField(_("the data the team looked at"), max_length=1000)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student", "-met_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.student_id} {self.area} {self.met_on}: {self.kind}"


class Referral(models.Model):
    """A referral for a special education evaluation (IDEA Child Find, 34 CFR 300.111, 300.301): the concerns, the
    data and interventions tried, and, from the parent's consent, the evaluation deadline."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="mtss_referrals")
    concerns = models.TextField(_("concerns"), max_length=3000)
    data = models.TextField(_("data"), max_length=3000)
    interventions_tried = models.TextField(_("interventions tried"), max_length=3000)
    consent_on = models.DateField(_("date of the parent's consent"), null=True, blank=True)
    evaluation_due = models.DateField(_("evaluation due"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student", "-created_at"]
        constraints = [models.CheckConstraint(condition=Q(consent_on__isnull=True, evaluation_due__isnull=True)
                                              | Q(consent_on__isnull=False, evaluation_due__gt=models.F("consent_on")),
                                              name="evaluation_due_counts_from_consent")]

    def __str__(self) -> str:
        return f"Referral of {self.student_id} ({self.created_at:%Y-%m-%d})"


class FamilyNotice(models.Model):
    """Outbox: a family reader is emailed, in their language, that their child starts or changes a tier 2 or 3
    support (notifications.outbox.send_once; `sent_at` empty until sent)."""

    class Change(models.TextChoices):
        STARTED = "started", _("A support plan started")
        CHANGED = "changed", _("A support plan changed tier")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="family_notices")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=8, choices=Change.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "created_at"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.change} to {self.guardian_id}"

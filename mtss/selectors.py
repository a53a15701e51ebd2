"""Reads of the MTSS app: a student's screening, tiers and plans; a plan's progress (the IEP goals' engine) and
fidelity; the school view over the students a person may see."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.models import User
from competencies.models import Mastery
from iep.models import IEPInput
from iep.selectors import GoalProgress, goal_progress
from roster.access import visible_students
from roster.models import Student

from .models import Area, Decision, Intervention, MonitoringResult, Risk, Referral, ScreeningResult, Session, SupportPlan, Tier, TierChange

# Which competency frameworks speak to a screening area (Framework.subject, matched by these words).
AREA_SUBJECTS = {Area.READING: ("ela", "english", "reading", "literacy"), Area.MATH: ("math",)}


@dataclass(frozen=True)
class AreaRow:
    """One area of a student: latest screening, what the competency data says, the tier and its history."""

    area: str
    label: str
    screening: list[ScreeningResult]  # newest first
    mastered: int | None  # competencies mastered in the area's frameworks (None: no framework speaks to it)
    assessed: int | None
    tier: int
    history: list[TierChange]
    plan: SupportPlan | None

    @property
    def latest(self) -> ScreeningResult | None:
        return self.screening[0] if self.screening else None

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label


def _area_of_subject(subject: str) -> str | None:
    subject = (subject or "").lower()
    return next((area for area, words in AREA_SUBJECTS.items() if any(word in subject for word in words)), None)


def student_areas(student: Student) -> list[AreaRow]:
    """Each area of `student` (4 queries whatever the data)."""
    screening = defaultdict(list)
    for result in ScreeningResult.objects.filter(student=student).order_by("-administered_on", "measure"):
        screening[result.area].append(result)
    history = defaultdict(list)
    for change in TierChange.objects.filter(student=student).select_related("changed_by").order_by("-changed_at", "-pk"):
        history[change.area].append(change)
    competency = defaultdict(lambda: [0, 0])
    for row in (Mastery.objects.filter(student=student).values("competency__framework__subject")
                .annotate(assessed=Count("pk"), mastered=Count("pk", filter=Q(effective_mastered=True)))):
        area = _area_of_subject(row["competency__framework__subject"])
        if area:
            competency[area][0] += row["mastered"]
            competency[area][1] += row["assessed"]
    plans = {plan.area: plan for plan in SupportPlan.objects.filter(student=student, is_active=True)
             .select_related("intervention", "interventionist")}
    rows = []
    for area, label in Area.choices:
        mastered, assessed = competency[area] if area in AREA_SUBJECTS else (None, None)
        rows.append(AreaRow(area=area, label=label, screening=screening[area], mastered=mastered, assessed=assessed,
                            tier=history[area][0].tier if history[area] else Tier.CORE, history=history[area],
                            plan=plans.get(area)))
    return rows


def plan_of(student: Student, plan_id: int) -> SupportPlan | None:
    plan = (SupportPlan.objects.select_related("intervention", "interventionist")
            .prefetch_related(Prefetch("points", queryset=MonitoringResult.objects.order_by("measured_on")),
                              Prefetch("sessions", queryset=Session.objects.select_related("recorded_by")
                                       .order_by("-held_on")))
            .filter(student=student, pk=plan_id).first())
    if plan is not None:
        plan.student = student
    return plan


def plan_progress(plan: SupportPlan) -> GoalProgress:
    """The plan's chart, trend and status: the IEP goals' own (iep.selectors.goal_progress, iep.status)."""
    return goal_progress(plan, list(plan.points.all()))


@dataclass(frozen=True)
class Fidelity:
    planned: int  # sessions the intervention's dose plans from the start to today (or the review date)
    logged: int
    delivered: int
    missed: int
    minutes_planned: int
    minutes_delivered: int

    @property
    def percent_delivered(self) -> int | None:
        return round(100 * self.delivered / self.planned) if self.planned else None


def fidelity(plan: SupportPlan, *, today: date | None = None) -> Fidelity:
    """Sessions planned (the dose: sessions a week over the school weeks since the start) against those logged."""
    today = today or timezone.localdate()
    end = min(today, plan.review_date)
    weeks = max((end - plan.start_date).days + 1, 0) // 7
    planned = weeks * plan.intervention.sessions_per_week
    sessions = list(plan.sessions.all())
    delivered = [s for s in sessions if s.delivered]
    return Fidelity(planned=planned, logged=len(sessions), delivered=len(delivered),
                    missed=len(sessions) - len(delivered), minutes_planned=planned * plan.intervention.minutes,
                    minutes_delivered=sum(s.minutes or 0 for s in delivered))


def interventions_for(student: Student) -> QuerySet[Intervention]:
    return Intervention.objects.filter(district_id=student.school.district_id)


def interventionist_choices(student: Student) -> QuerySet[User]:
    """Who may give a student's intervention: staff of the student's school (a staff assignment there)."""
    return (User.objects.filter(is_active=True, assignments__school_id=student.school_id).distinct()
            .order_by("last_name", "first_name"))


# --- The overview: the students a person may see ---------------------------------------------

FLAG_RISK = Risk.HIGH  # a screening result at high risk with no plan in that area flags the student
DUE_WITHIN_DAYS = 14


def _latest(model, field: str, area: str):
    order = "-changed_at" if model is TierChange else "-administered_on"
    return Subquery(model.objects.filter(student=OuterRef("pk"), area=area).order_by(order, "-pk").values(field)[:1])


@dataclass(frozen=True)
class TierCount:
    grade: str
    area: str
    area_label: str
    counts: tuple[int, int, int]  # tier 1, 2, 3

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def percents(self) -> tuple[int, int, int]:
        return tuple(round(100 * n / self.total) if self.total else 0 for n in self.counts)

    @property
    def bars(self) -> list[tuple[int, int, int, float, float]]:
        """(tier, count, percent, x, width) of each tier's part of a 100-wide bar."""
        x, found = 0.0, []
        for tier, count in enumerate(self.counts, start=1):
            width = 100 * count / self.total if self.total else 0
            found.append((tier, count, self.percents[tier - 1], round(x, 2), round(width, 2)))
            x += width
        return found


@dataclass(frozen=True)
class Flagged:
    student: Student
    areas: list[str]


@dataclass(frozen=True)
class Overview:
    distribution: list[TierCount]
    flagged: list[Flagged]
    due: list[SupportPlan]
    caseloads: list[dict]

    @property
    def chart_height(self) -> int:
        return 12 * len(self.distribution)

    @property
    def chart_rows(self) -> list[tuple[int, TierCount]]:
        """Each bar's top, 12 units apart."""
        return [(12 * index, row) for index, row in enumerate(self.distribution)]


def overview(user: User, *, today: date | None = None) -> Overview:
    """Tier distribution per grade and area, students flagged by screening with no plan, plans due for review and
    interventionists' caseloads, over the students `user` may see (roster.access.visible_students): 3 queries."""
    today = today or timezone.localdate()
    students = visible_students(user).filter(is_active=True)
    annotations = {}
    for area in Area.values:
        annotations[f"tier_{area}"] = _latest(TierChange, "tier", area)
        annotations[f"risk_{area}"] = _latest(ScreeningResult, "risk", area)
        annotations[f"plan_{area}"] = Exists(SupportPlan.objects.filter(student=OuterRef("pk"), area=area, is_active=True))
    rows = list(students.annotate(**annotations).order_by("grade_level", "last_name", "first_name"))
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    flagged = []
    for student in rows:
        missing = []
        for area in Area.values:
            counts[(student.grade_level, area)][(getattr(student, f"tier_{area}") or 1) - 1] += 1
            if getattr(student, f"risk_{area}") == FLAG_RISK and not getattr(student, f"plan_{area}"):
                missing.append(Area(area).label)
        if missing:
            flagged.append(Flagged(student, missing))
    labels = dict(Area.choices)
    distribution = [TierCount(grade, area, labels[area], tuple(counts[(grade, area)]))
                    for grade in sorted({g for g, _a in counts}, key=_grade_key) for area in Area.values]
    plans = SupportPlan.objects.filter(student__in=students, is_active=True)
    due = list(plans.filter(review_date__lte=today + timedelta(days=DUE_WITHIN_DAYS))
               .select_related("student", "intervention", "interventionist").order_by("review_date", "pk"))
    caseloads = list(plans.values("interventionist", "interventionist__first_name", "interventionist__last_name")
                     .annotate(plans=Count("pk"), students=Count("student", distinct=True),
                               minutes=Sum(F("intervention__minutes") * F("intervention__sessions_per_week")))
                     .order_by("interventionist__last_name", "interventionist__first_name"))
    return Overview(distribution=distribution, flagged=flagged, due=due, caseloads=caseloads)


def _grade_key(grade: str) -> tuple[int, str]:
    return (int(grade), "") if grade.isdigit() else (-1, grade)


def decisions_of(student: Student) -> QuerySet[Decision]:
    return Decision.objects.filter(student=student).select_related("decided_by").order_by("-met_on", "-pk")


def latest_referral(student: Student) -> Referral | None:
    return Referral.objects.filter(student=student).order_by("-created_at", "-pk").first()


def support_inputs(student: Student) -> QuerySet[IEPInput]:
    """What the family sent to the student's support team (the IEP inputs' one inbox, team "support"), newest first;
    for the people who answer them (mtss.answer_input: the door has checked)."""
    return (IEPInput.objects.filter(student=student, team=IEPInput.Team.SUPPORT)
            .select_related("submitted_by", "answered_by").order_by("-created_at", "-pk"))


def referral_draft(student: Student) -> dict:
    """A new referral starts from the record: the interventions tried (every support plan, with its dose and how
    its results went) and the latest screening results."""
    plans = SupportPlan.objects.filter(student=student).select_related("intervention").prefetch_related(
        Prefetch("points", queryset=MonitoringResult.objects.order_by("measured_on"))).order_by("start_date")
    tried = []
    for plan in plans:
        status = plan_progress(plan).status
        tried.append(f"{plan.get_area_display()}, {plan.get_tier_display()}: {plan.intervention.name} "
                     f"({plan.intervention.sessions_per_week}x{plan.intervention.minutes} min), "
                     f"{plan.start_date.isoformat()}: {status.label()}")
    data = [f"{r.get_area_display()}: {r.measure} {r.score} ({r.get_risk_display()}, {r.administered_on.isoformat()})"
            for r in ScreeningResult.objects.filter(student=student).order_by("-administered_on")[:6]]
    return {"interventions_tried": "\n".join(tried), "data": "\n".join(data)}


@dataclass(frozen=True)
class FamilyPlan:
    plan: SupportPlan
    progress: GoalProgress


def family_plans(student: Student) -> list[FamilyPlan]:
    """The child's active support plans with their progress, for the family's page (2 queries)."""
    plans = (SupportPlan.objects.filter(student=student, is_active=True)
             .select_related("intervention", "interventionist")
             .prefetch_related(Prefetch("points", queryset=MonitoringResult.objects.order_by("measured_on")))
             .order_by("area"))
    return [FamilyPlan(plan, plan_progress(plan)) for plan in plans]

"""Reads that IEP pages share, scoped to the viewer and already joined."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Window, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from roster import selectors as roster_selectors
from roster import access
from roster.access import input_owners, is_guardian_of
from roster.models import Caseload, District, School, StaffAssignment, Student, Term
from roster.selectors import WithoutCaseManager

from competencies.models import Competency, Evidence, ProficiencyLevel
from competencies.selectors import student_competencies
from profiles.models import ProfileGoal
from profiles.selectors import goals_for

from . import deadline_sources, monitoring
from .models import (Goal, IEPInput, IEPPlan, InputEvent, ProgressPoint, ProgressReport, ResultCorrection, ReviewSettings,
                     TeamMember)
from .status import Audience, GoalStatus, goal_status

DEFAULT_RESPONSE_TARGET = 10


# --- Plans and goals ---------------------------------------------------------------


def current_plan(student: Student) -> IEPPlan | None:
    """The student's current plan with its team, goals and every goal's points (4 queries)."""
    plan = (
        IEPPlan.objects.filter(student=student, is_current=True)
        .select_related("case_manager")
        .prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.select_related("user").order_by("role", "user__last_name")),
            Prefetch("goals", queryset=Goal.objects.prefetch_related(
                Prefetch("points", queryset=ProgressPoint.objects.order_by("measured_on"))
            )),
        )
        .first()
    )
    if plan is not None:
        plan.student = student  # the caller's student, school and all: `plan.student` costs no second query
    return plan


@dataclass(frozen=True)
class GoalProgress:
    """A goal with what its chart, data table and status need."""

    goal: Goal
    points: list[ProgressPoint]
    chart: monitoring.Chart
    status: GoalStatus  # THE status of the goal (iep.status.goal_status), worded per reader
    trend_per_week: float | None
    aim_per_week: float

    @property
    def chart_id(self) -> str:
        return f"goal-chart-{self.goal.pk}"


def status_of(goal: Goal, points: list[ProgressPoint]) -> GoalStatus:
    """The goal's status from these points: every page, PDF, email and digest reads it through here. `goal` is
    anything measured like an IEP goal (baseline, baseline_date, target, target_date): an MTSS support plan is
    judged by this same rule (mtss.selectors.plan_progress; tests/mtss/test_tiers_and_plans.py)."""
    return goal_status(baseline=goal.baseline, baseline_date=goal.baseline_date, target=goal.target,
                       target_date=goal.target_date, results=[(p.measured_on, p.value) for p in points])


def goal_progress(goal: Goal, points: list[ProgressPoint] | None = None) -> GoalProgress:
    """Chart geometry and the status of one goal (or of an MTSS support plan, measured the same way), from points
    already loaded."""
    points = list(goal.points.all()) if points is None else points
    start = goal.baseline_date
    xy = [((p.measured_on - start).days, float(p.value)) for p in points]
    aim = monitoring.aim_line(baseline=float(goal.baseline), target=float(goal.target),
                              days_to_goal=(goal.target_date - start).days)
    trend = monitoring.trend_line(xy)
    return GoalProgress(
        goal=goal,
        points=points,
        chart=monitoring.build_chart(start=start, end=goal.target_date, baseline=float(goal.baseline),
                                     target=float(goal.target), points=[(p.measured_on, float(p.value)) for p in points]),
        status=status_of(goal, points),
        trend_per_week=None if trend is None else round(trend.slope * 7, 2),
        aim_per_week=round(aim.slope * 7, 2),
    )


def status_audience(user: User, student: Student) -> str:
    """Whose words a page about `student` uses for goal status: her own, her family's, or the staff's, by the
    person's relationship with her (roster.access, read once per request by the door), never by User.role."""
    held = access.relationships(user, student)
    if "self" in held:
        return Audience.STUDENT.value
    if "guardian" in held:
        return Audience.FAMILY.value
    return Audience.STAFF.value


def goals_with_progress(plan: IEPPlan | None, *, up_to: date | None = None) -> list[GoalProgress]:
    if plan is None:
        return []
    result = []
    for goal in plan.goals.all():
        points = [p for p in goal.points.all() if up_to is None or p.measured_on <= up_to]
        result.append(goal_progress(goal, points))
    return result


def report_goals(report: ProgressReport) -> list[GoalProgress]:
    """The goals of a report's plan with the results it counts (up to its cut-off): 3 queries."""
    plan = IEPPlan.objects.prefetch_related(Prefetch("goals", queryset=Goal.objects.prefetch_related(
        Prefetch("points", queryset=ProgressPoint.objects.order_by("measured_on"))))).get(pk=report.plan_id)
    return goals_with_progress(plan, up_to=report.cutoff)


@dataclass(frozen=True)
class PlanPage:
    plan: IEPPlan | None
    team: list[TeamMember]
    goals: list[GoalProgress]


@dataclass(frozen=True)
class FlaggedGoal:
    goal: Goal
    status: GoalStatus  # status_of: not on track


def goals_needing_a_look(student: Student) -> list[FlaggedGoal]:
    """The current plan's goals whose status (status_of, the one rule) is "not on track", in one query: the results
    of the current goals, each joined to its goal (a goal with no result is never "not on track"). Shown where a
    family looks first."""
    points = defaultdict(list)
    goals = {}
    for point in (ProgressPoint.objects.filter(goal__plan__student=student, goal__plan__is_current=True)
                  .select_related("goal").order_by("goal__area", "goal_id", "measured_on", "pk")):
        goals.setdefault(point.goal_id, point.goal)
        points[point.goal_id].append(point)
    found = [FlaggedGoal(goal, status_of(goal, points[pk])) for pk, goal in goals.items()]
    return [f for f in found if f.status.needs_a_look]


def profile_goals_shown(student: Student, goals: QuerySet) -> QuerySet:
    """One current target per goal (issue 17.2), for the family and the student alike: where a goal of the current
    IEP carries a learner-profile goal on, its measured target is the current one, and the profile goal is not
    listed again beside it with its own older target. `goals` is the student's profile goals, filtered as the page
    needs; no query of its own."""
    if student.plan != Student.Plan.IEP:
        return goals
    return goals.exclude(iep_goals__plan__is_current=True)


def current_goals(student: Student) -> tuple[IEPPlan | None, list[Goal]]:
    """The current plan and its goals, each with its points in date order: 2 queries whatever the number of goals
    (the plan comes joined to its goals; only a plan with no goal yet is read alone, a third query)."""
    goals = list(
        Goal.objects.filter(plan__student=student, plan__is_current=True)
        .select_related("plan__case_manager")
        .prefetch_related(Prefetch("points", queryset=ProgressPoint.objects.order_by("measured_on")))
    )
    plan = goals[0].plan if goals else (
        IEPPlan.objects.filter(student=student, is_current=True).select_related("case_manager").first())
    return plan, goals


def plan_page(student: Student) -> PlanPage:
    """The student's IEP page: the current plan, its team, every goal with its points and chart, in 3 queries
    however many goals (P1)."""
    plan, goals = current_goals(student)
    if plan is None:
        return PlanPage(plan=None, team=[], goals=[])
    team = list(TeamMember.objects.filter(plan=plan).select_related("user").order_by("role", "user__last_name"))
    return PlanPage(plan=plan, team=team, goals=[goal_progress(goal) for goal in goals])


def current_plan_only(student: Student) -> IEPPlan | None:
    """The current plan alone (1 query), for adding a goal to it."""
    return IEPPlan.objects.filter(student=student, is_current=True).select_related("student").first()


def plan_for_editing(student: Student) -> IEPPlan | None:
    """The current plan with its team seats (2 queries), for the plan form."""
    return (
        IEPPlan.objects.filter(student=student, is_current=True)
        .prefetch_related(Prefetch("team", queryset=TeamMember.objects.select_related("user")))
        .first()
    )


@dataclass(frozen=True)
class Candidate:
    """Someone who may sit on a student's IEP team, and why they are offered."""

    user: User
    relation: str
    suggested_role: str


def team_candidates(student: Student, plan: IEPPlan | None) -> list[Candidate]:
    """The people who may sit on the student's IEP team: the family (guardians with the right to records), the
    caseload, this term's teachers, the student, the district's directors, and whoever already sits on it."""
    today = timezone.localdate()
    Role = TeamMember.Role
    found: dict[int, Candidate] = {}

    def offer(users, relation, role_of):
        for user in users:
            found.setdefault(user.pk, Candidate(user=user, relation=str(relation), suggested_role=role_of(user)))

    offer(access.guardians_with_rights(student).order_by("last_name", "first_name"),
          _("parent or guardian"), lambda u: Role.PARENT)
    caseload = {c.staff_id: c for c in Caseload.objects.filter(student=student, is_active=True).select_related("staff")}
    offer([c.staff for c in caseload.values()], _("on the caseload"),
          lambda u: Role.CASE_MANAGER if caseload[u.pk].role == Caseload.Role.CASE_MANAGER else Role.SERVICE_PROVIDER)
    offer(User.objects.filter(sections_taught__enrollments__student=student,
                              sections_taught__term__start_date__lte=today, sections_taught__term__end_date__gte=today)
          .distinct().order_by("last_name", "first_name"),
          _("teaches the student this term"),
          lambda u: Role.SPECIAL_EDUCATOR if u.role == User.Role.SPECIAL_EDUCATOR else Role.GENERAL_EDUCATOR)
    if student.user_id:
        offer([student.user], _("the student"), lambda u: Role.STUDENT)
    offer(User.objects.filter(assignments__district_id=student.school.district_id,
                              assignments__role=StaffAssignment.Role.SPED_DIRECTOR).distinct(),
          _("director of special education"), lambda u: Role.DISTRICT_REPRESENTATIVE)
    if plan is not None:
        offer([m.user for m in plan.team.all()], _("already on the team"), lambda u: Role.GENERAL_EDUCATOR)
    return list(found.values())


def goal_for_page(student: Student, goal_id: int) -> Goal | None:
    """One goal of the student's current plan with its points, linked competencies and profile goals (4 queries)."""
    return (
        Goal.objects.filter(pk=goal_id, plan__student=student, plan__is_current=True)
        .select_related("plan")
        .prefetch_related(
            Prefetch("points", queryset=ProgressPoint.objects.order_by("measured_on")),
            Prefetch("competencies", queryset=Competency.objects.order_by("framework_id", "position", "pk")),
            Prefetch("profile_goals", queryset=ProfileGoal.objects.order_by("target_date", "pk")),
        )
        .first()
    )


def result_history(goal: Goal) -> list[ProgressPoint]:
    """Every result of the goal, voided ones included, newest first, each with who recorded it and its
    corrections (who, when, what it was, why) in order. The goal page's history list: one query, and a second
    only when some result was ever corrected or voided (its version moved on), so the page keeps P1's 12."""
    points = list(ProgressPoint.with_voided.filter(goal=goal).select_related("recorded_by").order_by("-measured_on", "-pk"))
    changed = [p for p in points if p.version > 1]
    if changed:  # each one's corrections, oldest first, as `trail`
        prefetch_related_objects(changed, Prefetch(
            "corrections", queryset=ResultCorrection.objects.select_related("by").order_by("at", "pk"), to_attr="trail"))
    for point in points:
        point.goal = goal
        if point.version == 1:
            point.trail = []
    return points


def point_to_correct(goal: Goal, point_id: int) -> ProgressPoint | None:
    """One result of the goal that can still be corrected (not voided), with its goal and plan for the rule."""
    point = ProgressPoint.objects.filter(pk=point_id, goal=goal).select_related("recorded_by").first()
    if point is not None:
        point.goal = goal
    return point


def linkable_competencies(student: Student, goal: Goal | None = None) -> list[Competency]:
    """What a goal may be linked to: competencies of the student's classes this term (their sections'
    frameworks), plus whatever the goal is linked to already (a class that ended keeps its link)."""
    current = list(goal.competencies.all()) if goal is not None and goal.pk else []
    offered = {c.pk: c for c in student_competencies(student)}
    for competency in current:
        offered.setdefault(competency.pk, competency)
    return list(offered.values())


def linkable_profile_goals(student: Student) -> list[ProfileGoal]:
    return goals_for(student)


def scales_for(competencies: list[Competency]) -> dict[int, list[tuple[int, str]]]:
    """The levels of the proficiency scale of each framework the competencies belong to, {framework_id:
    [(value, label), ...]}, in one query (none without competencies). The same scale competencies'
    record_evidence checks results against."""
    framework_ids = {c.framework_id for c in competencies}
    if not framework_ids:
        return {}
    levels: dict[int, list[tuple[int, str]]] = {pk: [] for pk in framework_ids}
    rows = (ProficiencyLevel.objects.filter(scale__framework_id__in=framework_ids)
            .order_by("scale__framework_id", "value").values_list("scale__framework_id", "value", "label"))
    for framework_id, value, label in rows:
        levels[framework_id].append((value, label))
    return levels


OFFER_LIMIT = 5


def evidence_offers(goal: Goal, *, limit: int = OFFER_LIMIT) -> list[Evidence]:
    """Recent evidence (not removed) on the goal's linked competencies that no point of this goal matches: not already taken
    into (or recorded from) a point, and on a day the goal has no result yet (one result per day).
    The goal's points must be loaded (goal_for_page)."""
    linked = [c.pk for c in goal.competencies.all()]
    if not linked:
        return []
    taken_days = [p.measured_on for p in goal.points.all()]
    return list(
        Evidence.objects.current().filter(student_id=goal.plan.student_id, competency_id__in=linked,
                                observed_on__gte=goal.baseline_date, observed_on__lte=timezone.localdate())
        .exclude(observed_on__in=taken_days)
        .exclude(progress_points__goal=goal)
        .select_related("competency")
        .order_by("-observed_on", "-pk")[:limit]
    )


def plain_number(value: Decimal) -> str:
    """3.00 -> "3", 2.50 -> "2.5", 10 -> "10" (normalize() alone would write 1E+1)."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class OfferRow:
    evidence: Evidence
    level_label: str


def offer_rows(offers: list[Evidence], scales: dict[int, list[tuple[int, str]]]) -> list[OfferRow]:
    """Each offered evidence with its level in words ("3 — Proficient")."""
    rows = []
    for item in offers:
        levels = dict(scales.get(item.competency.framework_id, []))
        label = levels.get(int(item.score)) if item.score == int(item.score) else None
        value = plain_number(item.score)
        rows.append(OfferRow(evidence=item, level_label=f"{value} — {label}" if label else value))
    return rows


def goal_changes(goal: Goal, *, limit: int = 10) -> list:
    """Who created and changed the goal (its measures and links), newest first."""
    return list(goal.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])


def progress_reports_of(student: Student) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(student=student).exclude(pdf="")  # newest period first, its own report first


# --- Inputs --------------------------------------------------------------------------


def inputs_for_family(user: User, student: Student) -> QuerySet[IEPInput]:
    """What a family sent to the IEP team about their child, newest first, with the team's answers.
    Empty for anyone who is not a guardian with access to the child's records (the family portal's list)."""
    if not is_guardian_of(user, student):
        return IEPInput.objects.none()
    return (
        IEPInput.objects.filter(student=student, sender=IEPInput.Sender.FAMILY)
        .select_related("submitted_by", "answered_by")
        .order_by("-created_at", "-pk")
    )


def inputs_about(student: Student) -> QuerySet[IEPInput]:
    """Every input about one student, for the team (the door has checked iep.review_queue)."""
    return IEPInput.objects.filter(student=student, team=IEPInput.Team.IEP).select_related(
        "submitted_by", "assigned_to").order_by("-created_at", "-pk")


def input_with_history(student: Student, input_id: int) -> IEPInput | None:
    return (
        IEPInput.objects.filter(student=student, pk=input_id, team=IEPInput.Team.IEP)
        .select_related("submitted_by", "assigned_to", "answered_by")
        .prefetch_related(Prefetch("events", queryset=InputEvent.objects.select_related("actor", "assigned_to")))
        .first()
    )


def _directed_districts(user: User) -> QuerySet:
    return StaffAssignment.objects.filter(user=user, role=StaffAssignment.Role.SPED_DIRECTOR).values("district")


def directed_district_ids(user: User) -> list[int]:
    return list(_directed_districts(user).values_list("district", flat=True))


def reviewable_students(user: User) -> QuerySet[Student]:
    """Students whose inputs `user` reviews: the list form of iep.review_queue (roster.access)."""
    return access.reviewable_students(user)


def response_target_days(user: User) -> int:
    district = District.objects.filter(
        Q(pk__in=_directed_districts(user)) | Q(schools__students__in=reviewable_students(user))
    ).values_list("pk", flat=True)[:1]
    target = ReviewSettings.objects.filter(district__in=district).values_list("response_target_school_days", flat=True).first()
    return target or DEFAULT_RESPONSE_TARGET


def past_target_cutoff(today: date, school_days: int):
    """Inputs received before this moment and still open are past the response target."""
    day = monitoring.subtract_school_days(today, school_days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day))


@dataclass(frozen=True)
class QueueFilters:
    school: int | None = None
    status: str = ""
    kind: str = ""
    case_manager: int | None = None
    age: str = ""  # "", "7", "14", "30" (days since received) or "past_target"


AGE_DAYS = {"7": 7, "14": 14, "30": 30}


def review_queue(user: User, filters: QueueFilters, *, cutoff) -> QuerySet[IEPInput]:
    """The queue of inputs `user` reviews (and of those given to them to own), filtered, oldest first, with the student and school joined in (one
    query per page whatever its length). The case manager's name is read for the page's rows only
    (`with_case_managers`), never for every input before the LIMIT (P2)."""
    inputs = IEPInput.objects.filter(Q(student__in=reviewable_students(user)) | Q(assigned_to=user), team=IEPInput.Team.IEP).select_related(
        "student__school", "assigned_to", "submitted_by")
    if filters.school:
        inputs = inputs.filter(student__school_id=filters.school)
    if filters.status in IEPInput.Status.values:
        inputs = inputs.filter(status=filters.status)
    if filters.kind in IEPInput.Kind.values:
        inputs = inputs.filter(kind=filters.kind)
    if filters.case_manager:
        # A student has at most one active case manager (roster's one_active_case_manager_per_student).
        inputs = inputs.filter(Exists(Caseload.objects.filter(
            student=OuterRef("student"), staff_id=filters.case_manager, role=Caseload.Role.CASE_MANAGER, is_active=True)))
    if filters.age in AGE_DAYS:
        inputs = inputs.filter(created_at__lt=timezone.now() - timedelta(days=AGE_DAYS[filters.age]))
    elif filters.age == "past_target":
        inputs = inputs.filter(status__in=IEPInput.OPEN_STATUSES, created_at__lt=cutoff)
    return inputs.order_by("created_at", "pk")


def with_case_managers(inputs, *, owners: bool = False) -> list[IEPInput]:
    """The inputs of one page, each with `case_manager` (the student's active case manager or None): one query.
    With `owners`, each also gets `owners`, who may be given it (roster.access.input_owners): two queries."""
    items = list(inputs)
    students = {i.student_id: i.student for i in items}
    if owners:
        found = input_owners(students.values())
        for item in items:
            item.case_manager, item.owners = found[item.student_id].case_manager, found[item.student_id].people
        return items
    managers = {c.student_id: c.staff for c in Caseload.objects.active_case_managers().filter(
        student_id__in=students).select_related("staff")}
    for item in items:
        item.case_manager = managers.get(item.student_id)
    return items


def bulk_owners(items: list[IEPInput]) -> list[User]:
    """Everyone who may own at least one input of the page (`with_case_managers(owners=True)`), by name: the
    choices for "assign the ticked inputs to"; the service refuses, input by input, anyone not qualified for it."""
    people = {person.pk: person for item in items for person in item.owners}
    return sorted(people.values(), key=lambda u: (u.last_name, u.first_name, u.pk))


def without_case_manager(user: User) -> WithoutCaseManager:
    """Students `user` reviews who have an IEP and no active case manager (roster's rule), for the warning."""
    return roster_selectors.without_case_manager(reviewable_students(user))


def queue_schools(user: User) -> QuerySet[School]:
    return School.objects.filter(students__in=reviewable_students(user)).distinct().order_by("name")


def case_managers_for(user: User) -> QuerySet[User]:
    """Staff who are case manager of at least one student `user` reviews: the people inputs can go to."""
    return (
        User.objects.filter(
            caseload__role=Caseload.Role.CASE_MANAGER, caseload__is_active=True,
            caseload__student__in=reviewable_students(user),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- Deadlines -------------------------------------------------------------------------


OVERDUE_SHOWN = 25
QUEUE_DEADLINE_DAYS = 60  # the queue counts the deadlines due this soon (the dashboard's widest window)
DUE_SHOWN = 50  # reviews and re-evaluations listed for the whole district; one school's are listed in full


@dataclass(frozen=True)
class Deadlines:
    reviews: list[IEPPlan]  # soonest first: every one of `school`'s, or the soonest DUE_SHOWN without a school
    reevaluations: list[IEPPlan]
    overdue_inputs: list[IEPInput]  # the oldest OVERDUE_SHOWN; every one of them is in the queue (age=past_target)
    overdue_count: int
    per_school: list[dict]
    school: dict | None = None  # the per-school row chosen, if any
    reviews_count: int = 0  # how many are due in the window (for the school chosen, or in all)
    reevaluations_count: int = 0
    late_without_case_manager: list[IEPPlan] = field(default_factory=list)  # the first DUE_SHOWN, by date
    late_without_case_manager_count: int = 0
    others: list[deadline_sources.DeadlineGroup] = field(default_factory=list)  # kept by higher apps (referrals)

    @property
    def total_reviews(self) -> int:
        return sum(row["reviews"] for row in self.per_school)

    @property
    def total_reevaluations(self) -> int:
        return sum(row["reevaluations"] for row in self.per_school)


def deadlines(user: User, *, today: date, horizon_days: int, cutoff, school_id: int | None = None) -> Deadlines:
    """Annual reviews and re-evaluations due within `horizon_days` (or already late), and open inputs past the
    response target, for the students `user` reviews; with counts per school; and the deadlines higher apps keep
    (iep.deadline_sources: an evaluation a referral started), each scoped by its source to whom `user` may see. At district scale hundreds are
    due, so without `school_id` only the soonest DUE_SHOWN of each are listed and each school's count leads to
    its full list. Inputs past the target are counted per school and only the oldest are listed: there are
    thousands, and the queue, filtered by school and age, is where they are acted on (P2, P6)."""
    students = reviewable_students(user)
    until = today + timedelta(days=horizon_days)
    plans = IEPPlan.objects.filter(is_current=True, student__in=students).select_related("student__school", "case_manager")
    if school_id is not None:
        plans = plans.filter(student__school_id=school_id)
    plans = plans.annotate(has_case_manager=Exists(Caseload.objects.active_case_managers().filter(student=OuterRef("student"))))
    late_unmanaged = list(
        plans.filter(Q(annual_review_due__lt=today) | Q(reevaluation_due__lt=today), has_case_manager=False)
        .annotate(total=Window(Count("pk"))).order_by("reevaluation_due", "annual_review_due", "pk")[:DUE_SHOWN])
    shown = slice(None) if school_id is not None else slice(DUE_SHOWN)
    reviews = list(plans.filter(annual_review_due__lte=until).order_by("annual_review_due", "pk")[shown])
    reevaluations = list(plans.filter(reevaluation_due__lte=until).order_by("reevaluation_due", "pk")[shown])
    for plan in reviews:  # the date each table is about, so its rows print in one flat loop (P2)
        plan.due = plan.annual_review_due
    for plan in reevaluations:
        plan.due = plan.reevaluation_due
    overdue = IEPInput.objects.filter(student__in=students, team=IEPInput.Team.IEP, status__in=IEPInput.OPEN_STATUSES,
                                      created_at__lt=cutoff)
    # The oldest are chosen on the inputs' own narrow rows, then only those few are joined to their student, school and
    # owner (one query): joining first made PostgreSQL join and sort every open input of the district (3x slower).
    chosen = overdue.order_by("created_at", "pk").values("pk")[:OVERDUE_SHOWN]
    oldest = list(IEPInput.objects.filter(pk__in=chosen).select_related("student__school", "assigned_to")
                  .order_by("created_at", "pk"))
    overdue_by_school = dict(overdue.order_by().values_list("student__school_id").annotate(n=Count("pk")))
    per_school = (
        School.objects.filter(students__in=students)
        .annotate(
            reviews=Count("students__iep_plans", filter=Q(students__iep_plans__is_current=True,
                                                          students__iep_plans__annual_review_due__lte=until), distinct=True),
            reevaluations=Count("students__iep_plans", filter=Q(students__iep_plans__is_current=True,
                                                                students__iep_plans__reevaluation_due__lte=until), distinct=True),
        )
        .order_by("name")
        .values("pk", "name", "reviews", "reevaluations")
    )
    rows = [{**row, "overdue_inputs": overdue_by_school.get(row["pk"], 0)} for row in per_school]
    others = deadline_sources.collect(user, today=today, until=until, school_id=school_id,
                                      shown=None if school_id is not None else DUE_SHOWN)
    chosen = [row for row in rows if row["pk"] == school_id]
    counted = chosen if school_id is not None else rows
    return Deadlines(reviews=reviews, reevaluations=reevaluations, overdue_inputs=oldest,
                     overdue_count=sum(overdue_by_school.values()), per_school=rows, school=chosen[0] if chosen else None,
                     reviews_count=sum(row["reviews"] for row in counted),
                     reevaluations_count=sum(row["reevaluations"] for row in counted),
                     late_without_case_manager=late_unmanaged,
                     late_without_case_manager_count=late_unmanaged[0].total if late_unmanaged else 0,
                     others=others)


# --- Reports ---------------------------------------------------------------------------


def students_with_current_plan(district: District | None = None) -> QuerySet[Student]:
    students = Student.objects.filter(iep_plans__is_current=True, is_active=True)
    if district is not None:
        students = students.filter(school__district=district)
    return students.distinct().order_by("pk")


def period_in_school_years(student: Student, period: str) -> bool:
    """Whether a report period ("2026-Q3") falls in a calendar year the student's district has terms in:
    a report page outside them is "not found" (issue 15), whatever year is typed in the address."""
    span = Term.objects.filter(district_id=student.school.district_id).aggregate(first=Min("start_date"), last=Max("end_date"))
    return span["first"] is not None and span["first"].year <= int(period[:4]) <= span["last"].year


@dataclass(frozen=True)
class ReportCorrection:
    """A correction listed on a progress report: a result of an earlier period changed or voided after the
    report that showed it was made."""

    goal: Goal
    correction: ResultCorrection


def report_corrections(plan: IEPPlan, period: str) -> list[ReportCorrection]:
    """Corrections to results of earlier periods that the family has not seen on a report: made after the
    previous report of the student was produced (and before this period's own report, if made already), to
    results measured before this period began. A report already produced keeps its snapshot; this list is
    how the next one says what changed (issue 16). One query."""
    first, _last = monitoring.quarter_bounds(period)
    reports = ProgressReport.objects.filter(student_id=plan.student_id).exclude(pdf="")
    previous = reports.filter(period__lt=period).order_by("-period").values_list("created_at", flat=True).first()
    if previous is None:
        return []
    corrections = ResultCorrection.objects.filter(point__goal__plan=plan, was_measured_on__lt=first, at__gt=previous)
    own = reports.filter(period=period).values_list("created_at", flat=True).first()
    if own is not None:
        corrections = corrections.filter(at__lte=own)
    rows = corrections.select_related("point__goal", "by").order_by("at", "pk")
    return [ReportCorrection(goal=row.point.goal, correction=row) for row in rows]


# --- Reports for a district: what will be made, and how far it has got (issue 17.6) -------------------------


@dataclass(frozen=True)
class DistrictReports:
    """The reports a director asks for: the students they are for (per school), and how many are ready."""

    per_school: list[dict]  # {"name", "students"} for every school with a student with a current plan
    students: int
    ready: int

    @property
    def finished(self) -> bool:
        return self.ready >= self.students


def district_reports(user: User, *, period: str, interim_up_to: date | None) -> DistrictReports:
    """For the director's districts: who gets a report of `period` (students with a current plan, per school),
    and how many of those reports are made, with their PDF. 2 queries."""
    students = students_with_current_plan().filter(school__district__in=_directed_districts(user))
    per_school = list(School.objects.filter(students__in=students).values("name").annotate(students=Count("students", distinct=True))
                      .order_by("name"))
    ready = ProgressReport.objects.filter(student__in=students, period=period, interim_up_to=interim_up_to).exclude(pdf="").count()
    return DistrictReports(per_school=per_school, students=sum(row["students"] for row in per_school), ready=ready)

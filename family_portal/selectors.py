"""Reads the family portal's pages share, scoped to the viewer and already joined.

Pages about one child have passed the access door (roster.decorators.student_view) first; the
selectors here only gather what a family may read, through the other apps' own selectors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.models import User
from audit.models import AccessEvent
from competencies import selectors as competency_selectors
from competencies.models import Mastery
from iep import selectors as iep_selectors
from paths import selectors as path_selectors
from iep.models import Goal, IEPInput, IEPPlan, ProgressPoint, ProgressReport, ProgressReportCopy
from iep.status import GoalStatus
from profiles import selectors as profile_selectors
from profiles.models import ProfileGoal, ProfileSection
from roster.access import guardianships_with_rights
from roster.models import Student, Term
from roster.selectors import children_of

from . import progress
from .models import Highlight, HighlightReply

SCHOOL_ROLES = [*User.STAFF_ROLES, User.Role.DISTRICT_ADMIN]


def children_for(user: User) -> list[Student]:
    """A parent's children whose records they may see, in name order (roster's policy decides which)."""
    return list(children_of(user).order_by("first_name", "last_name", "pk"))


def highlights_for(student: Student) -> QuerySet[Highlight]:
    """A child's highlights, newest first, each with its author and its replies (two queries in all)."""
    replies = Prefetch("replies", queryset=HighlightReply.objects.select_related("author").order_by("created_at", "pk"))
    return Highlight.objects.filter(student=student).select_related("author").prefetch_related(replies)


def highlight_of(student: Student, highlight_id: int) -> Highlight | None:
    return Highlight.objects.filter(student=student, pk=highlight_id).first()


# --- The child page -----------------------------------------------------------------------------

@dataclass
class MasteredLately:
    first: date
    last: date
    items: list  # (date mastered, competency), newest first
    chart: progress.BarChart


def stored_masteries(student: Student) -> dict[int, Mastery]:
    """Every stored mastery of the student with its competency, by competency id (one query, shared by the
    child page's parts)."""
    return {m.competency_id: m for m in Mastery.objects.filter(student=student).select_related("competency")}


def mastered_lately(student: Student, today: date | None = None, masteries: dict[int, Mastery] | None = None) -> MasteredLately:
    """Competencies mastered during the current term (their stored effective state and the day it was reached), with
    the month of each, in two queries: the term, the mastered rows (none when `masteries` is given)."""
    today = today or timezone.localdate()
    term = Term.objects.current(today).filter(district_id=student.school.district_id).order_by("start_date").first()
    first = term.start_date if term else today - timedelta(days=90)
    masteries = stored_masteries(student) if masteries is None else masteries
    items = [(m.mastered_on, m.competency) for m in masteries.values() if m.effective_mastered and first <= m.mastered_on <= today]
    items.sort(key=lambda item: (item[0], item[1].pk), reverse=True)
    counts = progress.count_by_month([day for day, _c in items], progress.months_between(first, today))
    return MasteredLately(first=first, last=today, items=items, chart=progress.bar_chart(counts))


ABOUT_KINDS = (ProfileSection.Kind.ABOUT_ME, ProfileSection.Kind.STRENGTHS, ProfileSection.Kind.INTERESTS,
               *ProfileSection.UDL_KINDS)

# The child's pages (P1: at most 12 queries each, whatever the amount of data). Every page also runs the
# request's fixed five: session, user, the door (student with every relationship), its audit row, the
# parent's children for the switch between them.


@dataclass
class Glance:
    """The overview's plain-language summary: one aggregate query over the other sections."""

    profile_goals: int
    iep_goals: int
    has_iep_plan: bool
    messages: int
    answered: int
    latest_report_id: int | None
    latest_report_period: str | None  # its name: "2026-Q3", or "2026-Q4: Interim report, up to ..." (ProgressReport.label)


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (already filtered on OuterRef("pk")), 0 when empty."""
    rows = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def at_a_glance(student: Student) -> Glance:
    iep = student.plan == Student.Plan.IEP
    reports = ProgressReport.objects.filter(student=OuterRef("pk")).exclude(pdf="").order_by(*ProgressReport._meta.ordering)
    family_inputs_ = IEPInput.objects.filter(student=OuterRef("pk"), sender=IEPInput.Sender.FAMILY)
    row = Student.objects.filter(pk=student.pk).annotate(
        glance_profile_goals=_count(ProfileGoal.objects.filter(student=OuterRef("pk"))),
        glance_iep_goals=_count(Goal.objects.filter(plan__student=OuterRef("pk"), plan__is_current=True)),
        glance_has_iep_plan=Exists(IEPPlan.objects.filter(student=OuterRef("pk"), is_current=True)),
        glance_messages=_count(family_inputs_),
        glance_answered=_count(family_inputs_.filter(answered_at__isnull=False)),
        glance_latest_report_id=Subquery(reports.values("pk")[:1]),
        glance_latest_report_period=Subquery(reports.values("period")[:1]),
        glance_latest_report_interim_up_to=Subquery(reports.values("interim_up_to")[:1]),
    ).values("glance_profile_goals", "glance_iep_goals", "glance_has_iep_plan", "glance_messages", "glance_answered",
             "glance_latest_report_id", "glance_latest_report_period", "glance_latest_report_interim_up_to").get()
    row = {key.removeprefix("glance_"): value for key, value in row.items()}
    has_plan = iep and row["has_iep_plan"]
    return Glance(profile_goals=row["profile_goals"], iep_goals=row["iep_goals"] if iep else 0, has_iep_plan=has_plan,
                  messages=row["messages"], answered=row["answered"],
                  latest_report_id=row["latest_report_id"] if has_plan else None,
                  latest_report_period=ProgressReport(period=row["latest_report_period"],
                                                      interim_up_to=row["latest_report_interim_up_to"]).label
                  if has_plan and row["latest_report_id"] else None)


@dataclass
class Overview:
    """What is new: the plain-language summary, the next steps on each learning path, highlights with replies."""

    glance: Glance
    learning: path_selectors.NowAndNext  # THE now and next (paths.selectors.now_and_next), as on the Learning tab
    highlights: list
    flagged: list  # iep.selectors.goals_needing_a_look: each IEP goal not on track, shown first, with what the team will do


def overview(student: Student) -> Overview:
    """The child's first page: the summary, now and next (the one rule), flagged goals, highlights and replies."""
    flagged = iep_selectors.goals_needing_a_look(student) if student.plan == Student.Plan.IEP else []
    return Overview(glance=at_a_glance(student), learning=path_selectors.now_and_next(student),
                    highlights=list(highlights_for(student)[:20]), flagged=flagged)


@dataclass
class LearningPage:
    learning: path_selectors.NowAndNext  # THE now and next (paths.selectors.now_and_next), as on the overview
    mastered: MasteredLately


def learning_page(student: Student) -> LearningPage:
    """What the child works on now and next, and what they mastered this term, in seven queries: the stored
    masteries (shared), the classes, their competencies, prerequisites, the scale; the term, the results."""
    masteries = stored_masteries(student)
    return LearningPage(learning=path_selectors.now_and_next(student),
                        mastered=mastered_lately(student, masteries=masteries))


@dataclass
class GoalsPage:
    goals: list  # the learner profile's goals (child, family and teachers)
    iep_goals: list  # iep.selectors.GoalProgress: chart, table, status (iep.status)
    has_iep_plan: bool
    reports: list


def goals_page(student: Student) -> GoalsPage:
    """Profile goals, IEP goals with their points (joined to the plan), the progress reports: four queries
    (five for a current plan with no goal yet); the statements of disagreement add one when the page renders.
    A profile goal an IEP goal carries on is shown once, as that IEP goal (iep.selectors.profile_goals_shown)."""
    plan, goals = iep_selectors.current_goals(student) if student.plan == Student.Plan.IEP else (None, [])
    return GoalsPage(goals=list(iep_selectors.profile_goals_shown(student, profile_selectors.profile_goals(student))),
                     iep_goals=[iep_selectors.goal_progress(goal) for goal in goals],
                     has_iep_plan=plan is not None,
                     reports=list(reports_for(student)) if plan is not None else [])


@dataclass
class AboutPage:
    about: list  # the child's own words and the shared "how I learn" sections
    accommodations: list


def about_page(student: Student) -> AboutPage:
    """How the child learns best and the support the school provides. Profile sections come from profiles'
    family view, which never holds a staff-only section (two queries; the goals are the goals page's)."""
    shared = profile_selectors.family_view(student)
    return AboutPage(about=[s for kind in ABOUT_KINDS for s in shared.sections if s.kind == kind],
                     accommodations=shared.accommodations)


def reports_for(student: Student, language: str | None = None) -> QuerySet[ProgressReport]:
    """The child's quarterly progress reports that have a PDF, newest first (iep's own selector), each with
    `pdf_language`: the language of the PDF a reader of `language` (default: the active one) gets, the same
    rule as report_pdf_in. A report made before the family chose Spanish exists only in the school's language:
    its PDF is a snapshot of that day, so it is not re-rendered from today's data (issue 18)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    copies = ProgressReportCopy.objects.filter(report=OuterRef("pk"), language=language)
    made_in = Value(language) if language == settings.LANGUAGE_CODE else Case(
        When(Exists(copies), then=Value(language)), default=Value(settings.LANGUAGE_CODE))
    return iep_selectors.progress_reports_of(student).annotate(pdf_language=made_in)


def report_pdf_in(report: ProgressReport, language: str):
    """The report's PDF file in `language` if a copy was made in it, else the school's own."""
    copy = report.copies.filter(language=language).first()
    return copy.pdf if copy else report.pdf


# --- Input to the IEP team ---------------------------------------------------------------------


def family_inputs(user: User, student: Student) -> QuerySet[IEPInput]:
    return iep_selectors.inputs_for_family(user, student)


# --- Record of access -----------------------------------------------------------------------------


def access_record(student: Student) -> QuerySet[AccessEvent]:
    """Who at school opened or changed this child's record, newest first (FERPA 99.10, 99.32).
    School staff only: a family's own visits are theirs to know already. One query per page."""
    return (
        AccessEvent.objects.filter(student=student, outcome=AccessEvent.Outcome.ALLOWED, user__role__in=SCHOOL_ROLES)
        .select_related("user")
        .only("at", "action", "permission", "route_name", "user__first_name", "user__last_name", "user__email",
              "user__role", "user__title")
        .order_by("-at", "-pk")
    )


# --- The weekly digest ------------------------------------------------------------------------------


@dataclass
class ChildWeek:
    student: Student
    highlights: list = field(default_factory=list)
    answered: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    iep_goals: list = field(default_factory=list)  # GoalLine: where each IEP goal stands today
    learning: path_selectors.NowAndNext | None = None  # THE now and next (paths.selectors.now_and_next_for)


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    status: GoalStatus  # iep.status, the same value every page and the PDF show


@dataclass
class DigestContent:
    family: User
    children: list[ChildWeek]


def digest_contents(*, family_ids: list[int], week: date) -> dict[int, DigestContent]:
    """What each family's digest says about the week from `week` (Monday) to Sunday, in nine queries
    for any number of families: highlights, answers from the IEP team, new progress reports, where each IEP
    goal stands (goals, their results), and what each child works on now and next (the one rule, two queries)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(week, time.min), tz)
    end = start + timedelta(days=7)
    families = {u.pk: u for u in User.objects.filter(pk__in=family_ids)}
    links = list(guardianships_with_rights().filter(guardian_id__in=family_ids)
                 .select_related("student").order_by("student__first_name", "student__pk"))
    student_ids = {g.student_id for g in links}
    highlights = defaultdict(list)
    for h in Highlight.objects.filter(student__in=student_ids, created_at__gte=start, created_at__lt=end).select_related("author"):
        highlights[h.student_id].append(h)
    answered = defaultdict(list)
    for item in IEPInput.objects.filter(student__in=student_ids, sender=IEPInput.Sender.FAMILY,
                                        answered_at__gte=start, answered_at__lt=end):
        answered[(item.student_id, item.submitted_by_id)].append(item)
    reports = defaultdict(list)
    for report in ProgressReport.objects.filter(student__in=student_ids, created_at__gte=start, created_at__lt=end).exclude(pdf=""):
        reports[report.student_id].append(report)
    goals = defaultdict(list)
    for goal in (Goal.objects.filter(plan__student__in=student_ids, plan__is_current=True, plan__student__plan=Student.Plan.IEP)
                 .select_related("plan").prefetch_related(Prefetch("points", queryset=ProgressPoint.objects.order_by("measured_on")))):
        goals[goal.plan.student_id].append(GoalLine(goal=goal, status=iep_selectors.status_of(goal, list(goal.points.all()))))
    learning = path_selectors.now_and_next_for(list({g.student_id: g.student for g in links}.values()))
    contents = {pk: DigestContent(family=family, children=[]) for pk, family in families.items()}
    for link in links:
        sid = link.student_id
        contents[link.guardian_id].children.append(ChildWeek(
            student=link.student, highlights=highlights[sid], answered=answered[(sid, link.guardian_id)], reports=reports[sid],
            iep_goals=goals[sid], learning=learning[sid]))
    return contents

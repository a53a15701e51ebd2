"""Reads that paths pages share: scoped by the caller (the access door, grid_sections, the staff
member's schools), already joined, and a fixed number of queries whatever the size of the class."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from competencies.models import Competency, Mastery, Prerequisite, SectionCompetency
from roster.access import grid_sections
from roster.models import Enrollment, School, Section, StaffAssignment, Student

from . import group_sources, grouping, pacing
from .models import LearningSession, OptionKind, OptionMode, PathEvent, PathStep, PathTemplate, StudentPath, TemplateStep

# --- templates -------------------------------------------------------------------------------


def staff_schools(user: User) -> QuerySet[School]:
    return School.objects.filter(staff_assignments__user=user).distinct().order_by("name")


def templates_for(user: User) -> QuerySet[PathTemplate]:
    """Path templates of the schools where `user` works."""
    schools = StaffAssignment.objects.filter(user=user, school__isnull=False).values("school")
    return PathTemplate.objects.filter(school__in=schools).select_related("school", "framework", "created_by")


def template_with_steps(template: PathTemplate) -> list[TemplateStep]:
    return list(template.steps.prefetch_related("competencies", "options").order_by("position", "pk"))


def framework_competencies(framework_id: int) -> QuerySet[Competency]:
    """The competencies a step may be tied to: current ones of the framework, skills before domains."""
    return Competency.objects.filter(framework_id=framework_id, is_retired=False).exclude(code="").order_by("position", "pk")


# --- one student's paths ------------------------------------------------------------------------------


@dataclass
class StepView:
    step: PathStep
    competencies: list[Competency]
    learn: list
    show: list
    waiting_for: list[Competency] = field(default_factory=list)  # prerequisites not mastered yet
    mastered_ids: set[int] = field(default_factory=set)

    @property
    def is_current(self) -> bool:
        return self.step.status == PathStep.Status.OPEN


@dataclass
class PathView:
    path: StudentPath
    steps: list[StepView]
    pace: pacing.Pace
    pace_words: str
    current: StepView | None
    next: StepView | None
    student_words: str = ""  # pace_for_student: the pace in the student's words


def _active_paths(student: Student) -> list[StudentPath]:
    steps = PathStep.objects.prefetch_related("competencies", "options").select_related("chosen_learn", "chosen_show")
    return list(StudentPath.objects.filter(student=student, is_active=True).select_related("section", "framework")
                .prefetch_related(Prefetch("steps", queryset=steps.order_by("position", "pk"))))


def paths_for_student(student: Student, today=None) -> list[PathView]:
    """The student's active paths, each with its steps, options, pacing, current and next step."""
    today = today or timezone.localdate()
    paths = _active_paths(student)
    competency_ids = {c.pk for p in paths for s in p.steps.all() for c in s.competencies.all()}
    edges = list(Prerequisite.objects.filter(competency_id__in=competency_ids).select_related("prerequisite"))
    mastered = Mastery.objects.filter(student=student, competency_id__in=competency_ids | {e.prerequisite_id for e in edges}
                                      ).mastered_ids().get(student.pk, set())
    needs = defaultdict(list)
    for edge in edges:
        needs[edge.competency_id].append(edge.prerequisite)
    return [_path_view(p, needs, mastered, today, student) for p in paths]


def _path_view(path: StudentPath, needs, mastered: set[int], today, student: Student) -> PathView:
    views = []
    for step in path.steps.all():
        competencies = list(step.competencies.all())
        own = {c.pk for c in competencies}
        waiting = {p.pk: p for c in competencies for p in needs[c.pk] if p.pk not in mastered and p.pk not in own}
        options = list(step.options.all())
        views.append(StepView(step, competencies, [o for o in options if o.kind == OptionKind.LEARN],
                              [o for o in options if o.kind == OptionKind.SHOW], list(waiting.values()), own & mastered))
    pace, current, after = _where_it_stands([v.step for v in views], today)
    return PathView(path, views, pace, pace_in_words(pace, student.preferred_name or student.first_name),
                    views[current] if current is not None else None, views[after] if after is not None else None,
                    pace_for_student(pace.status, max(pace.due - pace.done, 0)))


def _where_it_stands(steps: list[PathStep], today) -> tuple[pacing.Pace, int | None, int | None]:
    """The path's pace, and the indexes of the step being worked on (the open one, else the first not done) and
    of the step after it; None when there is none."""
    pace = pacing.pace([pacing.StepDates(s.target_date, s.finished_on if s.is_done else None) for s in steps], today)
    waiting = [i for i, s in enumerate(steps) if not s.is_done]
    current = next((i for i in waiting if steps[i].status == PathStep.Status.OPEN), waiting[0] if waiting else None)
    after = [i for i in waiting if current is not None and steps[i].position > steps[current].position]
    return pace, current, after[0] if after else None


def pace_in_words(pace: pacing.Pace, name: str) -> str:
    """Pacing as a parent or a student reads it."""
    counts = {"name": name, "done": pace.done, "total": pace.total, "due": pace.due}
    if pace.status == pacing.FINISHED:
        return _("%(name)s has finished every step of this path.") % counts
    if pace.status == pacing.NOT_STARTED:
        return _("This path has no steps yet.") % counts
    done = ngettext("%(done)d of %(total)d step is done", "%(done)d of %(total)d steps are done", pace.total) % counts
    due = ngettext("%(due)d was planned by today", "%(due)d were planned by today", pace.due) % counts
    if pace.status == pacing.AHEAD:
        return _("Ahead of plan: %(done)s and %(due)s.") % {"done": done, "due": due}
    if pace.status == pacing.ON_TRACK:
        return _("On track: %(done)s and %(due)s.") % {"done": done, "due": due}
    return _("Behind plan: %(done)s and %(due)s. The teacher can give more time or extra help.") % {"done": done, "due": due}


def path_events(path: StudentPath, limit: int = 30) -> list[PathEvent]:
    return list(path.events.select_related("actor")[:limit])


def upcoming_sessions_for_student(student: Student, now=None) -> list[LearningSession]:
    start = _start_of_today(now)
    return list(student.learning_sessions.filter(starts_at__gte=start).select_related("staff", "competency").order_by("starts_at", "pk"))


def choices_so_far(student: Student) -> list[tuple[str, int]]:
    """How the student chose to learn and to show learning so far: (way, times), most chosen first.
    Evidence of what works for them, beside "how I learn best" on their learner profile."""
    return choices_in(PathStep.objects.filter(path__student=student).exclude(chosen_at=None)
                      .select_related("chosen_learn", "chosen_show"))


def choices_in(steps) -> list[tuple[str, int]]:
    """The ways chosen on these steps (their chosen options already joined): (way, times), most chosen first."""
    modes = dict(OptionMode.choices)
    counts: dict[str, int] = defaultdict(int)
    for step in steps:
        for option in (step.chosen_learn, step.chosen_show):
            if option is not None:
                counts[str(modes.get(option.mode, option.mode))] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class LearningItem:
    """One thing the child works on (or will next), as a family or the student reads it."""

    title: str  # a path step's title, or the competency's plain statement (Competency.plain_statement)
    course: str  # the learning path's title, or the class's name
    path_id: int | None = None  # the path it comes from; None when the competency graph decided


@dataclass
class PathPace:
    title: str
    status: str  # pacing: "ahead" | "on_track" | "behind" | "finished" | "not_started"
    words: str  # pace_in_words, for a family
    behind_by: int  # steps planned by today and not done yet (0 unless behind)
    current: PathStep | None = None  # the step being worked on (the student home offers its choice)


@dataclass
class NowAndNext:
    now: list[LearningItem] = field(default_factory=list)
    next: list[LearningItem] = field(default_factory=list)
    paths: list[PathPace] = field(default_factory=list)
    steps: list[PathStep] = field(default_factory=list)  # every step of the active paths, with the ways chosen


def now_and_next(student: Student, today=None, limit: int = 6) -> NowAndNext:
    """THE rule for "what the child is working on now and next" (issue 17.2; docs/product.md, "Now and next"), for
    one student: `now_and_next_for` with that student alone."""
    return now_and_next_for([student], today=today, limit=limit)[student.pk]


def now_and_next_for(students: list[Student], today=None, limit: int = 6) -> dict[int, NowAndNext]:
    """THE rule for "what the child is working on now and next" (issue 17.2; docs/product.md, "Now and next"), by
    student id. Every family page (Overview, Learning), the weekly digest and the student's own home read it here:
    - where a learning path is active, the path decides: now is its current step (the open one, else the first one
      not done), next is the step after it;
    - in a class of this term that no active path of the student covers, the competency graph decides: now is what
      has results and is not mastered yet (effective mastery), next is what is not started and whose prerequisites
      are all mastered (competencies.graph.ready_to_learn's rule, asked in the query).
    Two queries for any number of students, paths, steps, classes and competencies (P1): the steps with their
    paths, and the classes' competencies per enrolled student with that student's mastery of each and of what
    each builds on."""
    today = today or timezone.localdate()
    results = {student.pk: NowAndNext() for student in students}
    names = {student.pk: student.preferred_name or student.first_name for student in students}
    paths: dict[int, StudentPath] = {}
    by_path: dict[int, list[PathStep]] = defaultdict(list)
    for step in (PathStep.objects.filter(path__student_id__in=list(results), path__is_active=True)
                 .select_related("path", "chosen_learn", "chosen_show")
                 .order_by("path__student_id", "path__start_date", "path_id", "position", "pk")):
        paths.setdefault(step.path_id, step.path)
        by_path[step.path_id].append(step)
    covered = set()
    for path_id, path in paths.items():
        result, steps = results[path.student_id], by_path[path_id]
        result.steps += steps
        covered.add((path.student_id, path.section_id))
        pace, current, after = _where_it_stands(steps, today)
        result.paths.append(PathPace(path.title, pace.status, pace_in_words(pace, names[path.student_id]),
                                     max(pace.due - pace.done, 0) if pace.status == pacing.BEHIND else 0,
                                     steps[current] if current is not None else None))
        for index, into in ((current, result.now), (after, result.next)):
            if index is not None:
                into.append(LearningItem(steps[index].title, path.title, path_id))
    mine = Mastery.objects.filter(student_id=OuterRef("enrolled"), competency_id=OuterRef("competency_id"))
    mastered_before = Mastery.objects.filter(student_id=OuterRef(OuterRef("enrolled")), effective_mastered=True)
    waiting = Prerequisite.objects.filter(competency_id=OuterRef("competency_id")).exclude(
        prerequisite_id__in=mastered_before.values("competency_id"))
    links = (SectionCompetency.objects.filter(
        section__enrollments__student_id__in=list(results), section__term__start_date__lte=today,
        section__term__end_date__gte=today, competency__is_retired=False)
        .annotate(enrolled=F("section__enrollments__student_id"))
        .annotate(is_mastered=Exists(mine.filter(effective_mastered=True)),
                  is_started=Exists(mine.filter(evidence_count__gt=0, effective_mastered=False)),
                  is_waiting=Exists(waiting))
        .select_related("section", "competency")
        .order_by("enrolled", "section__period", "section__name", "section_id", "position", "pk"))
    for link in links:
        if (link.enrolled, link.section_id) in covered:
            continue
        result = results[link.enrolled]
        item = LearningItem(link.competency.plain_statement(), link.section.name)
        if link.is_started:
            result.now.append(item)
        elif not link.is_mastered and not link.is_waiting:
            result.next.append(item)
    for result in results.values():
        result.now, result.next = result.now[:limit], result.next[:limit]
    return results


def pace_for_student(status: str, behind_by: int) -> str:
    """A path's pace in the student's own words: kind, never a staff flag like "Behind" (issue 17.1)."""
    if status == pacing.FINISHED:
        return _("You finished every step. Well done!")
    if status == pacing.NOT_STARTED:
        return _("Your teacher is still adding the steps.")
    if status == pacing.AHEAD:
        return _("You are ahead of the plan. Great work!")
    if status == pacing.BEHIND:
        return ngettext("You have %(n)d step to catch up. Your teacher will help you.",
                        "You have a few steps to catch up (%(n)d). Your teacher will help you.",
                        behind_by) % {"n": behind_by}
    return _("You are right on plan. Keep going!")


# --- a class -----------------------------------------------------------------------------------------


def sections_for_paths(user: User) -> QuerySet[Section]:
    """This term's classes the user teaches or leads (the list form of paths.view_section)."""
    return grid_sections(user).select_related("school", "term")


def section_students(section: Section) -> list[Student]:
    return [e.student for e in Enrollment.objects.filter(section=section).select_related("student")
            .order_by("student__last_name", "student__first_name", "student__pk")]


@dataclass
class PacingRow:
    student: Student
    path: StudentPath | None
    pace: pacing.Pace | None
    current: PathStep | None


def section_pacing(section: Section, today=None) -> list[PacingRow]:
    """Each student of the class with their path from this class and its pace: three queries in all."""
    today = today or timezone.localdate()
    students = section_students(section)
    paths = StudentPath.objects.filter(section=section, is_active=True, student__in=[s.pk for s in students]).prefetch_related(
        Prefetch("steps", queryset=PathStep.objects.order_by("position", "pk")))
    by_student = defaultdict(list)
    for path in paths:
        by_student[path.student_id].append(path)
    rows = []
    for student in students:
        for path in by_student.get(student.pk) or [None]:
            rows.append(_pacing_row(student, path, today))
    return rows


def _pacing_row(student: Student, path: StudentPath | None, today) -> PacingRow:
    if path is None:
        return PacingRow(student, None, None, None)
    steps = list(path.steps.all())
    pace = pacing.pace([pacing.StepDates(s.target_date, s.finished_on if s.is_done else None) for s in steps], today)
    waiting = [s for s in steps if not s.is_done]
    current = next((s for s in waiting if s.status == PathStep.Status.OPEN), waiting[0] if waiting else None)
    return PacingRow(student, path, pace, current)


PACE_ORDER = [pacing.BEHIND, pacing.ON_TRACK, pacing.AHEAD, pacing.FINISHED, pacing.NOT_STARTED]
PACING_SORTS = ("name", "late", "pace")


@dataclass(frozen=True)
class PaceCount:
    status: str  # a pacing status, or "none" for students with no path from the class
    n: int


def pacing_counts(rows: list[PacingRow]) -> list[PaceCount]:
    """How many paths stand at each pace (behind first), and how many students have no path: the summary line."""
    counts = {status: 0 for status in [*PACE_ORDER, "none"]}
    for row in rows:
        counts[row.pace.status if row.pace else "none"] += 1
    return [PaceCount(status, n) for status, n in counts.items() if n]


def sort_pacing(rows: list[PacingRow], sort: str) -> list[PacingRow]:
    """`late`: the longest overdue first; `pace`: behind first, then on track, ahead, finished; `name`: as enrolled."""
    if sort == "late":
        return sorted(rows, key=lambda r: (-(r.pace.days_late if r.pace else -1)))
    if sort == "pace":
        return sorted(rows, key=lambda r: (PACE_ORDER.index(r.pace.status) if r.pace else len(PACE_ORDER),
                                           -(r.pace.days_late if r.pace else 0)))
    return rows


@dataclass
class Suggestion:
    competency: Competency
    students: list[Student]


def group_suggestions(section: Section, students: dict[int, Student] | None = None) -> list[Suggestion]:
    """Small groups of the class's students who share an unmastered competency of their current step.
    `students`: the class's, by pk, when the caller has them already."""
    students = students if students is not None else {s.pk: s for s in section_students(section)}
    steps = (PathStep.objects.filter(path__section=section, path__is_active=True, path__student__in=list(students))
             .exclude(status__in=PathStep.DONE).select_related("path").prefetch_related("competencies")
             .order_by("path__student__last_name", "path__student__first_name", "path__student_id", "path_id", "position", "pk"))
    current: dict[int, PathStep] = {}
    for step in steps:
        current.setdefault(step.path.student_id, step)  # the first step not done on the student's path
    competencies = {c.pk: c for step in current.values() for c in step.competencies.all()}
    mastered = Mastery.objects.filter(student_id__in=list(current), competency_id__in=list(competencies)).mastered_ids()
    needs = {student_id: [c.pk for c in step.competencies.all() if c.pk not in mastered.get(student_id, ())]
             for student_id, step in current.items()}
    order = sorted(competencies, key=lambda pk: (competencies[pk].position, pk))
    return [Suggestion(competencies[g.competency], [students[s] for s in g.students]) for g in grouping.suggest_groups(needs, order)]


def sourced_groups(section: Section, students: dict[int, Student]) -> list[group_sources.SourcedGroup]:
    """Small groups other apps form from their data (support plans), for the same class."""
    return group_sources.collect(section, students)


# --- sessions --------------------------------------------------------------------------------------


def _start_of_today(now=None) -> datetime:
    now = now or timezone.now()
    return timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))


def _sessions() -> QuerySet[LearningSession]:
    return LearningSession.objects.select_related("staff", "section__school", "competency").prefetch_related(
        Prefetch("students", queryset=Student.objects.order_by("last_name", "first_name")))


def section_path_competencies(section: Section) -> QuerySet[Competency]:
    """Competencies on the paths of a class: what a session's focus may be."""
    return Competency.objects.filter(path_steps__path__section=section, is_retired=False).distinct()


def upcoming_sessions_for_section(section: Section) -> list[LearningSession]:
    return list(_sessions().filter(section=section, starts_at__gte=_start_of_today()))


def sessions_led_by(user: User) -> list[LearningSession]:
    """The staff member's sessions from today on."""
    return list(_sessions().filter(staff=user, starts_at__gte=_start_of_today()))


def school_sessions(user: User, days: int = 14) -> list[LearningSession]:
    """Sessions at the schools `user` leads, from today for `days` days, by time then room."""
    led = StaffAssignment.objects.filter(user=user, role=StaffAssignment.Role.SCHOOL_LEADER).values("school")
    start = _start_of_today()
    return list(_sessions().filter(section__school__in=led, starts_at__gte=start, starts_at__lt=start + timedelta(days=days))
                .order_by("starts_at", "room", "pk"))


def by_local_day(sessions: list[LearningSession]) -> list[tuple]:
    """[(day, sessions of that day)] in the school's time zone, keeping the order given."""
    days: dict = {}
    for session in sessions:
        days.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return list(days.items())


def schedulable_staff(section: Section) -> QuerySet[User]:
    """Staff who work at the class's school: who may lead a session."""
    return User.objects.filter(assignments__school=section.school_id, is_active=True).distinct().order_by("last_name", "first_name")


"""What the student's own home shows (issue 17.1), gathered from the apps below, in a fixed number of queries.

The door (roster.decorators.student_view with `student_home.view`: the student herself) has been passed first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from competencies.models import Competency, Mastery
from iep import selectors as iep_selectors
from iep.status import GoalStatus
from paths import selectors as path_selectors
from profiles.models import ProfileGoal
from roster.models import Student

MASTERED_SHOWN = 5
SESSIONS_SHOWN = 5


@dataclass(frozen=True)
class MyPath:
    title: str
    pace_words: str  # paths.selectors.pace_for_student: kind, never a staff flag
    step: object | None  # the PathStep being worked on (with the ways she chose), or None when every step is done
    path_id: int | None


@dataclass(frozen=True)
class MyIEPGoal:
    statement: str
    status: GoalStatus  # iep.status, worded for the student (audience "student")


@dataclass
class Home:
    name: str
    learning: path_selectors.NowAndNext  # THE now and next (paths.selectors.now_and_next), as her family reads it
    paths: list[MyPath]
    in_classes: list  # what she works on now in classes no path covers (the rule's competency-graph part)
    my_goals: list[ProfileGoal]
    iep_goals: list[MyIEPGoal]
    mastered: list[tuple[date, Competency]]
    sessions: list
    choices: list[tuple[str, int]]  # the ways she chose on the steps of her paths


def home_for(student: Student) -> Home:
    """Her home in seven queries whatever she has (P1: at most twelve with the request's four; tests/student_home):
    now and next (two; the ways she chose on her paths come with them), the IEP goals with their results (two), her
    own goals, mastered lately, sessions."""
    learning = path_selectors.now_and_next(student)
    paths = [MyPath(p.title, path_selectors.pace_for_student(p.status, p.behind_by), p.current, p.current.path_id if p.current else None)
             for p in learning.paths]
    iep_goals: list[MyIEPGoal] = []
    if student.plan == Student.Plan.IEP:
        _plan, goals = iep_selectors.current_goals(student)
        iep_goals = [MyIEPGoal(g.statement, iep_selectors.status_of(g, list(g.points.all()))) for g in goals]
    my_goals = list(iep_selectors.profile_goals_shown(
        student, ProfileGoal.objects.filter(student=student).exclude(status=ProfileGoal.Status.DISCONTINUED)))
    mastered = [(m.mastered_on, m.competency) for m in Mastery.objects.filter(student=student).mastered()
                .select_related("competency").order_by("-mastered_on", "-pk")[:MASTERED_SHOWN]]
    return Home(name=student.preferred_name or student.first_name, learning=learning, paths=paths,
                in_classes=[item for item in learning.now if item.path_id is None], my_goals=my_goals,
                iep_goals=iep_goals, mastered=mastered,
                sessions=path_selectors.upcoming_sessions_for_student(student)[:SESSIONS_SHOWN],
                choices=path_selectors.choices_in(learning.steps))

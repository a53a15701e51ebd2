"""grouping.py and progression.py: pure functions on hand-built classes (no database)."""

from paths import grouping, progression
from paths.progression import LOCKED, MASTERED, OPEN, SKIPPED, StepState


def test_groups_on_a_hand_built_class():
    """Ann, Ben and Cy need A next; Dee and Eve need B; Fay alone needs C: two groups, Fay in none.
    Ben also needs B but sits in the bigger A group only."""
    needs = {"Ann": ["A"], "Ben": ["A", "B"], "Cy": ["A"], "Dee": ["B"], "Eve": ["B"], "Fay": ["C"]}
    groups = grouping.suggest_groups(needs, ["A", "B", "C"])
    assert groups == [grouping.Group("A", ("Ann", "Ben", "Cy")), grouping.Group("B", ("Dee", "Eve"))]


def test_a_big_shared_need_is_split_into_even_groups():
    needs = {f"s{n}": ["A"] for n in range(8)}
    groups = grouping.suggest_groups(needs, ["A"], max_size=6)
    assert [g.students for g in groups] == [("s0", "s1", "s2", "s3"), ("s4", "s5", "s6", "s7")]


def test_no_group_when_nobody_shares_a_need():
    assert grouping.suggest_groups({"Ann": ["A"], "Ben": ["B"], "Cy": []}, ["A", "B"]) == []


def test_ties_follow_the_competency_order():
    needs = {"Ann": ["B"], "Ben": ["B"], "Cy": ["A"], "Dee": ["A"]}
    assert [g.competency for g in grouping.suggest_groups(needs, ["A", "B"])] == ["A", "B"]


def _path(*statuses, by_hand=()):
    return [StepState(i, status, frozenset({10 + i}), i in by_hand) for i, status in enumerate(statuses)]


EDGES = [(10, 11), (11, 12)]  # competency 10 opens 11, 11 opens 12


def test_first_step_opens_when_it_has_no_prerequisite():
    assert progression.next_statuses(_path(LOCKED, LOCKED, LOCKED), EDGES, set()) == {0: OPEN, 1: LOCKED, 2: LOCKED}


def test_mastery_finishes_the_step_and_opens_the_next():
    assert progression.next_statuses(_path(OPEN, LOCKED, LOCKED), EDGES, {10}) == {0: MASTERED, 1: OPEN, 2: LOCKED}


def test_next_step_waits_for_a_prerequisite_outside_the_path():
    steps = [StepState(0, SKIPPED, frozenset({10})), StepState(1, LOCKED, frozenset({11}))]
    assert progression.next_statuses(steps, EDGES, set()) == {0: SKIPPED, 1: LOCKED}


def test_a_step_opened_by_hand_stays_open_and_a_later_auto_open_step_closes():
    assert progression.next_statuses(_path(OPEN, LOCKED, OPEN, by_hand={2}), EDGES, set()) == {0: OPEN, 1: LOCKED, 2: OPEN}
    assert progression.next_statuses(_path(OPEN, OPEN, LOCKED), EDGES, set()) == {0: OPEN, 1: LOCKED, 2: LOCKED}


def test_prerequisites_leave_out_the_steps_own_competencies():
    assert progression.prerequisites_of({11, 12}, EDGES) == {10}

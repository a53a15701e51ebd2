"""Which steps of a path are open, done or still locked: pure functions, no database.

Rules, in path order:
- a step not done whose competencies are all mastered is mastered (the path advances on mastery);
- the first step not done opens once every prerequisite of its competencies (from the competency
  graph, the step's own competencies left out) is mastered; the steps after it wait;
- a step the teacher opened or skipped by hand keeps that status; a done step stays done.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LOCKED, OPEN, MASTERED, SKIPPED = "locked", "open", "mastered", "skipped"
DONE = frozenset({MASTERED, SKIPPED})


@dataclass(frozen=True)
class StepState:
    key: int
    status: str
    competency_ids: frozenset[int]
    opened_by_hand: bool = False


def prerequisites_of(competency_ids: Iterable[int], edges: Iterable[tuple[int, int]]) -> set[int]:
    """Competencies that must be mastered before these open, from (prerequisite, competency) pairs."""
    wanted = set(competency_ids)
    return {before for before, after in edges if after in wanted} - wanted


def next_statuses(steps: Sequence[StepState], edges: Sequence[tuple[int, int]], mastered: set[int]) -> dict[int, str]:
    """The status each step should have now, keyed by step key."""
    result: dict[int, str] = {}
    first_waiting_seen = False
    for step in steps:
        status = step.status
        if status not in DONE and step.competency_ids and step.competency_ids <= mastered:
            status = MASTERED
        if status not in DONE and not first_waiting_seen:
            first_waiting_seen = True
            if status == LOCKED and prerequisites_of(step.competency_ids, edges) <= mastered:
                status = OPEN
        elif status == OPEN and not step.opened_by_hand:
            status = LOCKED  # an earlier step is not done yet: only the teacher can open ahead
        result[step.key] = status
    return result

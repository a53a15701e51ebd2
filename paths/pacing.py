"""Pacing: pure functions over dates, no database.

A path is a list of steps, each with a target date and, once done, the day it was finished.
The status compares how many steps are done with how many were due by today:
more done than due is ahead, as many is on track, fewer is behind.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

AHEAD, ON_TRACK, BEHIND, FINISHED, NOT_STARTED = "ahead", "on_track", "behind", "finished", "not_started"


@dataclass(frozen=True)
class StepDates:
    target: date
    finished: date | None  # None while the step is not done


@dataclass(frozen=True)
class Pace:
    status: str
    done: int
    due: int
    total: int
    next_target: date | None  # the target date of the first step not done yet
    days_late: int  # how far behind the oldest overdue step is; 0 when none is overdue


def pace(steps: Sequence[StepDates], today: date) -> Pace:
    """Where a path stands against its dates on `today`."""
    total = len(steps)
    done = sum(1 for s in steps if s.finished is not None)
    due = sum(1 for s in steps if s.target <= today)
    waiting = sorted(s.target for s in steps if s.finished is None)
    overdue = [t for t in waiting if t < today]
    days_late = (today - overdue[0]).days if overdue else 0
    next_target = waiting[0] if waiting else None
    if total == 0:
        status = NOT_STARTED
    elif done == total:
        status = FINISHED
    elif done > due:
        status = AHEAD
    elif done == due or not overdue:
        status = ON_TRACK
    else:
        status = BEHIND
    return Pace(status=status, done=done, due=due, total=total, next_target=next_target, days_late=days_late)


def school_days_after(start: date, days: int) -> date:
    """The date `days` school days (Monday to Friday) after `start`."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def targets_from_durations(start: date, durations: Sequence[int]) -> list[date]:
    """Target dates for consecutive steps lasting `durations` school days each, from `start`."""
    targets, current = [], start
    for days in durations:
        current = school_days_after(current, max(days, 1))
        targets.append(current)
    return targets


def spread(old_targets: Sequence[date], start: date, new_end: date) -> list[date]:
    """Stretch or shrink a path's timeline so its last step lands on `new_end`, keeping each step's share.

    A student whose IEP sets a longer timeline keeps the same steps in the same proportions."""
    if not old_targets:
        return []
    if new_end <= start:
        raise ValueError("the new end date must come after the start date")
    old_span = max((old_targets[-1] - start).days, 1)
    new_span = (new_end - start).days
    result, previous = [], start
    for target in old_targets:
        share = max((target - start).days, 0) / old_span
        moved = start + timedelta(days=round(share * new_span))
        previous = max(moved, previous)
        result.append(previous)
    result[-1] = new_end
    return result

"""pacing.py: pure functions on hand-worked dates (no database)."""

from datetime import date

import pytest

from paths import pacing
from paths.pacing import StepDates

TODAY = date(2026, 3, 18)  # a Wednesday


def steps(*pairs):
    return [StepDates(target, finished) for target, finished in pairs]


@pytest.mark.parametrize(
    ("path", "status", "done", "due", "days_late"),
    [
        # two due by today, two done: on track
        (steps((date(2026, 3, 10), date(2026, 3, 9)), (date(2026, 3, 17), date(2026, 3, 17)), (date(2026, 3, 24), None)),
         pacing.ON_TRACK, 2, 2, 0),
        # one due, two done (the second early): ahead
        (steps((date(2026, 3, 10), date(2026, 3, 9)), (date(2026, 3, 24), date(2026, 3, 16)), (date(2026, 3, 31), None)),
         pacing.AHEAD, 2, 1, 0),
        # two due, one done, the second 8 days late: behind
        (steps((date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 3, 10), None), (date(2026, 3, 24), None)),
         pacing.BEHIND, 1, 2, 8),
        # due today and not done yet is still on track (it is not late until tomorrow)
        (steps((date(2026, 3, 18), None), (date(2026, 3, 24), None)), pacing.ON_TRACK, 0, 1, 0),
        (steps((date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 4, 2), date(2026, 3, 12))), pacing.FINISHED, 2, 1, 0),
        ([], pacing.NOT_STARTED, 0, 0, 0),
    ],
)
def test_pace_on_hand_worked_dates(path, status, done, due, days_late):
    result = pacing.pace(path, TODAY)
    assert (result.status, result.done, result.due, result.days_late) == (status, done, due, days_late)


def test_next_target_is_the_earliest_step_not_done():
    path = steps((date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 3, 24), None), (date(2026, 3, 10), None))
    assert pacing.pace(path, TODAY).next_target == date(2026, 3, 10)


def test_targets_count_school_days_only():
    # Friday 13 March + 1 school day is Monday 16; + 5 more is Monday 23
    assert pacing.targets_from_durations(date(2026, 3, 13), [1, 5]) == [date(2026, 3, 16), date(2026, 3, 23)]


def test_spread_keeps_each_steps_share_and_lands_on_the_new_end():
    start = date(2026, 3, 1)
    old = [date(2026, 3, 11), date(2026, 3, 21), date(2026, 3, 31)]  # 10, 20, 30 days in
    assert pacing.spread(old, start, date(2026, 4, 30)) == [date(2026, 3, 21), date(2026, 4, 10), date(2026, 4, 30)]


def test_spread_refuses_an_end_before_the_start():
    with pytest.raises(ValueError):
        pacing.spread([date(2026, 3, 11)], date(2026, 3, 1), date(2026, 2, 1))

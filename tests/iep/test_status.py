"""iep.status, THE status of an IEP goal (issue 16.3): on track, not on track with the rule that said so, or not
enough data; pure, against hand-worked data (aim 40 -> 70 over 300 days: 0.1 a day)."""

from datetime import date, timedelta

import pytest

from iep.monitoring import Decision
from iep.status import Audience, Status, goal_status

START = date(2026, 9, 1)


def _status(values_by_day, *, baseline=40, target=70):
    return goal_status(baseline=baseline, baseline_date=START, target=target, target_date=START + timedelta(days=300),
                       results=[(START + timedelta(days=day), value) for day, value in values_by_day])


def test_three_results_are_not_enough_to_judge():
    value = _status([(10, 30), (20, 30), (30, 30)])
    assert (value.status, value.rule, value.needs_a_look) == (Status.NOT_ENOUGH_DATA, Decision.NOT_ENOUGH_DATA, False)
    assert value.reason(Audience.STAFF) == "3 results so far; the decision rule needs at least 4."


def test_four_in_a_row_below_the_aim_line_is_not_on_track_and_says_why():
    # aim at day 10, 20, 30, 40 = 41, 42, 43, 44; every result under it (the order given does not matter).
    value = _status([(40, 43.9), (10, 40), (30, 42), (20, 41)])
    assert (value.status, value.rule, value.needs_a_look) == (Status.NOT_ON_TRACK, Decision.BELOW_AIM, True)
    assert value.label(Audience.STAFF) == "Not on track: needs a look"
    assert value.reason(Audience.STAFF).startswith("The last 4 results in a row are below the aim line")


def test_results_around_or_above_the_aim_line_are_on_track():
    around = _status([(10, 40), (20, 43), (30, 42), (40, 44)])  # 44 on day 40 is on the line: not below
    above = _status([(10, 50), (20, 50), (30, 50), (40, 50)])
    assert (around.status, around.rule) == (Status.ON_TRACK, Decision.ON_TRACK)
    assert (above.status, above.rule) == (Status.ON_TRACK, Decision.ABOVE_AIM)
    assert "may raise the goal" in above.reason(Audience.STAFF)
    assert not around.needs_a_look and not above.needs_a_look


def test_a_goal_to_lower_a_behaviour_is_off_track_above_its_line():
    # 20 outbursts a week down to 5: the aim falls 0.05 a day; results above it are the wrong side.
    value = _status([(10, 21), (20, 21), (30, 21), (40, 21)], baseline=20, target=5)
    assert value.status == Status.NOT_ON_TRACK


@pytest.mark.parametrize("audience", list(Audience))
def test_each_reader_gets_three_different_labels_and_a_reason_for_every_rule(audience):
    values = [_status([]), _status([(10, 40), (20, 43), (30, 42), (40, 44)]), _status([(10, 30), (20, 30), (30, 30), (40, 30)]),
              _status([(10, 50), (20, 50), (30, 50), (40, 50)])]
    assert len({v.label(audience) for v in values}) == 3
    assert len({v.reason(audience) for v in values}) == 4


def test_the_student_reads_kind_plain_words():
    """A 10-year-old reads her IEP tab: no "aim line", no "flag", no "instruction"."""
    for value in (_status([]), _status([(10, 30), (20, 30), (30, 30), (40, 30)]), _status([(10, 50), (20, 50), (30, 50), (40, 50)])):
        words = (value.label(Audience.STUDENT) + " " + value.reason(Audience.STUDENT)).lower()
        assert not any(term in words for term in ("aim line", "flag", "instruction", "decision rule"))

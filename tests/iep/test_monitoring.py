"""Pure progress-monitoring arithmetic against hand-worked data (issue 6: trend line and decision rule)."""

from datetime import date

import pytest

from iep import monitoring
from iep.monitoring import Decision, Line


def test_trend_line_matches_hand_worked_least_squares():
    # x = 0, 7, 14, 21; y = 40, 43, 44, 49.  mean x = 10.5, mean y = 44.
    # Sxx = 110.25 + 12.25 + 12.25 + 110.25 = 245; Sxy = (-10.5)(-4) + (-3.5)(-1) + (3.5)(0) + (10.5)(5) = 98.
    # slope = 98 / 245 = 0.4; intercept = 44 - 0.4 * 10.5 = 39.8.
    line = monitoring.trend_line([(0, 40), (7, 43), (14, 44), (21, 49)])
    assert line.slope == pytest.approx(0.4)
    assert line.intercept == pytest.approx(39.8)


def test_trend_line_needs_two_distinct_days():
    assert monitoring.trend_line([(3, 10)]) is None
    assert monitoring.trend_line([(3, 10), (3, 12)]) is None


def test_aim_line_runs_from_baseline_to_target_on_the_goal_date():
    aim = monitoring.aim_line(baseline=40, target=70, days_to_goal=300)
    assert (aim.at(0), aim.at(150), aim.at(300)) == (40, 55, 70)
    with pytest.raises(ValueError):
        monitoring.aim_line(baseline=40, target=70, days_to_goal=0)


AIM = Line(slope=0.1, intercept=40)  # 41 on day 10, 42 on day 20, ...


def test_four_points_in_a_row_below_the_aim_line_flag_the_goal():
    points = [(10, 41.5), (20, 41.9), (30, 42.9), (40, 43.9), (50, 44.9)]  # last four each 0.1 below
    assert monitoring.decide(points, AIM) == Decision.BELOW_AIM


def test_one_point_on_the_line_among_the_last_four_is_not_a_flag():
    points = [(20, 41.9), (30, 43.0), (40, 43.9), (50, 44.9)]  # day 30 exactly on the aim line
    assert monitoring.decide(points, AIM) == Decision.ON_TRACK


def test_rule_reads_points_in_date_order_not_entry_order():
    # Entered out of order: the latest four by date are below, the early high one is outside the window.
    points = [(50, 44), (10, 60), (40, 43), (20, 41), (30, 42)]
    assert monitoring.decide(points, AIM) == Decision.BELOW_AIM


def test_four_points_above_suggest_raising_the_goal_and_fewer_than_four_say_nothing():
    assert monitoring.decide([(10, 50), (20, 50), (30, 50), (40, 50)], AIM) == Decision.ABOVE_AIM
    assert monitoring.decide([(10, 30), (20, 30), (30, 30)], AIM) == Decision.NOT_ENOUGH_DATA


def test_when_lower_is_better_points_above_the_aim_line_are_the_bad_side():
    # A behaviour goal: 20 outbursts a week down to 5. Aim on day 10 is 19.5.
    aim = monitoring.aim_line(baseline=20, target=5, days_to_goal=300)
    points = [(10, 21), (20, 20), (30, 19), (40, 19)]  # aim: 19.5, 19, 18.5, 18
    assert monitoring.decide(points, aim, higher_is_better=False) == Decision.BELOW_AIM


def test_chart_places_baseline_bottom_left_and_target_top_right():
    chart = monitoring.build_chart(start=date(2026, 1, 5), end=date(2026, 11, 1), baseline=40, target=70,
                                   points=[(date(2026, 1, 12), 42), (date(2026, 1, 19), 44)])
    x0, y0, x1, y1 = chart.aim
    assert (x0, x1) == (chart.left, chart.right)
    assert y0 > y1  # SVG y grows downwards: the higher target is drawn above the baseline
    assert [p.value for p in chart.points] == [42, 44]
    assert chart.trend is not None and len(chart.y_ticks) == 5


@pytest.mark.parametrize(("day", "count", "expected"), [
    (date(2026, 3, 13), 5, date(2026, 3, 6)),    # Friday minus five school days: the previous Friday
    (date(2026, 3, 16), 1, date(2026, 3, 13)),   # Monday minus one: Friday
    (date(2026, 3, 15), 10, date(2026, 3, 2)),   # a Sunday
])
def test_subtract_school_days_skips_weekends(day, count, expected):
    assert monitoring.subtract_school_days(day, count) == expected


def test_quarters():
    assert monitoring.quarter_of(date(2026, 11, 30)) == "2026-Q4"
    assert monitoring.quarter_bounds("2026-Q2") == (date(2026, 4, 1), date(2026, 6, 30))
    assert monitoring.quarter_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert monitoring.previous_quarter(date(2026, 1, 2)) == "2025-Q4"

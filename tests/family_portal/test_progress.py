"""Pure calculations of the child page (no database)."""

from datetime import date
from decimal import Decimal

from competencies import mastery
from family_portal import progress

PARAMS = mastery.Params(method=mastery.LATEST, threshold=Decimal(3), min_evidence=1)


def test_months_between_crosses_the_new_year():
    assert progress.months_between(date(2026, 11, 20), date(2027, 1, 3)) == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


def test_count_by_month_ignores_days_outside_the_months():
    months = [date(2026, 9, 1), date(2026, 10, 1)]
    days = [date(2026, 9, 3), date(2026, 9, 30), date(2026, 10, 2), date(2026, 8, 31)]
    assert progress.count_by_month(days, months) == [(date(2026, 9, 1), 2), (date(2026, 10, 1), 1)]


def test_bar_chart_scales_the_tallest_bar_to_the_plot_height():
    chart = progress.bar_chart([(date(2026, 9, 1), 4), (date(2026, 10, 1), 2), (date(2026, 11, 1), 0)])
    assert [b.height for b in chart.bars] == [164.0, 82.0, 0.0]
    assert chart.total == 6
    assert [t for t, _y in chart.y_ticks] == [0, 2, 4]

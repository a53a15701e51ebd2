"""Plain calculations for the family's child page: no models, no database.

- how many were mastered in each month of the term, and the bar chart that draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 545, 16, 180


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s month to `last`'s month."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def count_by_month(days: Sequence[date], months: Sequence[date]) -> list[tuple[date, int]]:
    counts = {m: 0 for m in months}
    for day in days:
        key = date(day.year, day.month, 1)
        if key in counts:
            counts[key] += 1
    return [(m, counts[m]) for m in months]


@dataclass(frozen=True)
class Bar:
    month: date
    count: int
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar]
    y_ticks: list[tuple[int, float]]
    total: int


def bar_chart(counts: Sequence[tuple[date, int]]) -> BarChart:
    """Geometry of a bar per month; the y axis runs from 0 to the largest count (at least 1)."""
    top_value = max([c for _m, c in counts] + [1])
    step = (RIGHT - LEFT) / max(len(counts), 1)
    plot = BOTTOM - TOP
    bars = []
    for index, (month, count) in enumerate(counts):
        height = plot * count / top_value
        x = LEFT + index * step + step * 0.15
        bars.append(Bar(month, count, round(x, 1), round(BOTTOM - height, 1), round(step * 0.7, 1), round(height, 1),
                        round(x + step * 0.35, 1)))
    ticks = sorted({0, top_value, (top_value + 1) // 2})
    y_ticks = [(t, round(BOTTOM - plot * t / top_value, 1)) for t in ticks]
    return BarChart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, bars, y_ticks, sum(c for _m, c in counts))

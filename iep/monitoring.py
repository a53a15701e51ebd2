"""Progress-monitoring arithmetic: aim line, least-squares trend, decision rule, chart geometry, school days.

Pure functions on plain values (dates, floats): no models, no database, so they are tested with
hand-worked numbers (tests/iep/test_monitoring.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

DECISION_WINDOW = 4  # "four consecutive points below the aim line": the usual MTSS rule


@dataclass(frozen=True)
class Line:
    slope: float  # units per day
    intercept: float  # value at day 0

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def aim_line(*, baseline: float, target: float, days_to_goal: int) -> Line:
    """The straight line from the baseline (day 0) to the target on the goal date."""
    if days_to_goal <= 0:
        raise ValueError("The goal date must come after the baseline date")
    return Line(slope=(target - baseline) / days_to_goal, intercept=baseline)


def trend_line(points: list[tuple[float, float]]) -> Line | None:
    """Ordinary least squares through (x, y) points; None with fewer than 2 distinct x values."""
    n = len(points)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return Line(slope=slope, intercept=mean_y - slope * mean_x)


class Decision(str, Enum):
    NOT_ENOUGH_DATA = "not_enough_data"
    ON_TRACK = "on_track"
    BELOW_AIM = "below_aim"  # change the instruction: flag the goal
    ABOVE_AIM = "above_aim"  # consider raising the goal


def decide(points: list[tuple[float, float]], aim: Line, *, higher_is_better: bool = True,
           window: int = DECISION_WINDOW) -> Decision:
    """The four-point rule: the last `window` points (in x order) all on the wrong side of the aim line
    flag the goal; all on the good side suggest raising it. A point exactly on the line is on track."""
    if len(points) < window:
        return Decision.NOT_ENOUGH_DATA
    last = sorted(points)[-window:]
    sign = 1 if higher_is_better else -1
    gaps = [sign * (y - aim.at(x)) for x, y in last]
    if all(gap < 0 for gap in gaps):
        return Decision.BELOW_AIM
    if all(gap > 0 for gap in gaps):
        return Decision.ABOVE_AIM
    return Decision.ON_TRACK


# --- Chart geometry -----------------------------------------------------------------


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: float
    day: date


@dataclass(frozen=True)
class Tick:
    """A position on an axis and the value it marks (a number on y, a date on x). The template writes the value
    in the reader's language with the same filters as the data table (`measure`, `date:"DATE_FORMAT"`)."""

    position: float
    value: float | date


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    points: list[ChartPoint]
    aim: tuple[float, float, float, float]
    trend: tuple[float, float, float, float] | None
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def _nice_range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        return low - 1, high + 1
    pad = (high - low) * 0.1
    return max(low - pad, 0) if low >= 0 else low - pad, high + pad


def build_chart(*, start: date, end: date, baseline: float, target: float, points: list[tuple[date, float]],
                width: int = 640, height: int = 300) -> Chart:
    """SVG coordinates for a goal chart: data points, the aim line from baseline to target across the
    goal's dates, and the trend line across the measured span."""
    left, right, top, bottom = 56, width - 16, 16, height - 40
    days_to_goal = (end - start).days
    last_day = max([days_to_goal] + [(day - start).days for day, _ in points])
    first_day = min([0] + [(day - start).days for day, _ in points])
    y_low, y_high = _nice_range([baseline, target] + [value for _, value in points])

    def sx(day: float) -> float:
        return round(left + (day - first_day) / (last_day - first_day) * (right - left), 1)

    def sy(value: float) -> float:
        return round(bottom - (value - y_low) / (y_high - y_low) * (bottom - top), 1)

    aim = aim_line(baseline=baseline, target=target, days_to_goal=days_to_goal)
    xy = [((day - start).days, value) for day, value in points]
    trend = trend_line(xy)
    trend_coords = None
    if trend is not None:
        x0, x1 = min(x for x, _ in xy), max(x for x, _ in xy)
        trend_coords = (sx(x0), sy(trend.at(x0)), sx(x1), sy(trend.at(x1)))
    y_ticks = [Tick(sy(y_low + (y_high - y_low) * i / 4), y_low + (y_high - y_low) * i / 4) for i in range(5)]
    x_ticks = [Tick(sx(d), start + timedelta(days=d))
               for d in (first_day, first_day + (last_day - first_day) // 2, last_day)]
    return Chart(
        width=width, height=height, left=left, top=top, right=right, bottom=bottom,
        points=[ChartPoint(sx(x), sy(y), y, start + timedelta(days=x)) for x, y in sorted(xy)],
        aim=(sx(0), sy(baseline), sx(days_to_goal), sy(target)),
        trend=trend_coords, y_ticks=y_ticks, x_ticks=x_ticks,
    )


# --- Calendar --------------------------------------------------------------------------


def subtract_school_days(day: date, count: int) -> date:
    """The date `count` school days (Monday to Friday) before `day`. District holidays are not modelled."""
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(period: str) -> tuple[date, date]:
    year, quarter = int(period[:4]), int(period[-1])
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


def period_name(period: str) -> str:
    """THE name of a reporting period as families say it, in the active language (issue 17.2): "2026-Q4" reads
    "October to December 2026" / "octubre a diciembre de 2026". Every page, email and PDF that shows a period to a
    family names it here (through ProgressReport.label)."""
    from django.utils.dates import MONTHS  # noqa: PLC0415 (this module is otherwise free of Django)
    from django.utils.translation import gettext  # noqa: PLC0415

    first, last = quarter_bounds(period)
    return gettext("%(first)s to %(last)s %(year)s") % {"first": MONTHS[first.month], "last": MONTHS[last.month],
                                                         "year": first.year}


def previous_quarter(day: date) -> str:
    first, _ = quarter_bounds(quarter_of(day))
    return quarter_of(first - timedelta(days=1))


class ReportNotAllowed(ValueError):
    """A report asked for a period that has not ended, without saying it is interim; or a wrong interim cut-off."""


def report_cutoff(period: str, *, today: date, interim_up_to: date | None = None) -> date:
    """The last day whose results a report of `period` counts (issue 16.4): the period's last day once the period
    has ended; before that, only for an interim report asked for explicitly, its cut-off day, which lies in the
    period and not after today. ReportNotAllowed otherwise."""
    first, last = quarter_bounds(period)
    if interim_up_to is None:
        if today <= last:
            raise ReportNotAllowed(f"{period} has not ended: only an interim report can be made before {last}")
        return last
    if today > last:
        raise ReportNotAllowed(f"{period} has ended: make the period's report, not an interim one")
    if not first <= interim_up_to <= today:
        raise ReportNotAllowed(f"An interim report of {period} counts results from {first} up to today at most")
    return interim_up_to

"""Coordinates for the progress-over-time chart: pure, no models. The template draws the SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    score: Decimal


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    path: str
    threshold_y: float
    y_ticks: list[tuple[float, int, str]]
    x_ticks: list[tuple[float, date]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: float = HEIGHT - BOTTOM
    right_x: float = WIDTH - RIGHT


def build(results: list[tuple[date, Decimal]], *, levels: list[tuple[int, str]], threshold: Decimal) -> Chart:
    """Results oldest first; x is the date, y the scale from its lowest to its highest level."""
    low, high = min(v for v, _l in levels), max(v for v, _l in levels)
    span_y = (high - low) or 1
    plot_h, plot_w = HEIGHT - TOP - BOTTOM, WIDTH - LEFT - RIGHT

    def y_of(value) -> float:
        return round(TOP + plot_h * (1 - (float(value) - low) / span_y), 1)

    first = results[0][0] if results else date.today()
    days = max(((results[-1][0] - first).days if results else 0), 1)

    def x_of(day: date) -> float:
        if len(results) < 2 or results[-1][0] == first:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * (day - first).days / days, 1)

    points = [Point(x_of(day), y_of(score), day, score) for day, score in results]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    x_ticks = [(points[0].x, points[0].day)] if points else []
    if len(points) > 1 and points[-1].day != points[0].day:
        x_ticks.append((points[-1].x, points[-1].day))
    return Chart(points=points, path=path, threshold_y=y_of(threshold),
                 y_ticks=[(y_of(v), v, label) for v, label in sorted(levels)], x_ticks=x_ticks)

"""Mastery by method: pure functions, no models, no database.

A student's results on one competency come in oldest first (by date, then by the
order they were recorded, so two results on the same day keep their order). Each
method turns them into one value on the framework's proficiency scale; the value is
mastered when it reaches the scale's threshold (n-times-at-mastery counts results
instead). Fewer results than `min_evidence` give "not enough evidence yet", never a
guessed level.

Methods (the names stored with every computed row, so a result stays reproducible):

- latest: the newest result.
- highest: the best result.
- average: the arithmetic mean.
- decaying_average: v1 = s1; vk = w*sk + (1 - w)*v(k-1). With w = 0.65 the newest
  result counts 65% and everything before it 35%. Computed exactly and rounded once, so the
  set-based SQL of a full recomputation (recompute.py) gives the same value to the cent.
- n_times_at_mastery: mastered once n results reach the threshold; the value is the
  mean of all results until then, the mean of the n best results afterwards.
- power_law: a least-squares fit of s = a * t^b over the attempt number t = 1..k (on
  logarithms), read at t = k: the trend line's predicted current value, kept inside
  the scale. Scores of 0 are fitted as 0.1 because a logarithm needs a positive number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import MAX_PREC, ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LATEST = "latest"
HIGHEST = "highest"
AVERAGE = "average"
DECAYING_AVERAGE = "decaying_average"
N_TIMES_AT_MASTERY = "n_times_at_mastery"
POWER_LAW = "power_law"
METHODS = (LATEST, HIGHEST, AVERAGE, DECAYING_AVERAGE, N_TIMES_AT_MASTERY, POWER_LAW)

CENT = Decimal("0.01")
POWER_LAW_FLOOR = 0.1


@dataclass(frozen=True)
class Params:
    """Everything a computation depends on. Stored as JSON next to each computed value."""

    method: str
    threshold: Decimal
    scale_min: Decimal = Decimal(1)
    scale_max: Decimal = Decimal(4)
    decay_weight: Decimal = Decimal("0.65")
    n_times: int = 2
    min_evidence: int = 1

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"Unknown mastery method {self.method!r}")
        if not Decimal(0) < self.decay_weight <= Decimal(1):
            raise ValueError("decay_weight must be above 0 and at most 1")
        # Whole numbers, always: recompute.py writes them into SQL (bandit B608, reviewed there).
        if not all(type(v) is int for v in (self.n_times, self.min_evidence)):
            raise TypeError("n_times and min_evidence must be whole numbers")
        if self.n_times < 1 or self.min_evidence < 1:
            raise ValueError("n_times and min_evidence must be at least 1")

    def as_json(self) -> dict:
        return {key: str(value) if isinstance(value, Decimal) else value for key, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> Params:
        decimals = {"threshold", "scale_min", "scale_max", "decay_weight"}
        return cls(**{key: Decimal(value) if key in decimals else value for key, value in data.items()})


@dataclass(frozen=True)
class Result:
    value: Decimal | None  # None: not enough evidence yet
    is_mastered: bool
    evidence_count: int
    at_mastery_count: int

    @property
    def has_enough_evidence(self) -> bool:
        return self.value is not None


def _round(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def latest(scores: Sequence[Decimal]) -> Decimal:
    return _round(scores[-1])


def highest(scores: Sequence[Decimal]) -> Decimal:
    return _round(max(scores))


def average(scores: Sequence[Decimal]) -> Decimal:
    return _round(sum(scores, Decimal(0)) / len(scores))


def decaying_average(scores: Sequence[Decimal], weight: Decimal) -> Decimal:
    # Exact: each step adds the weight's decimal places, so after about 13 results the default 28 digits would
    # round on every step and the final half-up rounding could differ from the exact value's. Products and sums
    # are exact whatever the precision, so an unbounded context costs only the digits the value really has.
    with localcontext(prec=MAX_PREC):
        value = Decimal(scores[0])
        for score in scores[1:]:
            value = weight * score + (1 - weight) * value
    return _round(value)


def power_law(scores: Sequence[Decimal], scale_min: Decimal, scale_max: Decimal) -> Decimal:
    if len(scores) == 1:
        return _round(scores[0])
    xs = [math.log(t) for t in range(1, len(scores) + 1)]
    ys = [math.log(max(float(s), POWER_LAW_FLOOR)) for s in scores]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    predicted = math.exp(intercept + slope * xs[-1])
    return min(max(_round(predicted), _round(scale_min)), _round(scale_max))


def n_times_value(scores: Sequence[Decimal], threshold: Decimal, n: int) -> tuple[Decimal, bool, int]:
    at_mastery = [s for s in scores if s >= threshold]
    if len(at_mastery) >= n:
        return average(sorted(scores, reverse=True)[:n]), True, len(at_mastery)
    return average(scores), False, len(at_mastery)


def compute(scores: Sequence[Decimal], params: Params) -> Result:
    """The mastery of one student on one competency, from results oldest first."""
    scores = [Decimal(s) for s in scores]
    at_mastery = sum(1 for s in scores if s >= params.threshold)
    if len(scores) < params.min_evidence or not scores:
        return Result(value=None, is_mastered=False, evidence_count=len(scores), at_mastery_count=at_mastery)
    if params.method == N_TIMES_AT_MASTERY:
        value, mastered, _count = n_times_value(scores, params.threshold, params.n_times)
        return Result(value=value, is_mastered=mastered, evidence_count=len(scores), at_mastery_count=at_mastery)
    value = {
        LATEST: lambda: latest(scores),
        HIGHEST: lambda: highest(scores),
        AVERAGE: lambda: average(scores),
        DECAYING_AVERAGE: lambda: decaying_average(scores, params.decay_weight),
        POWER_LAW: lambda: power_law(scores, params.scale_min, params.scale_max),
    }[params.method]()
    return Result(value=value, is_mastered=value >= params.threshold, evidence_count=len(scores), at_mastery_count=at_mastery)


def effective(value: Decimal | None, is_mastered: bool, override: Decimal | None, threshold: Decimal) -> tuple[Decimal | None, bool]:
    """What every page shows: a teacher's override (mastered when it reaches the threshold), else the computed result.
    Stored in Mastery.effective_value / effective_mastered by every write (recompute.py says it in SQL too)."""
    if override is None:
        return value, is_mastered
    return override, override >= threshold


def mastered_since(was_mastered: bool, since: date | None, is_mastered: bool, reached_on: date) -> date | None:
    """The day the effective state was first reached (Mastery.mastered_on): kept while it stays mastered, `reached_on`
    when it becomes mastered (the date of the newest result the computation stands on, or the day of a teacher's
    override), None when it is not mastered."""
    if not is_mastered:
        return None
    return since if was_mastered and since is not None else reached_on


def level_for(value: Decimal | None, levels: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """The highest scale level the value reaches (levels as (value, label), any order)."""
    if value is None or not levels:
        return None
    ordered = sorted(levels)
    reached = [level for level in ordered if Decimal(level[0]) <= value]
    return reached[-1] if reached else ordered[0]


def next_result_needed(scores: Sequence[Decimal], params: Params, levels: Sequence[tuple[int, str]]) -> int | None:
    """The lowest scale level that, as one more result, would leave the student at mastery."""
    for level_value, _label in sorted(levels):
        if compute([*scores, Decimal(level_value)], params).is_mastered:
            return level_value
    return None


def describe_method(params: Params, count: int, at_mastery: int) -> str:
    """How the level was reached, in plain words (issue 17.3): never the method's jargon or its weights.

    Only `explain` calls this: the explanation is written in one place for every page that shows it.
    """
    if params.method == LATEST:
        return ngettext("the most recent result counts (%(n)d result so far)",
                        "the most recent result counts (%(n)d results so far)", count) % {"n": count}
    if params.method == HIGHEST:
        return ngettext("the best result counts (%(n)d result so far)",
                        "the best result counts (%(n)d results so far)", count) % {"n": count}
    if params.method == AVERAGE:
        return ngettext("every result counts the same (%(n)d result so far)",
                        "every result counts the same (%(n)d results so far)", count) % {"n": count}
    if params.method == DECAYING_AVERAGE:
        return ngettext("recent results count more (%(n)d result so far)",
                        "recent results count more (%(n)d results so far)", count) % {"n": count}
    if params.method == N_TIMES_AT_MASTERY:
        return ngettext("%(k)d of %(n)d result reached the mastery level, and %(needed)d are needed",
                        "%(k)d of %(n)d results reached the mastery level, and %(needed)d are needed", count) % {
            "k": at_mastery, "n": count, "needed": params.n_times,
        }
    return ngettext("where the results are heading counts (%(n)d result so far)",
                    "where the results are heading counts (%(n)d results so far)", count) % {"n": count}


def explain(scores: Sequence[Decimal], params: Params, levels: Sequence[tuple[int, str]]) -> str:
    """One plain sentence a teacher, a student and a family can read."""
    result = compute(scores, params)
    if not result.has_enough_evidence:
        return ngettext(
            "Not enough evidence yet: %(have)d of %(need)d result so far.",
            "Not enough evidence yet: %(have)d of %(need)d results so far.",
            params.min_evidence,
        ) % {"have": result.evidence_count, "need": params.min_evidence}
    label = level_for(result.value, levels)[1]
    sentence = _("%(label)s: %(how)s.") % {"label": label, "how": describe_method(params, result.evidence_count, result.at_mastery_count)}
    needed = next_result_needed(scores, params, levels)
    needed_label = dict(levels).get(needed, "")
    if needed is None:
        return sentence + " " + _("More than one further result is needed to reach mastery.")
    if result.is_mastered:
        return sentence + " " + _("One more result at level %(level)s (%(label)s) or above keeps it.") % {"level": needed, "label": needed_label}
    return sentence + " " + _("One more result at level %(level)s (%(label)s) or above would reach mastery.") % {
        "level": needed, "label": needed_label,
    }

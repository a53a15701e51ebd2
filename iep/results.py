"""THE rule for a progress-monitoring result (issue 16): what a goal's measure allows, checked in one place.

Every path that writes a result goes through `check_result`: services.record_progress and
services.correct_result call it with the goal locked, the result form calls it (through services) to put
each message at its field, the demo seeder calls it, the benchmark seeder checks its values with
`value_problems`. tests/iep/test_valid_results.py holds every path to it, and checks that no other code
writes a ProgressPoint.

A refused result raises `ResultRefused`, a ValidationError keyed by field ("value", "measured_on"), so a form
shows each message at its field and nothing is written.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Goal, MeasureKind, ProgressPoint

DECIMAL_PLACES = 2  # ProgressPoint.value


class ResultRefused(ValidationError):
    """A result the goal's measure does not allow; `message_dict` says which field and why."""


class DuplicateResult(ResultRefused):
    """The goal already has a result that day (also raised when a concurrent entry won the race)."""


@dataclass(frozen=True)
class Measure:
    kind: str
    whole_numbers: bool
    minimum: Decimal
    maximum: Decimal
    unit: str

    @classmethod
    def of(cls, goal: Goal) -> "Measure":
        return cls(kind=goal.measure_kind, whole_numbers=goal.whole_numbers or goal.measure_kind in WHOLE_KINDS,
                   minimum=Decimal(goal.minimum), maximum=Decimal(goal.maximum), unit=goal.unit)


WHOLE_KINDS = frozenset({MeasureKind.COUNT, MeasureKind.RUBRIC})


def plain(value: Decimal) -> str:
    """25.00 -> "25", 2.50 -> "2.5" (for messages)."""
    return format(Decimal(value).normalize(), "f")


def as_number(raw) -> Decimal | None:
    """The result as a Decimal, or None when it is not a finite number (text, NaN, infinity, a float's noise
    is kept out: a float is read through its shortest repr)."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        number = Decimal(str(raw).strip()) if not isinstance(raw, Decimal) else raw
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def value_problems(measure: Measure, raw) -> list[ValidationError]:
    """What is wrong with `raw` as a result of `measure` (empty when it is a valid result). No database."""
    number = as_number(raw)
    if number is None:
        return [ValidationError(_("Enter a number, for example 12 or 12.5."), code="invalid")]
    problems = []
    if measure.whole_numbers and number != number.to_integral_value():
        problems.append(ValidationError(
            _("This goal's results are whole numbers (%(unit)s): enter %(low)s or %(high)s, not %(value)s.")
            % {"unit": measure.unit, "low": plain(number.to_integral_value(rounding="ROUND_FLOOR")),
               "high": plain(number.to_integral_value(rounding="ROUND_CEILING")), "value": plain(number)},
            code="whole_number"))
    elif number.normalize().as_tuple().exponent < -DECIMAL_PLACES:
        problems.append(ValidationError(_("Enter at most two decimals, for example 12.5 or 12.25."), code="decimals"))
    if not measure.minimum <= number <= measure.maximum:
        problems.append(ValidationError(
            _("A result of this goal is between %(minimum)s and %(maximum)s %(unit)s; %(value)s is outside that range.")
            % {"minimum": plain(measure.minimum), "maximum": plain(measure.maximum), "unit": measure.unit,
               "value": plain(number)},
            code="out_of_range"))
    return problems


def day_problems(goal: Goal, day, *, today: date | None = None) -> list[ValidationError]:
    """What is wrong with `day` as the date of a result of `goal` (no database)."""
    if not isinstance(day, date):
        return [ValidationError(_("Enter the date the result was measured."), code="invalid")]
    today = today or timezone.localdate()
    if day > today:
        return [ValidationError(_("The date cannot be in the future."), code="future")]
    if day < goal.baseline_date:
        return [ValidationError(_("The date is before this goal's baseline."), code="before_baseline")]
    return []


def check_result(goal: Goal, *, measured_on, value, replacing: ProgressPoint | None = None,
                 today: date | None = None) -> Decimal:
    """THE rule: the result `value` measured on `measured_on` for `goal` (replacing `replacing`, for a
    correction) is a number of the measure's kind, within its range, not in the future nor before the
    baseline, and the goal has no other result that day. Returns the value as a Decimal; raises
    ResultRefused (DuplicateResult when the day is taken) with every problem at its field.

    `value` or `measured_on` given as None is not checked (a form that could not read it has said so)."""
    errors: dict[str, list[ValidationError]] = {}
    if value is not None:
        errors["value"] = value_problems(Measure.of(goal), value)
    if measured_on is not None:
        errors["measured_on"] = day_problems(goal, measured_on, today=today)
        if not errors["measured_on"] and _day_taken(goal, measured_on, replacing):
            errors["measured_on"] = [ValidationError(_("This goal already has a result for that day."), code="duplicate")]
    errors = {field: problems for field, problems in errors.items() if problems}
    if errors:
        duplicate = any(e.code == "duplicate" for e in errors.get("measured_on", []))
        raise (DuplicateResult if duplicate else ResultRefused)(errors)
    return as_number(value) if value is not None else None


def _day_taken(goal: Goal, day: date, replacing: ProgressPoint | None) -> bool:
    others = ProgressPoint.objects.filter(goal_id=goal.pk, measured_on=day)  # voided results leave their day free
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    return others.exists()


# --- The measure itself (the goal form and services.save_goal) ------------------------------------


def check_measure(*, kind: str, whole_numbers: bool, minimum, maximum, baseline, target,
                  results: list[Decimal] = ()) -> None:
    """A goal's measure makes sense: a range that is one, holding the baseline and the target (whole numbers
    where the measure counts), and every result already recorded. Raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    whole = whole_numbers or kind in WHOLE_KINDS
    if minimum is not None and maximum is not None:
        if maximum <= minimum:
            add("maximum", _("The highest possible result must be more than the lowest."))
        else:
            for field, number in (("baseline", baseline), ("target", target)):
                if number is not None and not minimum <= number <= maximum:
                    add(field, _("It must be within the measure's range, %(minimum)s to %(maximum)s.")
                        % {"minimum": plain(minimum), "maximum": plain(maximum)})
            outside = [r for r in results if not minimum <= r <= maximum]
            if outside:
                add("maximum", _("%(n)s result(s) already recorded are outside this range (for example %(value)s): "
                                 "correct or void them first, or widen the range.")
                    % {"n": len(outside), "value": plain(outside[0])})
    if whole:
        for field, number in (("baseline", baseline), ("target", target)):
            if number is not None and number != number.to_integral_value():
                add(field, _("This measure counts whole numbers: enter a whole number."))
        if any(r != r.to_integral_value() for r in results):
            add("whole_numbers", _("Some results already recorded have decimals: this measure cannot be whole "
                                   "numbers only until they are corrected."))
    if errors:
        raise ValidationError(errors)

"""Give every existing goal a measure (issue 16): its kind, whole numbers or decimals, lowest and highest
possible result, read from the goal's own definition.

- "percent" or "%" in the unit or the method: a percent, 0 to 100
- "level" or "rubric": a rubric level, whole numbers, 0 to the highest of 4, the baseline and the target
- "Given N ..." in the statement with a unit of correct answers (not per minute): a count out of N,
  whole numbers, 0 to N (the demo's "Given 25 mixed multiplication facts": 0 to 25)
- "per minute", "per hour", "/min": a rate, 0 to twice the higher of the baseline and the target (rounded up
  to ten), whole numbers when those and every result recorded are whole
- anything else: a count when all of those are whole, a rate otherwise, bounded the same way

The range always holds the goal's own baseline and target. Results already recorded are not changed: one
outside the new range (a -5 typed by mistake) stays in the record, and can be voided with a reason.
"""

import math
import re
from decimal import Decimal

from django.db import migrations

GIVEN = re.compile(r"\bgiven\s+(\d{1,4})\b", re.IGNORECASE)


def _whole(values) -> bool:
    return all(Decimal(v) == Decimal(v).to_integral_value() for v in values)


def _ceiling(values) -> Decimal:
    top = max([Decimal(v) for v in values] + [Decimal(1)])
    return Decimal(max(10, math.ceil(float(top) * 2 / 10) * 10))


def measure_for(*, unit: str, statement: str, method: str, baseline, target, results) -> dict:
    text = f"{unit} {method}".lower()
    defined = [baseline, target]
    if "percent" in text or "%" in text:
        return {"measure_kind": "percent", "whole_numbers": False, "minimum": Decimal(0),
                "maximum": max(Decimal(100), *[Decimal(v) for v in defined])}
    if "level" in text or "rubric" in text:
        return {"measure_kind": "rubric", "whole_numbers": True, "minimum": Decimal(0),
                "maximum": Decimal(max(4, math.ceil(max(float(v) for v in defined))))}
    rate = any(word in text for word in ("per minute", "per hour", "/min", "per second", "per day"))
    given = GIVEN.search(statement)
    if given and not rate and "correct" in text:
        total = Decimal(given.group(1))
        if max(Decimal(v) for v in defined) <= total:
            return {"measure_kind": "count", "whole_numbers": True, "minimum": Decimal(0), "maximum": total}
    whole = _whole(defined + list(results))
    kind = "rate" if rate or not whole else "count"
    return {"measure_kind": kind, "whole_numbers": whole, "minimum": Decimal(0),
            "maximum": _ceiling(defined)}


def forwards(apps, schema_editor):
    Goal = apps.get_model("iep", "Goal")
    Point = apps.get_model("iep", "ProgressPoint")
    for goal in Goal.objects.all().iterator():
        results = [v for v in Point.objects.filter(goal=goal).values_list("value", flat=True) if v >= 0]
        fields = measure_for(unit=goal.unit, statement=goal.statement, method=goal.measurement_method,
                             baseline=goal.baseline, target=goal.target, results=results)
        Goal.objects.filter(pk=goal.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("iep", "0006_valid_results")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

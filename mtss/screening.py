"""Universal screening import: a CSV as benchmark screeners export it, checked whole before anything is written.

Columns (a header row, in any order; extra columns are ignored): student_id (the roster's sourced id or the
student number), area (reading, math, behavior), measure, score, percentile and/or risk (low, some, high), date
(YYYY-MM-DD), season (fall, winter, spring; optional, read from the date when empty). Every bad row is named with
its line and why; one bad row refuses the file and nothing is written (as the roster import).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from roster.models import Student

from .models import Area, Risk, ScreeningResult, Season

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20000
REQUIRED = ("student_id", "area", "measure", "score", "date")
AREA_WORDS = {"reading": Area.READING, "ela": Area.READING, "literacy": Area.READING, "math": Area.MATH,
              "mathematics": Area.MATH, "behavior": Area.BEHAVIOR, "behaviour": Area.BEHAVIOR, "sel": Area.BEHAVIOR,
              "social-emotional": Area.BEHAVIOR}
RISK_WORDS = {"low": Risk.LOW, "low risk": Risk.LOW, "some": Risk.SOME, "some risk": Risk.SOME,
              "moderate": Risk.SOME, "high": Risk.HIGH, "high risk": Risk.HIGH, "at risk": Risk.HIGH}


def risk_from_percentile(percentile: int) -> str:
    """The common benchmark cut points when a screener gives a percentile only: below the 20th is high risk (the
    usual tier 3 band), the 20th to 39th some risk, the 40th and above low risk."""
    if percentile < 20:
        return Risk.HIGH
    if percentile < 40:
        return Risk.SOME
    return Risk.LOW


def season_of(day: date) -> str:
    if day.month in (8, 9, 10, 11):
        return Season.FALL
    if day.month in (12, 1, 2, 3):
        return Season.WINTER
    return Season.SPRING


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass
class Checked:
    rows: list[ScreeningResult]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _read(raw: bytes) -> tuple[list[str], list[tuple[int, dict]]] | Problem:
    if len(raw) > MAX_BYTES:
        return Problem(0, _("The file is larger than 2 MB: split it by school or by grade."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Problem(0, _("The file is not a UTF-8 CSV file: save it from the screener or spreadsheet as CSV UTF-8."))
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return Problem(1, _("The first line must name the columns; missing: %(names)s.") % {"names": ", ".join(missing)})
    if "percentile" not in header and "risk" not in header:
        return Problem(1, _("The file needs a percentile column, a risk column, or both."))
    reader.fieldnames = header
    rows = [(index + 2, row) for index, row in enumerate(reader)]
    if len(rows) > MAX_ROWS:
        return Problem(0, _("The file has more than %(n)s rows: split it by school or by grade.") % {"n": MAX_ROWS})
    return header, rows


def _value(row: dict, name: str) -> str:
    return (row.get(name) or "").strip()


def check_file(raw: bytes, *, students: "QuerySet[Student]") -> Checked:
    """Every row checked against the file's rules and the students `students` holds (the ones the importer may
    import for): the rows to write, or every problem. No write."""
    read = _read(raw)
    if isinstance(read, Problem):
        return Checked([], [read])
    _header, rows = read
    if not rows:
        return Checked([], [Problem(0, _("The file has no results."))])
    ids = {_value(row, "student_id") for _line, row in rows} - {""}
    found: dict[str, Student] = {}
    for student in students.filter(Q(sourced_id__in=ids) | Q(student_number__in=ids)).only("pk", "sourced_id", "student_number"):
        for key in (student.sourced_id, student.student_number):
            if key:
                found.setdefault(key, student)
    checked, problems, seen = [], [], {}
    for line, row in rows:
        result, messages = _check_row(row, found)
        if result is not None:
            key = (result.student_id, result.measure.lower(), result.administered_on)
            if key in seen:
                messages.append(_("The same student, measure and date are already on line %(line)s.") % {"line": seen[key]})
            seen.setdefault(key, line)
        problems += [Problem(line, message) for message in messages]
        if result is not None and not messages:
            checked.append(result)
    return Checked(checked if not problems else [], problems)


def _check_row(row: dict, found: dict[str, Student]) -> tuple[ScreeningResult | None, list[str]]:
    messages = []
    ident = _value(row, "student_id")
    student = found.get(ident)
    if not ident:
        messages.append(_("The student identifier is empty."))
    elif student is None:
        messages.append(_("No student of your schools has the identifier “%(id)s”.") % {"id": ident})
    area = AREA_WORDS.get(_value(row, "area").lower())
    if area is None:
        messages.append(_("The area “%(area)s” is not reading, math or behavior.") % {"area": _value(row, "area")})
    measure = _value(row, "measure")
    if not measure or len(measure) > 120:
        messages.append(_("The measure is empty or longer than 120 characters."))
    try:
        score = Decimal(_value(row, "score"))
        if not score.is_finite() or abs(score) >= 10**6 or score.as_tuple().exponent < -2:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        score = None
        messages.append(_("The score “%(score)s” is not a number (at most two decimals).") % {"score": _value(row, "score")})
    try:
        day = date.fromisoformat(_value(row, "date"))
    except ValueError:
        day = None
        messages.append(_("The date “%(date)s” is not a date written YYYY-MM-DD.") % {"date": _value(row, "date")})
    if day is not None and day > timezone.localdate():
        messages.append(_("The date %(date)s is in the future.") % {"date": _value(row, "date")})
    percentile = None
    if _value(row, "percentile"):
        try:
            percentile = int(_value(row, "percentile"))
            if not 1 <= percentile <= 99:
                raise ValueError
        except ValueError:
            percentile = None
            messages.append(_("The percentile “%(value)s” is not a whole number from 1 to 99.") % {"value": _value(row, "percentile")})
    risk = RISK_WORDS.get(_value(row, "risk").lower()) if _value(row, "risk") else None
    if _value(row, "risk") and risk is None:
        messages.append(_("The risk “%(risk)s” is not low, some or high.") % {"risk": _value(row, "risk")})
    elif risk is None and percentile is None and not messages:
        messages.append(_("The row gives neither a percentile nor a risk level."))
    season = _value(row, "season").lower()
    if season and season not in Season.values:
        messages.append(_("The season “%(season)s” is not fall, winter or spring.") % {"season": _value(row, "season")})
    if messages:
        return None, messages
    return ScreeningResult(student=student, area=area, measure=measure, score=score, percentile=percentile,
                           risk=risk or risk_from_percentile(percentile), administered_on=day,
                           season=season or season_of(day)), []


@transaction.atomic
def import_file(raw: bytes, *, students, by) -> Checked:
    """Check the whole file, then write it (a result already imported for that student, measure and day is updated:
    importing the same file twice changes nothing), or write nothing."""
    checked = check_file(raw, students=students)
    if not checked.ok:
        return checked
    for result in checked.rows:
        result.imported_by = by
    ScreeningResult.objects.bulk_create(
        checked.rows, update_conflicts=True, unique_fields=["student", "measure", "administered_on"],
        update_fields=["area", "season", "score", "percentile", "risk", "imported_by"])
    return checked

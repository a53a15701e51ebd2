"""The universal screening import (issue 20.1): checked whole, every bad row named, nothing written unless all fine."""

from pathlib import Path

import pytest

from mtss import screening
from mtss.models import ScreeningResult
from roster.models import Student
from tests.factories.roster import StudentFactory

pytestmark = pytest.mark.django_db
HEADER = "student_id,area,measure,score,percentile,risk,date,season\n"


@pytest.fixture
def kids(school):
    return [StudentFactory(school=school, sourced_id=f"s-{i}", student_number=f"N{i}") for i in range(3)]


def _import(text: str, school, by) -> screening.Checked:
    return screening.import_file(text.encode(), students=Student.objects.filter(school=school), by=by)


def test_a_good_file_is_imported_and_a_second_import_changes_nothing(kids, school, teacher):
    """T7.2: importing the same file twice leaves one row per student, measure and day."""
    text = HEADER + ("s-0,reading,ORF,52,12,,2026-09-15,fall\n"
                     "N1,math,aimsweb,190,,some,2026-09-15,\n"
                     "s-2,behavior,SAEBRS,44,55,,2026-09-16,fall\n")
    assert _import(text, school, teacher).ok
    assert _import(text, school, teacher).ok
    rows = {(r.student_id, r.area): r for r in ScreeningResult.objects.all()}
    assert len(rows) == 3
    assert rows[(kids[0].pk, "reading")].risk == "high"  # 12th percentile: high risk by the cut points
    assert rows[(kids[1].pk, "math")].risk == "some" and rows[(kids[1].pk, "math")].season == "fall"
    assert rows[(kids[2].pk, "behavior")].risk == "low"


def test_a_bad_file_is_refused_whole_and_every_bad_row_is_named(kids, school, other_student, teacher):
    """T7.1: one bad row refuses the file; each problem names its line; nothing is written."""
    text = HEADER + ("s-0,reading,ORF,52,12,,2026-09-15,fall\n"  # fine
                     "nobody,reading,ORF,52,12,,2026-09-15,fall\n"  # unknown student
                     f"{other_student.pk},math,M,1,1,,2026-09-15,fall\n"  # not a student of this school
                     "s-1,spelling,ORF,52,12,,2026-09-15,fall\n"  # bad area
                     "s-1,reading,ORF,lots,12,,2026-09-15,fall\n"  # bad score
                     "s-2,reading,ORF,50,120,,15/09/2026,fall\n"  # bad percentile and date
                     "s-2,math,M,50,,,2026-09-15,fall\n"  # neither percentile nor risk
                     "s-0,reading,ORF,53,13,,2026-09-15,fall\n")  # the same student, measure and day as line 2
    checked = _import(text, school, teacher)
    assert not checked.ok
    lines = sorted({p.line for p in checked.problems})
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    messages = " ".join(p.message for p in checked.problems)
    assert "nobody" in messages and "spelling" in messages and "lots" in messages and "15/09/2026" in messages
    assert "line 2" in messages
    assert ScreeningResult.objects.count() == 0


@pytest.mark.parametrize("raw, words", [
    (b"name,score\nx,1\n", "missing"),
    (b"student_id,area,measure,score,date\ns-0,reading,ORF,5,2026-09-15\n", "percentile column"),
    ("\N{LATIN SMALL LETTER E WITH ACUTE}".encode("latin-1"), "UTF-8"),
    (HEADER.encode(), "no results"),
])
def test_a_file_that_is_not_a_screening_export_is_refused(kids, school, teacher, raw, words):
    checked = screening.import_file(raw, students=Student.objects.filter(school=school), by=teacher)
    assert not checked.ok and words in checked.problems[0].message
    assert ScreeningResult.objects.count() == 0


def test_a_future_date_is_refused(kids, school, teacher):
    checked = _import(HEADER + "s-0,reading,ORF,52,12,,2999-09-15,fall\n", school, teacher)
    assert [p.line for p in checked.problems] == [2]


def test_the_shipped_sample_is_a_valid_file_for_the_demo_district(demo):
    sample = Path(screening.__file__).parent / "demo_data" / "fall_screening.csv"
    checked = screening.check_file(sample.read_bytes(), students=Student.objects.all())
    assert checked.ok and len(checked.rows) == 180

"""OneRoster import: real samples, a generated district, bad rows, delta files, dry runs (issue #8, quality.md P5)."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from roster.importers.service import import_oneroster
from roster.models import (
    District,
    Enrollment,
    Guardianship,
    RosterIdentity,
    School,
    Section,
    StaffAssignment,
    Student,
    TeachingEnrollment,
    Term,
)
from tests.factories.roster import DistrictFactory

from .roster_files import RosterFiles

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "oneroster"


def table_sizes() -> dict[str, int]:
    models = [District, School, Term, Section, Student, User, Enrollment, Guardianship, StaffAssignment, RosterIdentity, TeachingEnrollment]
    return {model.__name__: model.objects.count() for model in models}


def errors_of(result) -> list[tuple[str, int, str]]:
    return [(p.file, p.line, p.message) for p in result.errors]


# --- real samples ------------------------------------------------------------


def test_catalyst_bulk_sample_is_refused_with_each_bad_row_named():
    """The 1.1 Catalyst export files its classes under a department: every dependent row is named, nothing written."""
    before = table_sizes()
    result = import_oneroster(source=SAMPLES / "v1p1-bulk-catalyst-full", district=None)
    assert result.status == "refused"
    assert errors_of(result) == [
        ("classes.csv", 2, "schoolSourcedId “org-sch-222-456” names a department, not a school."),
        ("classes.csv", 3, "schoolSourcedId “org-sch-222-456” names a department, not a school."),
    ] + [
        ("enrollments.csv", line, f"classSourcedId “{cls}” names the row on classes.csv line {cls_line}, which was refused.")
        for line, cls, cls_line in [(2, "cls-222-123456", 2), (3, "cls-222-123456", 2), (4, "cls-222-123456", 2),
                                    (5, "cls-222-123478", 3), (6, "cls-222-123478", 3), (7, "cls-222-123478", 3)]
    ]
    warnings = {(p.file, p.line, p.message) for p in result.problems if not p.is_error}
    assert ("academicSessions.csv", 4, "status “inactive” is not a OneRoster value; read as tobedeleted.") in warnings
    assert ("users.csv", 7, "agentSourcedIds link to “usr-222-987654” is not between a student and a parent; ignored.") in warnings
    assert table_sizes() == before


def test_nonconformant_sample_reports_ambiguous_dates_and_misspelled_headers():
    """Dates such as 15/06/2023 are refused, never guessed (standards.md 2.7)."""
    before = table_sizes()
    result = import_oneroster(source=SAMPLES / "v1p2-catalyst-nonconformant", district=None)
    date_errors = [(f, line, m) for f, line, m in errors_of(result) if f == "users.csv"]
    assert date_errors == [
        ("users.csv", 2, "dateLastModified “1/05/2023” is not a date in the form 2023-05-01T18:25:43.511Z."),
        ("users.csv", 4, "dateLastModified “1/05/2023” is not a date in the form 2023-05-01T18:25:43.511Z."),
        ("users.csv", 5, "dateLastModified “1/05/2023” is not a date in the form 2023-05-01T18:25:43.511Z."),
        ("users.csv", 6, "dateLastModified “1/05/2023” is not a date in the form 2023-05-01T18:25:43.511Z."),
        ("users.csv", 7, "dateLastModified “15/06/2023” is not a date in the form 2023-05-01T18:25:43.511Z."),
    ]
    headers = [p.message for p in result.problems if p.line == 1 and not p.is_error]
    assert "Unknown column “prefferedGivenName” was ignored." in headers
    assert "Unknown column “dataLastModified” was ignored." in headers
    assert table_sizes() == before


def test_clean_delta_sample_imports_and_a_second_run_changes_nothing():
    district = DistrictFactory(name="Gotham")
    first = import_oneroster(source=SAMPLES / "v1p2-delta-datagen-clean", district=district)
    assert first.status == "succeeded"
    bruce = Student.objects.get(sourced_id="USER_0")
    assert (bruce.first_name, bruce.last_name, bruce.school.name, str(bruce.date_of_birth)) == ("Bruce", "Wayne", "Gotham High School", "2010-04-17")
    assert list(Enrollment.objects.values_list("sourced_id", "section__sourced_id", "section__term__sourced_id")) == [
        ("ENROLLMENT_001", "CLASS_001", "ACAD_SESS_1")
    ]
    before = table_sizes()
    second = import_oneroster(source=SAMPLES / "v1p2-delta-datagen-clean", district=district)
    assert second.counts["students"] == {"created": 0, "updated": 0, "unchanged": 1, "deactivated": 0}
    assert table_sizes() == before


# --- a generated district ------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_generated_bulk_roster_counts_match_the_files(tmp_path, version):
    files = RosterFiles(students=30, staff=4, guardians=40, enrollments=75, schools=3, version=version)
    result = import_oneroster(source=files.write(tmp_path / "r"), district=None)
    assert result.errors == []
    district = District.objects.get(sourced_id="dist-1")
    assert School.objects.filter(district=district).count() == 3
    assert Student.objects.filter(school__district=district, is_active=True).count() == 30
    assert User.objects.filter(role=User.Role.GUARDIAN).count() == 40
    assert User.objects.filter(role=User.Role.TEACHER).count() == 4
    assert Enrollment.objects.count() == 75
    assert Guardianship.objects.filter(is_active=True).count() == 40
    assert Section.objects.count() == len(files.rows["classes"])
    assert TeachingEnrollment.objects.count() == Section.teachers.through.objects.count() == len(files.rows["classes"])
    assert sorted(Guardianship.objects.filter(student__sourced_id="stu-1").values_list("guardian__email", flat=True)) == [
        "par-1@synthetic.test", "par-31@synthetic.test"
    ]


def test_second_bulk_import_changes_nothing(tmp_path):
    folder = RosterFiles(students=12, staff=3, guardians=10, enrollments=24).write(tmp_path / "r")
    import_oneroster(source=folder, district=None)
    before = table_sizes()
    history_before = Student.history.count()
    result = import_oneroster(source=folder, district=None)
    assert {entity: counts.get("created", 0) + counts.get("updated", 0) + counts.get("removed", 0) + counts.get("deactivated", 0)
            for entity, counts in result.counts.items()} == {entity: 0 for entity in result.counts}
    assert table_sizes() == before
    assert Student.history.count() == history_before


def test_bulk_file_deactivates_missing_users_and_ends_missing_links(tmp_path):
    files = RosterFiles(students=6, staff=2, guardians=6, enrollments=12)
    import_oneroster(source=files.write(tmp_path / "one"), district=None)
    files.rows["users"] = [row for row in files.rows["users"] if row["sourcedId"] not in {"stu-3", "par-4", "tea-1"}]
    files.rows["enrollments"] = [row for row in files.rows["enrollments"]
                                 if row["userSourcedId"] not in {"stu-3", "tea-1"}]
    result = import_oneroster(source=files.write(tmp_path / "two"), district=None)
    assert result.errors == []
    gone = Student.objects.get(sourced_id="stu-3")
    assert gone.is_active is False  # kept, with its history, not deleted
    assert Student.objects.filter(is_active=True).count() == 5
    assert User.objects.get(email="par-4@synthetic.test").is_active is False
    assert User.objects.get(email="tea-1@synthetic.test").is_active is False
    assert Guardianship.objects.get(guardian__email="par-4@synthetic.test").is_active is False
    assert Enrollment.objects.filter(student=gone).count() == 0
    assert TeachingEnrollment.objects.filter(teacher__email="tea-1@synthetic.test").count() == 0
    assert Section.teachers.through.objects.filter(user__email="tea-1@synthetic.test").count() == 0


def test_delta_file_changes_only_what_it_names(tmp_path):
    files = RosterFiles(students=6, staff=2, guardians=6, enrollments=12)
    import_oneroster(source=files.write(tmp_path / "bulk"), district=DistrictFactory(sourced_id="dist-1"))
    names_before = dict(Student.objects.values_list("sourced_id", "first_name"))
    enrollments_before = set(Enrollment.objects.values_list("sourced_id", flat=True))
    delta = RosterFiles(students=0, staff=0, guardians=0, enrollments=0, schools=2)
    stamp = {"status": "active", "dateLastModified": "2025-01-10T08:00:00.000Z"}
    renamed = dict(files.rows["users"][0], givenName="Renamed", **stamp)
    removed_user = dict(files.rows["users"][5], status="tobedeleted", dateLastModified=stamp["dateLastModified"])
    dropped = dict([r for r in files.rows["enrollments"] if r["role"] == "student"][3], status="tobedeleted", dateLastModified=stamp["dateLastModified"])
    delta.rows = {name: [] for name in delta.rows}
    delta.rows["users"] = [renamed, removed_user]
    delta.rows["enrollments"] = [dropped]
    delta.modes = {"users": "delta", "enrollments": "delta", "orgs": "absent", "academicSessions": "absent", "classes": "absent"}
    result = import_oneroster(source=delta.write(tmp_path / "delta", mode="delta"), district=District.objects.get())
    assert result.errors == []
    names_after = dict(Student.objects.values_list("sourced_id", "first_name"))
    assert {k: v for k, v in names_after.items() if names_before[k] != v} == {"stu-0": "Renamed"}
    assert list(Student.objects.filter(is_active=False).values_list("sourced_id", flat=True)) == ["stu-5"]
    assert enrollments_before - set(Enrollment.objects.values_list("sourced_id", flat=True)) == {dropped["sourcedId"]}


def test_delta_rows_need_status_and_date(tmp_path):
    files = RosterFiles(students=2, staff=1, guardians=0, enrollments=2)
    folder = files.write(tmp_path / "r", mode="delta")
    result = import_oneroster(source=folder, district=None)
    assert ("orgs.csv", 2, "status is empty; a delta file needs active or tobedeleted.") in errors_of(result)
    assert ("orgs.csv", 2, "dateLastModified is empty; a delta file needs it on every row.") in errors_of(result)
    assert District.objects.count() == 0


# --- bad rows: refused whole, line named, database unchanged ----------------------


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda f: f.rows["users"][2].update(role="wizard"),
         ("users.csv", 4, "role “wizard” is not a known value (administrator, aide, guardian, parent, proctor, relative, student, teacher).")),
        (lambda f: f.rows["classes"][1].update(schoolSourcedId="sch-99"),
         ("classes.csv", 3, "schoolSourcedId “sch-99” is not in orgs.csv.")),
        (lambda f: f.rows["academicSessions"][0].update(startDate="2024-13-40"),
         ("academicSessions.csv", 2, "startDate “2024-13-40” is not a date in the form YYYY-MM-DD.")),
        (lambda f: f.rows["users"][3].update(sourcedId="stu-0"),
         ("users.csv", 5, "sourcedId “stu-0” is already used on line 2.")),
    ],
    ids=["unknown role", "class names a missing school", "broken date", "duplicate sourcedId"],
)
def test_bad_row_refuses_the_import_and_names_the_line(tmp_path, edit, expected):
    district = DistrictFactory(sourced_id="dist-1")
    files = RosterFiles(students=4, staff=2, guardians=2, enrollments=4)
    edit(files)
    before = table_sizes()
    result = import_oneroster(source=files.write(tmp_path / "r"), district=district)
    assert result.status == "refused"
    assert expected in errors_of(result)
    assert table_sizes() == before


def test_error_found_against_the_database_rolls_back_everything(tmp_path):
    """A school that belongs to another district is only found while writing: the whole import is undone."""
    School.objects.create(district=DistrictFactory(), name="Elsewhere", sourced_id="sch-1")
    before = table_sizes()
    result = import_oneroster(source=RosterFiles(students=4, staff=2, enrollments=4).write(tmp_path / "r"), district=None)
    assert errors_of(result)[0] == ("orgs.csv", 4, "School “sch-1” belongs to another district.")
    assert result.status == "refused"
    assert table_sizes() == before


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    before = table_sizes()
    result = import_oneroster(source=RosterFiles(students=5, staff=2, guardians=3, enrollments=5).write(tmp_path / "r"),
                              district=None, dry_run=True)
    assert result.status == "succeeded"
    assert result.counts["students"]["created"] == 5
    assert result.counts["student enrollments"]["created"] == 5
    assert result.counts["people"]["created"] == 5
    assert table_sizes() == before


def test_import_reads_a_zip_and_keeps_existing_hand_made_account(tmp_path):
    """An account made by hand with the same email is linked to its sourcedId, not duplicated; passwords are never read."""
    hand_made = User.objects.create_user("tea-0@synthetic.test", "a-long-password-1", role=User.Role.SPECIAL_EDUCATOR)
    files = RosterFiles(students=2, staff=1, guardians=0, enrollments=2)
    files.rows["users"][2]["password"] = "Secret123"
    folder = files.write(tmp_path / "r")
    archive = shutil.make_archive(str(tmp_path / "roster"), "zip", folder)
    result = import_oneroster(source=Path(archive).read_bytes(), district=None)
    assert result.errors == []
    hand_made.refresh_from_db()
    assert hand_made.role == User.Role.SPECIAL_EDUCATOR
    assert hand_made.check_password("a-long-password-1")
    assert RosterIdentity.objects.get(sourced_id="tea-0").user == hand_made


def test_district_admin_roles_are_never_granted_by_a_file(tmp_path):
    files = RosterFiles(students=1, staff=1, guardians=0, enrollments=1)
    files.rows["users"][1]["role"] = "administrator"
    files.rows["users"].append(dict(files.rows["users"][1], sourcedId="boss", email="boss@synthetic.test", role="administrator", orgSourcedIds="dist-1"))
    result = import_oneroster(source=files.write(tmp_path / "r"), district=None)
    assert result.errors == []
    assert User.objects.filter(role=User.Role.DISTRICT_ADMIN).count() == 0
    assert list(StaffAssignment.objects.values_list("user__email", "role")) == [("tea-0@synthetic.test", "school_leader")]


def test_command_prints_the_report_and_fails_on_bad_files(tmp_path):
    out = io.StringIO()
    call_command("import_oneroster", str(RosterFiles(students=2, staff=1, enrollments=2).write(tmp_path / "r")), stdout=out)
    assert "students: created 2, deactivated 0, unchanged 0, updated 0" in out.getvalue()
    with pytest.raises(CommandError, match="Refused: 8 errors, nothing was changed."):
        call_command("import_oneroster", str(SAMPLES / "v1p1-bulk-catalyst-full"), stdout=io.StringIO())


@pytest.mark.parametrize("how", ["missing from a bulk file", "turned off in the file"])
def test_a_student_turned_off_by_the_roster_can_no_longer_sign_in(tmp_path, rf, how):
    """T5 and issue 22: her own account closes with her record (password and single sign-on alike); her family's
    guardianship is the roster's to end, not her account's."""
    from django.contrib.auth import authenticate

    from tests.factories.accounts import UserFactory

    def signs_in() -> bool:
        return authenticate(rf.post("/"), username="stu-2@synthetic.test", password="a long enough passphrase 42") is not None

    files = RosterFiles(students=4, staff=1, guardians=4, enrollments=4)
    import_oneroster(source=files.write(tmp_path / "one"), district=None)
    account = UserFactory(email="stu-2@synthetic.test", role=User.Role.STUDENT)
    account.set_password("a long enough passphrase 42")
    account.save()
    Student.objects.filter(sourced_id="stu-2").update(user=account)
    assert signs_in()
    if how == "missing from a bulk file":
        files.rows["users"] = [row for row in files.rows["users"] if row["sourcedId"] != "stu-2"]
        files.rows["enrollments"] = [row for row in files.rows["enrollments"] if row["userSourcedId"] != "stu-2"]
    else:
        files.rows["users"] = [dict(row, enabledUser="false") if row["sourcedId"] == "stu-2" else row for row in files.rows["users"]]
    result = import_oneroster(source=files.write(tmp_path / "two"), district=None)
    assert result.errors == []
    assert Student.objects.get(sourced_id="stu-2").is_active is False
    account.refresh_from_db()
    assert account.is_active is False
    assert not signs_in()

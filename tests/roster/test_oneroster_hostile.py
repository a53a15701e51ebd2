"""OneRoster packages built to hurt: zip bombs and text the database cannot hold (quality.md T4).

Each is refused at the check, with the file (and row and column) named, and nothing is written.
"""

import csv
import io
import shutil
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from accounts.models import User
from roster.importers import oneroster
from roster.importers.service import import_oneroster, run_import
from roster.models import ImportRun, School, Student
from tests.factories.accounts import UserFactory
from tests.factories.roster import DistrictFactory

from .roster_files import RosterFiles
from .test_oneroster_import import errors_of, table_sizes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
USERS_HEADER = ",".join(oneroster.COLUMNS["users-1.1"]).encode() + b"\r\n"


def small() -> RosterFiles:
    return RosterFiles(students=2, staff=1, guardians=0, enrollments=2)


def zipped(files: RosterFiles, tmp_path: Path, *, users: bytes | None = None, tail: bytes = b"", repeat: int = 0,
           level: int | None = None) -> bytes:
    """The package as a zip. users.csv is `users` (default: as written) followed by `tail` `repeat` times, written
    streaming, so a bomb never sits whole in the test's memory."""
    folder = files.write(tmp_path / "pkg")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for path in sorted(folder.iterdir()):
            if path.name != "users.csv":
                archive.write(path, path.name)
                continue
            with archive.open("users.csv", "w") as member:
                member.write(path.read_bytes() if users is None else users)
                for _ in range(repeat):
                    member.write(tail)
    return out.getvalue()


def understate_size(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for `name`."""
    data = bytearray(data)
    end = data.rindex(b"PK\x05\x06")
    entries, offset = struct.unpack_from("<H", data, end + 10)[0], struct.unpack_from("<I", data, end + 16)[0]
    for _ in range(entries):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        if data[offset + 46:offset + 46 + name_len] == name:
            struct.pack_into("<I", data, offset + 24, size)
            return bytes(data)
        offset += 46 + name_len + extra_len + comment_len
    raise AssertionError(f"{name!r} is not in the zip")


def peak_memory_of(call):
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- defect 1: zip members inflated whole, without a cap ------------------------------


def test_zip_bomb_over_the_size_cap_is_refused_before_inflating(tmp_path):
    """quality.md T4: the probe's bomb, a users.csv that unzips to 300 MB, is refused by name from the sizes the zip
    declares: nothing is inflated (peak memory stays small), nothing is written, no "unexpected error"."""
    data = zipped(small(), tmp_path, users=USERS_HEADER, tail=b"a" * MB, repeat=300, level=1)
    assert len(data) < 2 * MB
    before = table_sizes()
    result, peak = peak_memory_of(lambda: import_oneroster(source=data, district=None))
    assert result.status == "refused"
    assert errors_of(result) == [
        ("users.csv", 0, "users.csv is larger than 200 MB once unzipped, more than Waypoint reads from one file. "
                         "Split the export (for example by school) or ask for help."),
    ]
    assert peak < 20 * MB
    assert table_sizes() == before


def test_highly_compressed_member_is_refused_on_the_ratio_while_reading(tmp_path):
    """quality.md T4: under the size cap but 1000:1 compressed: the bytes actually inflated are counted, and reading
    stops a little past 100 times the zipped size, long before the 30 MB are in memory."""
    data = zipped(small(), tmp_path, users=USERS_HEADER, tail=b"a" * MB, repeat=30)
    assert len(data) < 100 * 1024
    before = table_sizes()
    result, peak = peak_memory_of(lambda: import_oneroster(source=data, district=None))
    assert result.status == "refused"
    assert errors_of(result) == [
        ("users.csv", 0, "users.csv unzips to more than 100 times its zipped size, which no roster export does, so it "
                         "was not read. Export the file again from your student information system."),
    ]
    assert peak < 20 * MB
    assert table_sizes() == before


def test_a_zip_that_understates_a_size_is_refused_as_damaged(tmp_path):
    """quality.md T4: the declared size is not trusted: a central directory that says users.csv holds 1,000 bytes when
    it holds 5 MB gives a clear refusal, not an unexpected error."""
    data = understate_size(zipped(small(), tmp_path, users=USERS_HEADER, tail=b"a" * MB, repeat=5), b"users.csv", 1000)
    result = import_oneroster(source=data, district=None)
    assert result.status == "refused"
    assert errors_of(result) == [
        ("users.csv", 0, "users.csv could not be unzipped: the zip is damaged, encrypted or uses a compression Waypoint "
                         "cannot read. Export the file again."),
    ]
    assert User.objects.count() == 0


def test_the_cap_on_the_whole_package_names_the_file_that_passed_it(tmp_path, monkeypatch):
    """quality.md T4: files that are each small may not add up past the package cap (lowered here to 5 KB)."""
    monkeypatch.setattr(oneroster, "MAX_PACKAGE_BYTES", 5 * 1024)
    monkeypatch.setattr(oneroster, "MB", 1024)  # so the message speaks of "5"
    files = RosterFiles(students=80, staff=2, guardians=0, enrollments=80)  # users.csv alone is 6 KB
    result = import_oneroster(source=zipped(files, tmp_path), district=None)
    assert errors_of(result) == [
        ("users.csv", 0, "The files in this package are larger than 5 MB together once unzipped; the limit was passed "
                         "at users.csv. Split the export (for example by school) or ask for help."),
    ]
    assert Student.objects.count() == 0


def test_small_highly_compressible_files_still_import(tmp_path):
    """The ratio only counts past 1 MB: a small, very repetitive file (here 900 KB of blank lines, zipped 500:1 and
    more) is a normal export."""
    files = RosterFiles(students=3, staff=1, guardians=0, enrollments=3)
    data = zipped(files, tmp_path, tail=b"\r\n" * 450_000, repeat=1, level=9)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("users.csv")
        assert info.file_size > 100 * info.compress_size
    result = import_oneroster(source=data, district=None)
    assert result.errors == []
    assert Student.objects.count() == 3


def test_a_value_longer_than_the_csv_reader_takes_is_refused_by_line(tmp_path):
    """quality.md T4: a 200,000-character cell (an unclosed quote reads the same way) is named, not an unexpected error."""
    files = RosterFiles(students=2, staff=1, guardians=0, enrollments=2)
    files.rows["users"][1]["familyName"] = "x" * 200_000
    result = import_oneroster(source=files.write(tmp_path / "r"), district=None)
    assert result.status == "refused"
    assert [error for error in errors_of(result) if error[0] == "users.csv"] == [
        ("users.csv", 3, f"This line could not be read: a value is longer than {csv.field_size_limit()} characters, "
                         "or a quotation mark is not closed."),
    ]
    assert User.objects.count() == Student.objects.count() == 0


# --- defect 2: names the database cannot hold --------------------------------------------


NUL_AND_OVERRIDE = [
    "familyName holds a control character (U+0000), which Waypoint does not store.",
    "familyName holds a hidden text-direction character (U+202E), which can make text display differently from what it says.",
]


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize(
    "row, family_name, messages",
    [
        (0, "Ev\x00il\u202egnp.exe", NUL_AND_OVERRIDE),
        (0, "x" * 5_000, ["familyName is 5000 characters long; Waypoint keeps at most 100."]),
        (0, "x" * 100_000, ["familyName is 100000 characters long; Waypoint keeps at most 100."]),
        (4, "x" * 5_000, ["familyName is 5000 characters long; Waypoint keeps at most 150."]),  # a parent: User.last_name
    ],
    ids=["NUL and RLO", "5,000 characters", "100,000 characters", "a parent's 5,000 characters"],
)
def test_a_name_the_database_cannot_hold_is_refused_with_row_and_column(tmp_path, version, row, family_name, messages):
    """quality.md T4: NUL (PostgreSQL refuses it), U+202E (shows text reversed) and names longer than the model field
    (SQLite would keep them whole) are errors of the check, so both databases refuse the same rows, and nothing is written."""
    files = RosterFiles(students=3, staff=1, guardians=2, enrollments=3, version=version)
    files.rows["users"][row]["familyName"] = family_name
    before = table_sizes()
    result = import_oneroster(source=files.write(tmp_path / "r"), district=None)
    assert result.status == "refused"
    assert [(f, line, m) for f, line, m in errors_of(result) if f == "users.csv"] == [("users.csv", row + 2, m) for m in messages]
    assert table_sizes() == before
    assert Student.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda f: f.rows["orgs"][1].update(name="S" * 201),
         ("orgs.csv", 3, "name is 201 characters long; Waypoint keeps at most 200.")),
        (lambda f: f.rows["classes"][0].update(periods="1234567890123456789012,2"),
         ("classes.csv", 2, "periods is 22 characters long; Waypoint keeps at most 20.")),
        (lambda f: f.rows["academicSessions"][0].update(title="Year\u2066"),
         ("academicSessions.csv", 2, "title holds a hidden text-direction character (U+2066), which can make text display differently from what it says.")),
        (lambda f: f.rows["users"][0].update(givenName="Ann\tMarie"),
         ("users.csv", 2, "givenName holds a control character (U+0009), which Waypoint does not store.")),
        (lambda f: f.rows["enrollments"][1].update(userSourcedId="stu-0\x00"),
         ("enrollments.csv", 3, "userSourcedId holds a control character (U+0000), which Waypoint does not store.")),
        (lambda f: f.rows["users"][3].update(sourcedId="p" * 256),
         ("users.csv", 5, "sourcedId is 256 characters long; Waypoint keeps at most 255.")),
    ],
    ids=["school name", "period", "session title", "tab in a name", "NUL in a reference", "long sourcedId"],
)
def test_every_stored_or_looked_up_value_is_checked(tmp_path, edit, expected):
    """quality.md T4: the same check covers the other values the importer stores or looks up."""
    files = RosterFiles(students=3, staff=1, guardians=2, enrollments=3)
    edit(files)
    before = table_sizes()
    result = import_oneroster(source=files.write(tmp_path / "r"), district=None)
    assert result.status == "refused"
    assert expected in errors_of(result)
    assert table_sizes() == before


def test_the_check_knows_which_roles_the_loader_keeps_as_staff():
    """The check holds staff names to User's fields because the loader makes them accounts: the two lists agree."""
    from roster.importers import loader

    assert set(loader.STAFF_ROLES) == oneroster.STAFF_ROLES


def test_real_names_at_the_limit_still_import(tmp_path):
    """No false alarms: accents, Arabic with its right-to-left mark (U+200F), emoji, and exactly 100 characters."""
    files = RosterFiles(students=4, staff=1, guardians=0, enrollments=4)
    names = ["Núñez-Çelik", "\u0639\u0628\u062f \u0627\u0644\u0644\u0647\u200f", "Lee 🌟", "y" * 100]
    for row, name in zip(files.rows["users"], names):
        row["familyName"] = name
    result = import_oneroster(source=files.write(tmp_path / "r"), district=None)
    assert result.errors == []
    assert sorted(Student.objects.values_list("last_name", flat=True)) == sorted(names)


def test_refusal_echoing_a_nul_is_stored_on_every_database(tmp_path):
    """quality.md T4: a refused value is quoted in the report; PostgreSQL's jsonb refuses NUL, so the report carries
    U+FFFD in its place and the run ends "refused", not stuck or "unexpected error"."""
    files = RosterFiles(students=2, staff=1, guardians=0, enrollments=2)
    files.rows["users"][0]["role"] = "stu\x00dent"
    folder = files.write(tmp_path / "r")
    data = Path(shutil.make_archive(str(tmp_path / "roster"), "zip", folder)).read_bytes()
    run = ImportRun.objects.create(district=DistrictFactory(sourced_id="dist-1"), started_by=UserFactory(role=User.Role.DISTRICT_ADMIN),
                                   file_name="roster.zip", package=data)
    run_import(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED
    assert {"file": "users.csv", "line": 2, "is_error": True,
            "message": "role “stu\ufffddent” is not a known value (administrator, aide, guardian, parent, proctor, relative, student, teacher)."} in run.problems
    assert School.objects.count() == 0

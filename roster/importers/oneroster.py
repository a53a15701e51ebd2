"""Read and check a OneRoster CSV package (1.1 or 1.2, bulk or delta). No database here.

`read_package` turns a folder or a zip into rows keyed by file; `check_package`
validates headers, then rows (required fields, formats, vocabularies, duplicate
sourcedIds, references inside the package, and every value Waypoint stores
against the model field it lands in: length, control and direction characters)
and returns a `Roster` of plain records plus every problem found, each with its
file and line. The loader (`loader.py`) resolves what the package does not hold
against the database and writes, all or nothing.

A zip is read member by member in chunks, counting the bytes actually inflated:
a member or package past the caps below, or a member that inflates past
MAX_RATIO times its zipped size, refuses the package by name (a zip bomb is
never inflated whole; quality.md T4).
"""

from __future__ import annotations

import csv
import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from .. import text_checks

MB = 1024 * 1024
# Caps on what a package may inflate to. Real exports run 5-10 MB of CSV for a 10,000-student district (the P5
# benchmark); 200 MB is twenty times that, and about the most the import can hold in memory as rows.
MAX_MEMBER_BYTES = 200 * MB  # one file, unzipped
MAX_PACKAGE_BYTES = 200 * MB  # every file read, unzipped, together
# Roster CSVs zip 2:1 to 10:1; deflate's ceiling is about 1,000:1, which only filler reaches.
MAX_RATIO = 100
RATIO_FLOOR = 1 * MB  # a file smaller than this unzipped may be as repetitive as it likes
READ_CHUNK = 1 * MB
UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError, RuntimeError)

VERSIONS = {"1.1", "1.2"}
# Files Waypoint reads, in the order they are applied. Gradebook and resource files are ignored.
ROSTER_FILES = ["orgs", "academicSessions", "courses", "classes", "users", "roles", "enrollments", "demographics"]
# The only files read from a package, in reading order (lower case); anything else is never inflated.
READ_FILES = ["manifest.csv"] + [f"{name.lower()}.csv" for name in ROSTER_FILES]

COLUMNS = {
    "orgs": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
    "academicSessions": ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
                         "parentSourcedId", "schoolYear"],
    "courses": ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades",
                "orgSourcedId", "subjects", "subjectCodes"],
    "classes": ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode",
                "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"],
    "users-1.1": ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username",
                  "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone",
                  "agentSourcedIds", "grades", "password"],
    "users-1.2": ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
                  "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
                  "password", "userMasterIdentifier", "preferredGivenName", "preferredMiddleName",
                  "preferredFamilyName", "primaryOrgSourcedId", "pronouns"],
    "roles": ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate",
              "orgSourcedId", "userProfileSourcedId"],
    "enrollments": ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId",
                    "role", "primary", "beginDate", "endDate"],
    "demographics": ["sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative",
                     "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white",
                     "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "countryOfBirthCode",
                     "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus"],
}
REQUIRED = {
    "orgs": ["sourcedId", "name", "type"],
    "academicSessions": ["sourcedId", "title", "type", "startDate", "endDate", "schoolYear"],
    "courses": ["sourcedId", "title", "orgSourcedId"],
    "classes": ["sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"],
    "users-1.1": ["sourcedId", "enabledUser", "orgSourcedIds", "role", "username", "givenName", "familyName"],
    "users-1.2": ["sourcedId", "enabledUser", "username", "givenName", "familyName"],
    "roles": ["sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"],
    "enrollments": ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
    "demographics": ["sourcedId"],
}

ORG_TYPES = {"department", "school", "district", "local", "state", "national"}
SESSION_TYPES = {"gradingperiod", "semester", "schoolyear", "term"}
CLASS_TYPES = {"homeroom", "scheduled"}
USER_ROLES_11 = {"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}
USER_ROLES_12 = {"aide", "counselor", "districtadministrator", "guardian", "parent", "principal", "proctor",
                 "relative", "siteadministrator", "student", "systemadministrator", "teacher"}
ENROLLMENT_ROLES = {"administrator", "proctor", "student", "teacher"}
GUARDIAN_ROLES = {"parent", "guardian", "relative"}
# Roles the loader keeps as staff accounts (loader.STAFF_ROLES); the others are not imported.
STAFF_ROLES = {"teacher", "aide", "counselor", "principal", "siteadministrator", "administrator"}
PERSON_ROLES = GUARDIAN_ROLES | STAFF_ROLES  # users kept as accounts (User), not as students
ACTIVE, TO_BE_DELETED = "active", "tobedeleted"

# Where the values Waypoint keeps land, as (model, field): each is held to that field's max_length and may hold no
# control or direction character (text_checks). sourcedIds land in School/District, Term, Section,
# Student/RosterIdentity and Enrollment/TeachingEnrollment, all 255 wide; the rest are only looked up.
SOURCED_ID_FIELDS = {
    "orgs": ("roster.School", "sourced_id"), "academicSessions": ("roster.Term", "sourced_id"),
    "classes": ("roster.Section", "sourced_id"), "users": ("roster.Student", "sourced_id"),
    "enrollments": ("roster.Enrollment", "sourced_id"),
}
ORG_FIELDS = {"school": {"name": ("roster.School", "name")}, "district": {"name": ("roster.District", "name")}}
SESSION_FIELDS = {"title": ("roster.Term", "name")}
COURSE_FIELDS = {"title": ("roster.Section", "subject")}  # a class without subjects takes its course's title
CLASS_FIELDS = {"title": ("roster.Section", "name"), "subjects": ("roster.Section", "subject"),
                "periods": ("roster.Section", "period")}  # the first of subjects and periods is kept
STUDENT_FIELDS = {"givenName": ("roster.Student", "first_name"), "familyName": ("roster.Student", "last_name"),
                  "preferredGivenName": ("roster.Student", "preferred_name"),
                  "grades": ("roster.Student", "grade_level"),  # the first of grades is kept
                  "identifier": ("roster.Student", "student_number")}
PERSON_FIELDS = {"givenName": ("accounts.User", "first_name"), "familyName": ("accounts.User", "last_name"),
                 "email": ("accounts.User", "email")}  # staff and guardians

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_MESSAGE = 500  # characters; a message may quote a value, and a value may be 100,000 characters


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    is_error: bool = True

    def __post_init__(self):
        # Messages quote values from the file: keep NUL (jsonb refuses it) and direction controls out of the report.
        object.__setattr__(self, "message", text_checks.printable(self.message, MAX_MESSAGE))
        object.__setattr__(self, "file", text_checks.printable(self.file, 255))

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message, "is_error": self.is_error}


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()


@dataclass
class Package:
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)  # file -> bulk | delta
    rows: dict[str, list[Row]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def mode(self, name: str) -> str:
        return self.modes.get(name, "absent")

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


# --- Records handed to the loader ---------------------------------------------


@dataclass
class OrgRecord:
    sourced_id: str
    name: str
    type: str
    deleted: bool
    line: int = 0


@dataclass
class SessionRecord:
    sourced_id: str
    title: str
    start_date: date
    end_date: date
    deleted: bool
    line: int = 0


@dataclass
class ClassRecord:
    sourced_id: str
    title: str
    subject: str
    period: str
    school_id: str
    term_id: str
    deleted: bool
    line: int = 0


@dataclass
class UserRecord:
    sourced_id: str
    role: str  # one OneRoster role, lower case
    given_name: str
    family_name: str
    preferred_name: str
    email: str
    identifier: str
    grade: str
    org_ids: list[str]
    agent_ids: list[str]
    active: bool
    deleted: bool
    line: int = 0


@dataclass
class EnrollmentRecord:
    sourced_id: str
    class_id: str
    user_id: str
    role: str
    deleted: bool
    line: int = 0


@dataclass
class Roster:
    version: str
    modes: dict[str, str]
    orgs: list[OrgRecord] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    courses: dict[str, str] = field(default_factory=dict)  # sourcedId -> title
    classes: list[ClassRecord] = field(default_factory=list)
    users: list[UserRecord] = field(default_factory=list)
    enrollments: list[EnrollmentRecord] = field(default_factory=list)
    birth_dates: dict[str, date] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def is_bulk(self, name: str) -> bool:
        return self.modes.get(name) == "bulk"

    def is_present(self, name: str) -> bool:
        return self.modes.get(name) in {"bulk", "delta"}


# --- Reading ------------------------------------------------------------------


class PackageRefused(Exception):
    """The package cannot be read at all (too large, a zip bomb, a damaged zip); `problem` says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def read_package(source: str | Path | bytes) -> Package:
    """Read a OneRoster package from a folder, a zip file path or zip bytes."""
    package = Package()
    try:
        files = _open_files(source)
    except PackageRefused as refused:
        package.problems.append(refused.problem)
        return package
    lower = {name.lower(): name for name in files}
    if "manifest.csv" not in lower:
        message = _("The package has no manifest.csv, so it is not a OneRoster file.")
        package.problems.append(Problem("manifest.csv", 0, message))
        return package
    _read_manifest(package, files[lower["manifest.csv"]])
    if package.version not in VERSIONS:
        return package
    for name in ROSTER_FILES:
        if package.mode(name) == "absent":
            continue
        wanted = f"{name}.csv"
        actual = files.get(wanted) and wanted or lower.get(wanted.lower())
        if actual is None:
            message = _("The manifest lists %(file)s as %(mode)s, but the file is missing.")
            package.problems.append(Problem(wanted, 0, message % {"file": wanted, "mode": package.mode(name)}))
            continue
        if actual != wanted:
            message = _("File name should be %(file)s; read it anyway.") % {"file": wanted}
            package.problems.append(Problem(actual, 0, message, is_error=False))
        _read_csv(package, name, actual, files.pop(actual))  # let each file's bytes go once its rows are read
    return package


def _open_files(source: str | Path | bytes) -> dict[str, bytearray]:
    if isinstance(source, bytes):
        return _zip_members(io.BytesIO(source), "")
    path = Path(source)
    if path.is_dir():
        return _folder_files(path)
    return _zip_members(path, path.name)


def _folder_files(folder: Path) -> dict[str, bytearray]:
    children = sorted((child for child in folder.iterdir() if child.name.lower() in READ_FILES and child.is_file()),
                      key=lambda child: READ_FILES.index(child.name.lower()))
    read = _Tally()
    files = {}
    for child in children:
        with child.open("rb") as stream:
            files[child.name] = _read_capped(stream, child.name, None, read)
    return files


def _zip_members(file, zip_name: str) -> dict[str, bytearray]:
    """The CSV files Waypoint reads, by base name (they may sit in one top folder of the zip).

    Sizes the zip declares are checked before anything is inflated, then the bytes actually inflated are counted
    while reading, because a zip can declare any size it likes."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError):
        message = _("The package is not a zip file Waypoint can read. "
                    "Upload the .zip your student information system made.")
        raise PackageRefused(Problem(zip_name, 0, message)) from None
    with archive:
        wanted = [info for info in archive.infolist() if Path(info.filename).name.lower() in READ_FILES]
        members = sorted((info for info in wanted if not info.is_dir()),
                         key=lambda info: READ_FILES.index(Path(info.filename).name.lower()))
        declared = 0
        for info in members:
            name = Path(info.filename).name
            declared += info.file_size
            _check_size(name, info.file_size, declared)
        read = _Tally()
        files = {}
        for info in members:
            name = Path(info.filename).name
            try:
                with archive.open(info) as stream:
                    files[name] = _read_capped(stream, name, info.compress_size, read)
            except UNZIP_ERRORS:
                message = _("%(file)s could not be unzipped: the zip is damaged, encrypted or uses a compression "
                            "Waypoint cannot read. Export the file again.") % {"file": name}
                raise PackageRefused(Problem(name, 0, message)) from None
    return files


@dataclass
class _Tally:
    total: int = 0  # bytes read so far, every file together


def _read_capped(stream, name: str, zipped_size: int | None, read: _Tally) -> bytearray:
    """Read `stream` in chunks, refusing the package as soon as the file or the package passes a cap."""
    data = bytearray()
    while chunk := stream.read(READ_CHUNK):
        data += chunk
        read.total += len(chunk)
        _check_size(name, len(data), read.total)
        if zipped_size is not None and len(data) > RATIO_FLOOR and len(data) > MAX_RATIO * zipped_size:
            message = _("%(file)s unzips to more than %(ratio)d times its zipped size, which no roster export does, "
                        "so it was not read. Export the file again from your student information system.")
            raise PackageRefused(Problem(name, 0, message % {"file": name, "ratio": MAX_RATIO}))
    return data


def _check_size(name: str, size: int, total: int) -> None:
    """Refuse the package when file `name` (`size` bytes) or every file so far (`total` bytes) passes its cap."""
    if size > MAX_MEMBER_BYTES:
        message = _("%(file)s is larger than %(limit)d MB once unzipped, more than Waypoint reads from one file. "
                    "Split the export (for example by school) or ask for help.")
        raise PackageRefused(Problem(name, 0, message % {"file": name, "limit": MAX_MEMBER_BYTES // MB}))
    if total > MAX_PACKAGE_BYTES:
        message = _("The files in this package are larger than %(limit)d MB together once unzipped; the limit was "
                    "passed at %(file)s. Split the export (for example by school) or ask for help.")
        raise PackageRefused(Problem(name, 0, message % {"file": name, "limit": MAX_PACKAGE_BYTES // MB}))


def _decode(raw: bytes | bytearray) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _csv_records(package: Package, file_name: str, raw: bytes | bytearray):
    """(line, record) pairs from line 1; a line the csv module cannot read ends the file with an error."""
    reader = csv.reader(io.StringIO(_decode(raw), newline=""))
    line = 0
    while True:
        line += 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            message = _("This line could not be read: a value is longer than %(limit)d characters, "
                        "or a quotation mark is not closed.")
            package.problems.append(Problem(file_name, line, message % {"limit": csv.field_size_limit()}))
            return
        yield line, record


def _read_manifest(package: Package, raw: bytes | bytearray) -> None:
    for line, record in _csv_records(package, "manifest.csv", raw):
        if line == 1 or len(record) < 2:
            continue
        key, value = record[0].strip(), record[1].strip()
        if key == "oneroster.version":
            package.version = value
        elif key.startswith("file."):
            name = key[5:]
            mode = value.lower()
            if mode not in {"bulk", "delta", "absent"}:
                if name in ROSTER_FILES:
                    message = _("%(key)s is “%(value)s”; read as absent.") % {"key": key, "value": value}
                    package.problems.append(Problem("manifest.csv", line, message, is_error=False))
                mode = "absent"
            package.modes[name] = mode
    if package.version not in VERSIONS:
        package.problems.append(Problem("manifest.csv", 0, _version_message(package.version)))


def _version_message(version: str) -> str:
    if not version:
        return _("OneRoster version “missing” is not supported (use 1.1 or 1.2).")
    return _("OneRoster version “%(version)s” is not supported (use 1.1 or 1.2).") % {"version": version}


def _read_csv(package: Package, name: str, file_name: str, raw: bytes | bytearray) -> None:
    records = _csv_records(package, file_name, raw)
    header = [cell.strip() for cell in next(records, (1, []))[1]]
    key = _column_key(name, package.version)
    known = set(COLUMNS[key])
    for column in header:
        if column and column not in known and not column.startswith(("metadata.", "ext_")):
            message = _("Unknown column “%(column)s” was ignored.") % {"column": column}
            package.problems.append(Problem(file_name, 1, message, is_error=False))
    missing = [column for column in REQUIRED[key] if column not in header]
    if missing:
        message = _("Required column missing: %(columns)s.") % {"columns": ", ".join(missing)}
        package.problems.append(Problem(file_name, 1, message))
    package.headers[name] = header
    rows = []
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        rows.append(Row(line, {column: value for column, value in zip(header, record) if column}))
    package.rows[name] = rows


def _column_key(name: str, version: str) -> str:
    return f"users-{version}" if name == "users" else name


# --- Checking -----------------------------------------------------------------


class RowChecker:
    """Checks shared by every file: sourcedId, status, dateLastModified, required values."""

    def __init__(self, package: Package, name: str):
        self.package, self.name = package, f"{name}.csv"
        self.delta = package.mode(name) == "delta"
        self.required = REQUIRED[_column_key(name, package.version)]
        self.sourced_id_field = SOURCED_ID_FIELDS.get(name)
        # References are looked up in the database: no NUL (PostgreSQL refuses it in a query) nor direction controls.
        self.references = [c for c in package.headers.get(name, []) if c.endswith(("SourcedId", "SourcedIds"))]
        self.seen: dict[str, int] = {}
        self.problems: list[Problem] = []

    def error(self, row: Row, message: str) -> None:
        self.problems.append(Problem(self.name, row.line, message))

    def warn(self, row: Row, message: str) -> None:
        self.problems.append(Problem(self.name, row.line, message, is_error=False))

    def common(self, row: Row) -> str | None:
        """Check the shared columns; answer the status ("active"/"tobedeleted") or None if the row is bad."""
        ok = self.text(row, "sourcedId", self.sourced_id_field)
        for column in self.references:
            ok = self.text(row, column) and ok
        sourced_id = row.get("sourcedId")
        if sourced_id in self.seen:
            self.error(row, _("sourcedId “%(id)s” is already used on line %(line)d.")
                       % {"id": sourced_id, "line": self.seen[sourced_id]})
            ok = False
        elif sourced_id:
            self.seen[sourced_id] = row.line
        for column in self.required:
            if not row.get(column):
                self.error(row, _("%(column)s is empty; it is required.") % {"column": column})
                ok = False
        status = self.status(row)
        modified = row.get("dateLastModified")
        if modified and not (ISO_DATETIME.match(modified) or ISO_DATE.match(modified)):
            self.error(row, _("dateLastModified “%(value)s” is not a date in the form 2023-05-01T18:25:43.511Z.")
                       % {"value": modified})
            ok = False
        elif self.delta and not modified:
            self.error(row, _("dateLastModified is empty; a delta file needs it on every row."))
            ok = False
        return status if ok and status else None

    def text(self, row: Row, column: str, target: tuple[str, str] | None = None, value: str | None = None) -> bool:
        """Check a value Waypoint keeps in the model field `target` (or only looks up, when None): errors for a value
        longer than the field, or holding a control or direction character. `value` when not the whole cell."""
        value = row.get(column) if value is None else value
        faults = text_checks.faults(value, max_length=text_checks.max_length(*target) if target else None)
        for fault in faults:
            self.error(row, fault.message(column))
        return not faults

    def texts(self, row: Row, targets: dict[str, tuple[str, str]], values: dict[str, str] | None = None) -> bool:
        """`text` for each column of `targets`, every one checked (all problems named); True when all are fine."""
        results = [self.text(row, column, target, (values or {}).get(column)) for column, target in targets.items()]
        return all(results)

    def status(self, row: Row) -> str | None:
        raw = row.get("status")
        value = raw.lower()
        if value == "inactive":
            self.warn(row, _("status “inactive” is not a OneRoster value; read as tobedeleted."))
            return TO_BE_DELETED
        if value in {ACTIVE, TO_BE_DELETED}:
            return value
        if not value:
            if self.delta:
                self.error(row, _("status is empty; a delta file needs active or tobedeleted."))
                return None
            return ACTIVE
        self.error(row, _("status “%(value)s” is not active or tobedeleted.") % {"value": raw})
        return None

    def date(self, row: Row, column: str) -> date | None:
        raw = row.get(column)
        if not raw:
            return None
        if ISO_DATE.match(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        self.error(row, _("%(column)s “%(value)s” is not a date in the form YYYY-MM-DD.")
                   % {"column": column, "value": raw})
        return None

    def vocabulary(self, row: Row, column: str, allowed: set[str]) -> str | None:
        raw = row.get(column)
        if not raw:
            return None
        value = raw.lower()
        if value not in allowed and not value.startswith("ext:"):
            self.error(row, _("%(column)s “%(value)s” is not a known value (%(allowed)s).")
                       % {"column": column, "value": raw, "allowed": ", ".join(sorted(allowed))})
            return None
        return value

    def boolean(self, row: Row, column: str) -> bool | None:
        raw = row.get(column)
        if raw.lower() not in {"true", "false"}:
            self.error(row, _("%(column)s “%(value)s” must be true or false.") % {"column": column, "value": raw})
            return None
        return raw.lower() == "true"


def split_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def check_package(package: Package) -> Roster:
    """Validate every row and build plain records. Problems name the file and line."""
    roster = Roster(version=package.version, modes=dict(package.modes), problems=list(package.problems))
    if package.version not in VERSIONS:
        return roster
    roster.orgs = _check_orgs(package, roster)
    roster.sessions = _check_sessions(package, roster)
    roster.courses = _check_courses(package, roster)
    roster.classes = _check_classes(package, roster)
    roster.users = _check_users(package, roster)
    roster.enrollments = _check_enrollments(package, roster)
    roster.birth_dates = _check_demographics(package, roster)
    return roster


def _run(package: Package, roster: Roster, name: str, build) -> list:
    checker = RowChecker(package, name)
    records = []
    for row in package.rows.get(name, []):
        status = checker.common(row)
        record = build(checker, row, status)
        if status and record is not None:
            records.append(record)
    roster.problems.extend(checker.problems)
    return records


def _check_orgs(package: Package, roster: Roster) -> list[OrgRecord]:
    def build(checker: RowChecker, row: Row, status: str | None):
        org_type = checker.vocabulary(row, "type", ORG_TYPES)
        if org_type is None:
            return None
        if org_type not in {"school", "district"}:
            checker.warn(row, _("Organisation type “%(type)s” is not imported; only districts and schools are.")
                         % {"type": org_type})
        elif not checker.texts(row, ORG_FIELDS[org_type]):
            return None
        return OrgRecord(row.get("sourcedId"), row.get("name"), org_type, status == TO_BE_DELETED, row.line)

    return _run(package, roster, "orgs", build)


def _check_sessions(package: Package, roster: Roster) -> list[SessionRecord]:
    def build(checker: RowChecker, row: Row, status: str | None):
        checker.vocabulary(row, "type", SESSION_TYPES)
        if not checker.texts(row, SESSION_FIELDS):
            return None
        start, end = checker.date(row, "startDate"), checker.date(row, "endDate")
        year = row.get("schoolYear")
        if year and not re.fullmatch(r"\d{4}", year):
            checker.error(row, _("schoolYear “%(value)s” is not a four-digit year.") % {"value": year})
            return None
        if start and end and end < start:
            checker.error(row, _("endDate %(end)s is before startDate %(start)s.") % {"end": end, "start": start})
            return None
        if not (start and end):
            return None
        return SessionRecord(row.get("sourcedId"), row.get("title"), start, end, status == TO_BE_DELETED, row.line)

    return _run(package, roster, "academicSessions", build)


def _check_courses(package: Package, roster: Roster) -> dict[str, str]:
    def build(checker: RowChecker, row: Row, status: str | None):
        return (row.get("sourcedId"), row.get("title")) if checker.texts(row, COURSE_FIELDS) else None

    return dict(_run(package, roster, "courses", build))


def _check_classes(package: Package, roster: Roster) -> list[ClassRecord]:
    orgs = {org.sourced_id: org for org in roster.orgs}
    sessions = {session.sourced_id for session in roster.sessions}
    in_file = {name: package.mode(name) == "bulk" for name in ("orgs", "academicSessions", "courses")}

    def build(checker: RowChecker, row: Row, status: str | None):
        raw_type = row.get("classType")
        if checker.vocabulary(row, "classType", CLASS_TYPES) and raw_type != raw_type.lower():
            checker.warn(row, _("classType “%(value)s” should be lower case; read as %(lower)s.")
                         % {"value": raw_type, "lower": raw_type.lower()})
        school_id = row.get("schoolSourcedId")
        org = orgs.get(school_id)
        if org is not None and org.type != "school":
            # Translators: type is the org's OneRoster type, as the file writes it (department, local, state…).
            checker.error(row, _("schoolSourcedId “%(id)s” names a %(type)s, not a school.")
                          % {"id": school_id, "type": org.type})
            return None
        if org is None and in_file["orgs"] and school_id:
            checker.error(row, _("schoolSourcedId “%(id)s” is not in orgs.csv.") % {"id": school_id})
            return None
        course_id = row.get("courseSourcedId")
        if in_file["courses"] and course_id and course_id not in roster.courses:
            checker.error(row, _("courseSourcedId “%(id)s” is not in courses.csv.") % {"id": course_id})
            return None
        terms = split_list(row.get("termSourcedIds"))
        missing = [term for term in terms if in_file["academicSessions"] and term not in sessions]
        if missing:
            checker.error(row, _("termSourcedIds names sessions that are not in academicSessions.csv: %(ids)s.")
                          % {"ids": ", ".join(missing)})
            return None
        if len(terms) > 1:
            # Translators: count is 2 or more.
            checker.warn(row, _("The class runs in %(count)d sessions; Waypoint files it under the first, %(first)s.")
                         % {"count": len(terms), "first": terms[0]})
        subject, period = (split_list(row.get(column))[:1] or [""] for column in ("subjects", "periods"))
        if not checker.texts(row, CLASS_FIELDS, {"subjects": subject[0], "periods": period[0]}):
            return None
        if not (status and terms and school_id):
            return None
        return ClassRecord(
            row.get("sourcedId"), row.get("title"), subject[0] or roster.courses.get(course_id, ""),
            period[0], school_id, terms[0], status == TO_BE_DELETED, row.line,
        )

    return _run(package, roster, "classes", build)


def _check_users(package: Package, roster: Roster) -> list[UserRecord]:
    roles = _roles_from_roles_file(package, roster) if package.version == "1.2" else {}

    def build(checker: RowChecker, row: Row, status: str | None):
        enabled = checker.boolean(row, "enabledUser") if row.get("enabledUser") else None
        if enabled is not None and row.get("enabledUser") not in {"true", "false"}:
            checker.warn(row, _("enabledUser “%(value)s” should be lower case.") % {"value": row.get("enabledUser")})
        email = row.get("email").lower()
        if email and not EMAIL.match(email):
            checker.error(row, _("email “%(value)s” is not an email address.") % {"value": email})
            return None
        sourced_id = row.get("sourcedId")
        if package.version == "1.1":
            role = checker.vocabulary(row, "role", USER_ROLES_11)
            org_ids = split_list(row.get("orgSourcedIds"))
        else:
            role, org_ids = roles.get(sourced_id, (None, []))
            if role is None and status == TO_BE_DELETED:
                role = ""  # a deletion needs no role
            if role is None and status == ACTIVE and package.mode("roles") != "absent":
                checker.error(row, _("No active role for this user in roles.csv."))
                return None
        if role is None or (enabled is None and status != TO_BE_DELETED):
            return None
        kept = STUDENT_FIELDS if role == "student" else PERSON_FIELDS if role in PERSON_ROLES else {}
        if not checker.texts(row, kept, {"grades": (split_list(row.get("grades"))[:1] or [""])[0], "email": email}):
            return None
        return UserRecord(
            sourced_id=sourced_id, role=role, given_name=row.get("givenName"), family_name=row.get("familyName"),
            preferred_name=row.get("preferredGivenName"), email=email, identifier=row.get("identifier"),
            grade=split_list(row.get("grades"))[0] if row.get("grades") else "", org_ids=org_ids,
            agent_ids=split_list(row.get("agentSourcedIds")), active=bool(enabled), deleted=status == TO_BE_DELETED,
            line=row.line,
        )

    users = _run(package, roster, "users", build)
    _check_agents(users, roster)
    return users


def _roles_from_roles_file(package: Package, roster: Roster) -> dict[str, tuple[str, list[str]]]:
    """1.2: a user's role is their primary roles.csv row; their orgs are every active row's org."""
    found: dict[str, tuple[str, list[str]]] = {}
    user_ids = {row.get("sourcedId") for row in package.rows.get("users", [])}

    def build(checker: RowChecker, row: Row, status: str | None):
        role = checker.vocabulary(row, "role", USER_ROLES_12)
        role_type = checker.vocabulary(row, "roleType", {"primary", "secondary"})
        user_id = row.get("userSourcedId")
        if user_id and package.mode("users") == "bulk" and user_id not in user_ids:
            checker.error(row, _("userSourcedId “%(id)s” is not in users.csv.") % {"id": user_id})
            return None
        if status != ACTIVE or role is None or role_type is None:
            return None
        current_role, orgs = found.get(user_id, (None, []))
        if role_type == "primary" or current_role is None:
            current_role = role
        found[user_id] = (current_role, orgs + [row.get("orgSourcedId")])
        return role

    _run(package, roster, "roles", build)
    return found


def _check_agents(users: list[UserRecord], roster: Roster) -> None:
    """Guardian links come from either side, but only between a student and a parent/guardian/relative."""
    by_id = {user.sourced_id: user for user in users}
    for user in users:
        for agent_id in user.agent_ids:
            agent = by_id.get(agent_id)
            if agent is None:
                continue  # may be in the database already (delta); the loader resolves it
            pair = {user.role in GUARDIAN_ROLES, agent.role in GUARDIAN_ROLES}
            if pair != {True, False} or "student" not in {user.role, agent.role}:
                message = _("agentSourcedIds link to “%(id)s” is not between a student and a parent; ignored.")
                roster.problems.append(Problem("users.csv", user.line, message % {"id": agent_id}, is_error=False))


def _check_enrollments(package: Package, roster: Roster) -> list[EnrollmentRecord]:
    classes = {record.sourced_id for record in roster.classes}
    users = {user.sourced_id: user for user in roster.users}
    class_lines = {row.get("sourcedId"): row.line for row in package.rows.get("classes", [])}
    user_lines = {row.get("sourcedId"): row.line for row in package.rows.get("users", [])}
    bulk_classes, bulk_users = package.mode("classes") == "bulk", package.mode("users") == "bulk"

    def build(checker: RowChecker, row: Row, status: str | None):
        role = checker.vocabulary(row, "role", ENROLLMENT_ROLES)
        class_id, user_id = row.get("classSourcedId"), row.get("userSourcedId")
        for value, found, lines, bulk, label, file in (
            (class_id, classes, class_lines, bulk_classes, "classSourcedId", "classes.csv"),
            (user_id, users, user_lines, bulk_users, "userSourcedId", "users.csv"),
        ):
            if value and value not in found and value in lines:
                checker.error(row, _("%(column)s “%(id)s” names the row on %(file)s line %(line)d, which was refused.")
                              % {"column": label, "id": value, "file": file, "line": lines[value]})
                return None
            if value and value not in found and bulk:
                checker.error(row, _("%(column)s “%(id)s” is not in %(file)s.")
                              % {"column": label, "id": value, "file": file})
                return None
        user = users.get(user_id)
        if user is not None and role == "student" and user.role != "student":
            checker.error(row, _("The user “%(id)s” is enrolled as a student but their role is %(role)s.")
                          % {"id": user_id, "role": user.role})
            return None
        if role in {"administrator", "proctor"}:
            checker.warn(row, _("Enrollments as %(role)s are not imported.") % {"role": role})
            return None
        if role is None or status is None:
            return None
        return EnrollmentRecord(row.get("sourcedId"), class_id, user_id, role, status == TO_BE_DELETED, row.line)

    return _run(package, roster, "enrollments", build)


def _check_demographics(package: Package, roster: Roster) -> dict[str, date]:
    def build(checker: RowChecker, row: Row, status: str | None):
        born = checker.date(row, "birthDate")
        return (row.get("sourcedId"), born) if born else None

    return dict(_run(package, roster, "demographics", build))


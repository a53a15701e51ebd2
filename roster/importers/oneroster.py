"""Read and check a OneRoster CSV package (1.1 or 1.2, bulk or delta). No database here.

`read_package` turns a folder or a zip into rows keyed by file; `check_package`
validates headers, then rows (required fields, formats, vocabularies, duplicate
sourcedIds, references inside the package) and returns a `Roster` of plain
records plus every problem found, each with its file and line. The loader
(`loader.py`) resolves what the package does not hold against the database and
writes, all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

VERSIONS = {"1.1", "1.2"}
# Files Waypoint reads, in the order they are applied. Gradebook and resource files are ignored.
ROSTER_FILES = ["orgs", "academicSessions", "courses", "classes", "users", "roles", "enrollments", "demographics"]

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
ACTIVE, TO_BE_DELETED = "active", "tobedeleted"

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    is_error: bool = True

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


def read_package(source: str | Path | bytes) -> Package:
    """Read a OneRoster package from a folder, a zip file path or zip bytes."""
    files = _open_files(source)
    package = Package()
    lower = {name.lower(): name for name in files}
    if "manifest.csv" not in lower:
        package.problems.append(Problem("manifest.csv", 0, "The package has no manifest.csv, so it is not a OneRoster file."))
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
            package.problems.append(Problem(wanted, 0, f"The manifest lists {wanted} as {package.mode(name)}, but the file is missing."))
            continue
        if actual != wanted:
            package.problems.append(Problem(actual, 0, f"File name should be {wanted}; read it anyway.", is_error=False))
        _read_csv(package, name, actual, files[actual])
    return package


def _open_files(source: str | Path | bytes) -> dict[str, bytes]:
    if isinstance(source, bytes):
        return _zip_members(zipfile.ZipFile(io.BytesIO(source)))
    path = Path(source)
    if path.is_dir():
        return {child.name: child.read_bytes() for child in path.iterdir() if child.suffix.lower() == ".csv"}
    return _zip_members(zipfile.ZipFile(path))


def _zip_members(archive: zipfile.ZipFile) -> dict[str, bytes]:
    # Files may sit in one top folder of the zip; only the base name matters.
    return {
        Path(info.filename).name: archive.read(info)
        for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".csv") and not Path(info.filename).name.startswith(".")
    }


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_manifest(package: Package, raw: bytes) -> None:
    for line, record in enumerate(csv.reader(io.StringIO(_decode(raw), newline="")), start=1):
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
                    package.problems.append(Problem("manifest.csv", line, f"{key} is “{value}”; read as absent.", is_error=False))
                mode = "absent"
            package.modes[name] = mode
    if package.version not in VERSIONS:
        package.problems.append(
            Problem("manifest.csv", 0, f"OneRoster version “{package.version or 'missing'}” is not supported (use 1.1 or 1.2).")
        )


def _read_csv(package: Package, name: str, file_name: str, raw: bytes) -> None:
    reader = csv.reader(io.StringIO(_decode(raw), newline=""))
    header = [cell.strip() for cell in next(reader, [])]
    key = _column_key(name, package.version)
    known = set(COLUMNS[key])
    for column in header:
        if column and column not in known and not column.startswith(("metadata.", "ext_")):
            package.problems.append(Problem(file_name, 1, f"Unknown column “{column}” was ignored.", is_error=False))
    missing = [column for column in REQUIRED[key] if column not in header]
    if missing:
        package.problems.append(Problem(file_name, 1, f"Required column missing: {', '.join(missing)}."))
    package.headers[name] = header
    rows = []
    for line, record in enumerate(reader, start=2):
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
        self.seen: dict[str, int] = {}
        self.problems: list[Problem] = []

    def error(self, row: Row, message: str) -> None:
        self.problems.append(Problem(self.name, row.line, message))

    def warn(self, row: Row, message: str) -> None:
        self.problems.append(Problem(self.name, row.line, message, is_error=False))

    def common(self, row: Row) -> str | None:
        """Check the shared columns; answer the status ("active"/"tobedeleted") or None if the row is bad."""
        ok = True
        sourced_id = row.get("sourcedId")
        if sourced_id in self.seen:
            self.error(row, f"sourcedId “{sourced_id}” is already used on line {self.seen[sourced_id]}.")
            ok = False
        elif sourced_id:
            self.seen[sourced_id] = row.line
        for column in self.required:
            if not row.get(column):
                self.error(row, f"{column} is empty; it is required.")
                ok = False
        status = self.status(row)
        modified = row.get("dateLastModified")
        if modified and not (ISO_DATETIME.match(modified) or ISO_DATE.match(modified)):
            self.error(row, f"dateLastModified “{modified}” is not a date in the form 2023-05-01T18:25:43.511Z.")
            ok = False
        elif self.delta and not modified:
            self.error(row, "dateLastModified is empty; a delta file needs it on every row.")
            ok = False
        return status if ok and status else None

    def status(self, row: Row) -> str | None:
        raw = row.get("status")
        value = raw.lower()
        if value == "inactive":
            self.warn(row, "status “inactive” is not a OneRoster value; read as tobedeleted.")
            return TO_BE_DELETED
        if value in {ACTIVE, TO_BE_DELETED}:
            return value
        if not value:
            if self.delta:
                self.error(row, "status is empty; a delta file needs active or tobedeleted.")
                return None
            return ACTIVE
        self.error(row, f"status “{raw}” is not active or tobedeleted.")
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
        self.error(row, f"{column} “{raw}” is not a date in the form YYYY-MM-DD.")
        return None

    def vocabulary(self, row: Row, column: str, allowed: set[str]) -> str | None:
        raw = row.get(column)
        if not raw:
            return None
        value = raw.lower()
        if value not in allowed and not value.startswith("ext:"):
            self.error(row, f"{column} “{raw}” is not a known value ({', '.join(sorted(allowed))}).")
            return None
        return value

    def boolean(self, row: Row, column: str) -> bool | None:
        raw = row.get(column)
        if raw.lower() not in {"true", "false"}:
            self.error(row, f"{column} “{raw}” must be true or false.")
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
            checker.warn(row, f"Organisation type “{org_type}” is not imported; only districts and schools are.")
        return OrgRecord(row.get("sourcedId"), row.get("name"), org_type, status == TO_BE_DELETED, row.line)

    return _run(package, roster, "orgs", build)


def _check_sessions(package: Package, roster: Roster) -> list[SessionRecord]:
    def build(checker: RowChecker, row: Row, status: str | None):
        checker.vocabulary(row, "type", SESSION_TYPES)
        start, end = checker.date(row, "startDate"), checker.date(row, "endDate")
        year = row.get("schoolYear")
        if year and not re.fullmatch(r"\d{4}", year):
            checker.error(row, f"schoolYear “{year}” is not a four-digit year.")
            return None
        if start and end and end < start:
            checker.error(row, f"endDate {end} is before startDate {start}.")
            return None
        if not (start and end):
            return None
        return SessionRecord(row.get("sourcedId"), row.get("title"), start, end, status == TO_BE_DELETED, row.line)

    return _run(package, roster, "academicSessions", build)


def _check_courses(package: Package, roster: Roster) -> dict[str, str]:
    records = _run(package, roster, "courses", lambda checker, row, status: (row.get("sourcedId"), row.get("title")))
    return dict(records)


def _check_classes(package: Package, roster: Roster) -> list[ClassRecord]:
    orgs = {org.sourced_id: org for org in roster.orgs}
    sessions = {session.sourced_id for session in roster.sessions}
    in_file = {name: package.mode(name) == "bulk" for name in ("orgs", "academicSessions", "courses")}

    def build(checker: RowChecker, row: Row, status: str | None):
        raw_type = row.get("classType")
        if checker.vocabulary(row, "classType", CLASS_TYPES) and raw_type != raw_type.lower():
            checker.warn(row, f"classType “{raw_type}” should be lower case; read as {raw_type.lower()}.")
        school_id = row.get("schoolSourcedId")
        org = orgs.get(school_id)
        if org is not None and org.type != "school":
            checker.error(row, f"schoolSourcedId “{school_id}” names a {org.type}, not a school.")
            return None
        if org is None and in_file["orgs"] and school_id:
            checker.error(row, f"schoolSourcedId “{school_id}” is not in orgs.csv.")
            return None
        course_id = row.get("courseSourcedId")
        if in_file["courses"] and course_id and course_id not in roster.courses:
            checker.error(row, f"courseSourcedId “{course_id}” is not in courses.csv.")
            return None
        terms = split_list(row.get("termSourcedIds"))
        missing = [term for term in terms if in_file["academicSessions"] and term not in sessions]
        if missing:
            checker.error(row, f"termSourcedIds names sessions that are not in academicSessions.csv: {', '.join(missing)}.")
            return None
        if len(terms) > 1:
            checker.warn(row, f"The class runs in {len(terms)} sessions; Waypoint files it under the first, {terms[0]}.")
        if not (status and terms and school_id):
            return None
        subject = split_list(row.get("subjects"))
        return ClassRecord(
            row.get("sourcedId"), row.get("title"), subject[0] if subject else roster.courses.get(course_id, ""),
            split_list(row.get("periods"))[0] if row.get("periods") else "", school_id, terms[0], status == TO_BE_DELETED, row.line,
        )

    return _run(package, roster, "classes", build)


def _check_users(package: Package, roster: Roster) -> list[UserRecord]:
    roles = _roles_from_roles_file(package, roster) if package.version == "1.2" else {}

    def build(checker: RowChecker, row: Row, status: str | None):
        enabled = checker.boolean(row, "enabledUser") if row.get("enabledUser") else None
        if enabled is not None and row.get("enabledUser") not in {"true", "false"}:
            checker.warn(row, f"enabledUser “{row.get('enabledUser')}” should be lower case.")
        email = row.get("email").lower()
        if email and not EMAIL.match(email):
            checker.error(row, f"email “{email}” is not an email address.")
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
                checker.error(row, "No active role for this user in roles.csv.")
                return None
        if role is None or (enabled is None and status != TO_BE_DELETED):
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
            checker.error(row, f"userSourcedId “{user_id}” is not in users.csv.")
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
                roster.problems.append(
                    Problem("users.csv", user.line, f"agentSourcedIds link to “{agent_id}” is not between a student and a parent; ignored.", is_error=False)
                )


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
                checker.error(row, f"{label} “{value}” names the row on {file} line {lines[value]}, which was refused.")
                return None
            if value and value not in found and bulk:
                checker.error(row, f"{label} “{value}” is not in {file}.")
                return None
        user = users.get(user_id)
        if user is not None and role == "student" and user.role != "student":
            checker.error(row, f"The user “{user_id}” is enrolled as a student but their role is {user.role}.")
            return None
        if role in {"administrator", "proctor"}:
            checker.warn(row, f"Enrollments as {role} are not imported.")
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


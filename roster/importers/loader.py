"""Write a checked OneRoster `Roster` into one district, all or nothing.

Order: district and schools, terms, classes, users (students, staff, guardians),
guardian links, enrollments, then (bulk files only) deactivation of what the
file no longer names. Rows are matched by sourcedId so a second import updates
in place and changes nothing when nothing changed. Writes are batched
(bulk_create / bulk_update, with history where the model keeps history).
A row that cannot be resolved against the database adds an error; the caller
rolls the transaction back when any error exists.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User

from ..models import (
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
from .oneroster import GUARDIAN_ROLES, Problem, Roster, UserRecord

BATCH = 2000
CHUNK = 900  # SQLite allows 999 variables per statement

STAFF_ROLES = {
    "teacher": (User.Role.TEACHER, StaffAssignment.Role.TEACHER),
    "aide": (User.Role.TEACHER, StaffAssignment.Role.TEACHER),
    "counselor": (User.Role.SISP, StaffAssignment.Role.SISP),
    "principal": (User.Role.SCHOOL_LEADER, StaffAssignment.Role.SCHOOL_LEADER),
    "siteadministrator": (User.Role.SCHOOL_LEADER, StaffAssignment.Role.SCHOOL_LEADER),
    "administrator": (User.Role.SCHOOL_LEADER, StaffAssignment.Role.SCHOOL_LEADER),
}
# Accounts with district-wide powers are granted by hand, never by a file.
NOT_IMPORTED_ROLES = {"districtadministrator", "systemadministrator", "proctor"}


@dataclass
class Loader:
    roster: Roster
    district: District | None
    progress: Callable[[str, int], None] = lambda phase, done: None
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    problems: list[Problem] = field(default_factory=list)
    schools: dict[str, School] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    students: dict[str, Student] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)  # staff and guardians by sourcedId

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message, is_error=False))

    def run(self) -> None:
        steps = [
            ("organisations", self.load_orgs), ("sessions", self.load_terms), ("classes", self.load_sections),
            ("users", self.load_users), ("guardians", self.load_guardianships), ("enrollments", self.load_enrollments),
        ]
        for phase, step in steps:
            self.progress(phase, 0)
            step()
            if phase == "organisations" and self.district is None:
                return
        if self.roster.is_bulk("users"):
            self.deactivate_missing_users()

    # --- organisations --------------------------------------------------------

    def load_orgs(self) -> None:
        district_orgs = [org for org in self.roster.orgs if org.type == "district" and not org.deleted]
        self._resolve_district(district_orgs)
        if self.district is None:
            return
        school_orgs = [org for org in self.roster.orgs if org.type == "school"]
        existing = {school.sourced_id: school for school in _chunked(School.objects.all(), "sourced_id", [o.sourced_id for o in school_orgs])}
        for org in school_orgs:
            school = existing.get(org.sourced_id)
            if school is not None and school.district_id != self.district.pk:
                message = _("School “%(id)s” belongs to another district.") % {"id": org.sourced_id}
                self.error("orgs.csv", org.line, message)
                continue
            if org.deleted:
                if school is not None:
                    message = _("School “%(name)s” is marked tobedeleted; schools are kept, with their records.")
                    self.warn("orgs.csv", org.line, message % {"name": org.name})
                    self.schools[org.sourced_id] = school
                continue
            if school is None:
                school = School.objects.create(district=self.district, name=org.name, sourced_id=org.sourced_id)
                self.counts["schools"]["created"] += 1
            elif school.name != org.name:
                school.name = org.name
                school.save(update_fields=["name"])
                self.counts["schools"]["updated"] += 1
            else:
                self.counts["schools"]["unchanged"] += 1
            self.schools[org.sourced_id] = school

    def _resolve_district(self, district_orgs) -> None:
        if len(district_orgs) > 1:
            message = _("The file names more than one district; import one district at a time.")
            self.error("orgs.csv", district_orgs[1].line, message)
            return
        org = district_orgs[0] if district_orgs else None
        if self.district is None:
            if org is None:
                self.error("orgs.csv", 0, _("The file names no district, and no district was chosen for it."))
                return
            self.district, created = District.objects.get_or_create(sourced_id=org.sourced_id, defaults={"name": org.name})
            self.counts["districts"]["created" if created else "unchanged"] += 1
            return
        if org is None:
            return
        if self.district.sourced_id and self.district.sourced_id != org.sourced_id:
            message = _("This file is for the district “%(id)s”, not for %(district)s.")
            self.error("orgs.csv", org.line, message % {"id": org.sourced_id, "district": self.district.name})
        elif not self.district.sourced_id:
            self.district.sourced_id = org.sourced_id
            self.district.save(update_fields=["sourced_id"])

    def school(self, sourced_id: str) -> School | None:
        if sourced_id not in self.schools:
            found = School.objects.filter(district=self.district, sourced_id=sourced_id).first()
            if found is not None:
                self.schools[sourced_id] = found
        return self.schools.get(sourced_id)

    # --- sessions and classes --------------------------------------------------

    def load_terms(self) -> None:
        records = [record for record in self.roster.sessions if not record.deleted]
        existing = {t.sourced_id: t for t in _chunked(Term.objects.all(), "sourced_id", [r.sourced_id for r in records])}
        new, changed = [], []
        for record in records:
            term = existing.get(record.sourced_id)
            values = {"name": record.title[:100], "start_date": record.start_date, "end_date": record.end_date}
            if term is not None and term.district_id != self.district.pk:
                message = _("Session “%(id)s” belongs to another district.") % {"id": record.sourced_id}
                self.error("academicSessions.csv", record.line, message)
                continue
            if term is None:
                term = Term(district=self.district, sourced_id=record.sourced_id, **values)
                new.append(term)
            elif _assign(term, values):
                changed.append(term)
            self.terms[record.sourced_id] = term
        Term.objects.bulk_create(new, batch_size=BATCH)
        Term.objects.bulk_update(changed, ["name", "start_date", "end_date"], batch_size=BATCH)
        self._count("terms", len(records), new, changed)

    def load_sections(self) -> None:
        records = self.roster.classes
        self._preload_terms({record.term_id for record in records} - set(self.terms))
        existing = {s.sourced_id: s for s in _chunked(Section.objects.select_related("school"), "sourced_id", [r.sourced_id for r in records])}
        new, changed, emptied = [], [], []
        for record in records:
            section = existing.get(record.sourced_id)
            if section is not None and section.school.district_id != self.district.pk:
                message = _("Class “%(id)s” belongs to another district.") % {"id": record.sourced_id}
                self.error("classes.csv", record.line, message)
                continue
            if record.deleted:
                if section is not None:
                    emptied.append(section.pk)
                continue
            school, term = self.school(record.school_id), self.terms.get(record.term_id)
            if school is None:
                message = _("The class names a school, “%(id)s”, that is neither in the file nor in Waypoint.")
                self.error("classes.csv", record.line, message % {"id": record.school_id})
                continue
            if term is None:
                message = _("The class names a session, “%(id)s”, that is neither in the file nor in Waypoint.")
                self.error("classes.csv", record.line, message % {"id": record.term_id})
                continue
            values = {"school": school, "term": term, "name": record.title[:200], "subject": record.subject[:100], "period": record.period[:20]}
            if section is None:
                section = Section(sourced_id=record.sourced_id, **values)
                new.append(section)
            elif _assign(section, values):
                changed.append(section)
            self.sections[record.sourced_id] = section
        Section.objects.bulk_create(new, batch_size=BATCH)
        Section.objects.bulk_update(changed, ["school", "term", "name", "subject", "period"], batch_size=BATCH)
        self._count("sections", len(records) - len(emptied), new, changed)
        self._empty_sections(emptied)

    def _empty_sections(self, section_ids: list[int]) -> None:
        """A class marked tobedeleted loses its roster; the class row stays for the records that point at it."""
        if not section_ids:
            return
        Enrollment.objects.filter(section_id__in=section_ids).delete()
        TeachingEnrollment.objects.filter(section_id__in=section_ids).delete()
        Section.teachers.through.objects.filter(section_id__in=section_ids).delete()
        self.counts["sections"]["emptied"] += len(section_ids)

    def _preload_terms(self, sourced_ids: set[str]) -> None:
        for term in _chunked(Term.objects.filter(district=self.district), "sourced_id", list(sourced_ids)):
            self.terms[term.sourced_id] = term

    # --- users ---------------------------------------------------------------

    def load_users(self) -> None:
        students = [u for u in self.roster.users if u.role == "student"]
        people = [u for u in self.roster.users if u.role in GUARDIAN_ROLES or u.role in STAFF_ROLES]
        for user in self.roster.users:
            if user.role in NOT_IMPORTED_ROLES:
                message = _("Accounts with the role %(role)s are not imported; add them by hand.") % {"role": user.role}
                self.warn("users.csv", user.line, message)
        self.deactivate_named([u.sourced_id for u in self.roster.users if u.deleted and not u.role])
        self.load_students(students)
        self.progress("users", len(students))
        self.load_people(people)

    def load_students(self, records: list[UserRecord]) -> None:
        existing = {s.sourced_id: s for s in _chunked(Student.objects.select_related("school"), "sourced_id", [r.sourced_id for r in records])}
        new, changed = [], []
        for record in records:
            student = existing.get(record.sourced_id)
            if student is not None and student.school.district_id != self.district.pk:
                message = _("Student “%(id)s” belongs to another district.") % {"id": record.sourced_id}
                self.error("users.csv", record.line, message)
                continue
            school = next((s for s in map(self.school, record.org_ids) if s is not None), None)
            if school is None and student is None and not record.deleted:
                message = _("The student's organisation is not a school in the file or in Waypoint.")
                self.error("users.csv", record.line, message)
                continue
            values = {
                "first_name": record.given_name[:100], "last_name": record.family_name[:100],
                "preferred_name": record.preferred_name[:100], "grade_level": record.grade[:10],
                "student_number": record.identifier[:50], "is_active": record.active and not record.deleted,
            }
            if school is not None:
                values["school"] = school
            if record.sourced_id in self.roster.birth_dates:
                values["date_of_birth"] = self.roster.birth_dates[record.sourced_id]
            if student is None:
                if record.deleted:
                    continue
                student = Student(sourced_id=record.sourced_id, **values)
                new.append(student)
            elif _assign(student, values):
                changed.append(student)
            self.students[record.sourced_id] = student
        if new:
            bulk_create_with_history(new, Student, batch_size=BATCH)
            # bulk_create does not return ids on every database; fetch them back by sourcedId.
            ids = dict(_chunked(Student.objects.all(), "sourced_id", [s.sourced_id for s in new], values=("sourced_id", "pk")))
            for student in new:
                student.pk = ids[student.sourced_id]
        if changed:
            fields = ["first_name", "last_name", "preferred_name", "grade_level", "student_number", "is_active", "school", "date_of_birth"]
            bulk_update_with_history(changed, Student, fields, batch_size=BATCH)
            self._close_accounts_of([s for s in changed if not s.is_active])
        self._count("students", len(records), new, changed)
        self.counts["students"]["deactivated"] += sum(1 for s in changed if not s.is_active)

    def load_people(self, records: list[UserRecord]) -> None:
        ids = {i.sourced_id: i.user for i in _chunked(
            RosterIdentity.objects.filter(district=self.district).select_related("user"), "sourced_id", [r.sourced_id for r in records])}
        by_email = {u.email: u for u in _chunked(User.objects.all(), "email", [r.email for r in records if r.email and r.sourced_id not in ids])}
        claimed = {user.pk for user in ids.values()}
        new_users, new_ids, changed = [], [], []
        for record in records:
            user = ids.get(record.sourced_id)
            if user is None and record.deleted:
                continue
            if user is None and not record.email:
                self.warn("users.csv", record.line, _("No email address, so no account can be made; skipped."))
                continue
            if user is None:
                user = by_email.get(record.email)
                if user is not None and (user.pk in claimed or user.role == User.Role.STUDENT):
                    message = _("The email %(email)s already belongs to another person in Waypoint.")
                    self.error("users.csv", record.line, message % {"email": record.email})
                    continue
                if user is not None:
                    claimed.add(user.pk)
                    new_ids.append(RosterIdentity(district=self.district, user=user, sourced_id=record.sourced_id))
            values = {"first_name": record.given_name[:150], "last_name": record.family_name[:150],
                      "is_active": record.active and not record.deleted}
            if record.email:
                values["email"] = record.email
            if user is None:
                role = User.Role.GUARDIAN if record.role in GUARDIAN_ROLES else STAFF_ROLES[record.role][0]
                user = User(role=role, password=make_password(None), **values)
                new_users.append((user, record))
            elif _assign(user, values):
                changed.append(user)
            self.people[record.sourced_id] = user
        self._save_people(new_users, new_ids, changed, len(records))
        self.load_staff_assignments([r for r in records if r.role in STAFF_ROLES and r.sourced_id in self.people])

    def _save_people(self, new_users, new_ids, changed, total) -> None:
        users = [user for user, _ in new_users]
        User.objects.bulk_create(users, batch_size=BATCH)
        emails = dict(_chunked(User.objects.all(), "email", [u.email for u in users], values=("email", "pk")))
        for user, record in new_users:
            user.pk = emails[user.email]
            new_ids.append(RosterIdentity(district=self.district, user=user, sourced_id=record.sourced_id))
        RosterIdentity.objects.bulk_create(new_ids, batch_size=BATCH)
        User.objects.bulk_update(changed, ["first_name", "last_name", "email", "is_active"], batch_size=BATCH)
        self._count("people", total, users, changed)
        self.counts["people"]["deactivated"] += sum(1 for u in changed if not u.is_active)

    def load_staff_assignments(self, records: list[UserRecord]) -> None:
        wanted = set()
        for record in records:
            for school in filter(None, map(self.school, record.org_ids)):
                wanted.add((self.people[record.sourced_id].pk, school.pk, STAFF_ROLES[record.role][1]))
        have = set(StaffAssignment.objects.filter(district=self.district, school__isnull=False).values_list("user_id", "school_id", "role"))
        new = [StaffAssignment(user_id=u, school_id=s, role=r, district=self.district) for u, s, r in sorted(wanted - have)]
        bulk_create_with_history(new, StaffAssignment, batch_size=BATCH)
        self.counts["staff assignments"]["created"] += len(new)

    # --- guardian links --------------------------------------------------------

    def load_guardianships(self) -> None:
        """Links come from either side of agentSourcedIds; only student <-> parent/guardian/relative pairs count."""
        roles = {u.sourced_id: u.role for u in self.roster.users}
        pairs: dict[tuple[str, str], str] = {}
        for user in self.roster.users:
            for agent in user.agent_ids:
                other = roles.get(agent)
                if user.role == "student" and (other in GUARDIAN_ROLES or (other is None and self._guardian(agent))):
                    pairs[(agent, user.sourced_id)] = other or "parent"
                elif user.role in GUARDIAN_ROLES and (other == "student" or (other is None and self._student(agent))):
                    pairs[(user.sourced_id, agent)] = user.role
        resolved = {}
        for (guardian_id, student_id), relation in pairs.items():
            guardian, student = self._guardian(guardian_id), self._student(student_id)
            if guardian is not None and student is not None and guardian.pk and student.pk:
                resolved[(guardian.pk, student.pk)] = relation
        self._write_guardianships(resolved)

    def _guardian(self, sourced_id: str) -> User | None:
        if sourced_id not in self.people:
            identity = RosterIdentity.objects.filter(district=self.district, sourced_id=sourced_id).select_related("user").first()
            if identity is not None and identity.user.role == User.Role.GUARDIAN:
                self.people[sourced_id] = identity.user
        user = self.people.get(sourced_id)
        return user if user is not None and user.role == User.Role.GUARDIAN else None

    def _student(self, sourced_id: str) -> Student | None:
        if sourced_id not in self.students:
            found = Student.objects.filter(sourced_id=sourced_id, school__district=self.district).first()
            if found is not None:
                self.students[sourced_id] = found
        return self.students.get(sourced_id)

    def _write_guardianships(self, resolved: dict[tuple[int, int], str]) -> None:
        student_ids = sorted({student for _, student in resolved} | {s.pk for s in self.students.values() if s.pk})
        existing = {(g.guardian_id, g.student_id): g for g in _chunked(Guardianship.objects.all(), "student_id", student_ids)}
        new, changed = [], []
        for (guardian_id, student_id), relation in resolved.items():
            link = existing.get((guardian_id, student_id))
            relationship = relation if relation in Guardianship.Relationship.values else Guardianship.Relationship.OTHER
            if link is None:
                new.append(Guardianship(guardian_id=guardian_id, student_id=student_id, relationship=relationship))
            elif not link.is_active:
                link.is_active = True
                changed.append(link)
        if self.roster.is_bulk("users"):
            # A bulk file is the whole truth for the students it names: links it no longer has end.
            named = {s.pk for s in self.students.values() if s.pk}
            for key, link in existing.items():
                if key not in resolved and link.student_id in named and link.is_active and self._imported_guardian(link.guardian_id):
                    link.is_active = False
                    changed.append(link)
        bulk_create_with_history(new, Guardianship, batch_size=BATCH)
        bulk_update_with_history(changed, Guardianship, ["is_active"], batch_size=BATCH)
        self.counts["guardian links"]["created"] += len(new)
        self.counts["guardian links"]["updated"] += len(changed)
        self.counts["guardian links"]["unchanged"] += len(resolved) - len(new) - sum(1 for c in changed if c.is_active)

    def _imported_guardian(self, user_id: int) -> bool:
        if not hasattr(self, "_imported_user_ids"):
            self._imported_user_ids = set(RosterIdentity.objects.filter(district=self.district).values_list("user_id", flat=True))
        return user_id in self._imported_user_ids

    # --- enrollments ------------------------------------------------------------

    def load_enrollments(self) -> None:
        records = self.roster.enrollments
        self._preload_sections({r.class_id for r in records} - set(self.sections))
        student_records = [r for r in records if r.role == "student"]
        teacher_records = [r for r in records if r.role == "teacher"]
        self._load_student_enrollments(student_records)
        self.progress("enrollments", len(student_records))
        self._load_teaching(teacher_records)

    def _preload_sections(self, sourced_ids: set[str]) -> None:
        for section in _chunked(Section.objects.filter(school__district=self.district), "sourced_id", list(sourced_ids)):
            self.sections[section.sourced_id] = section

    def _load_student_enrollments(self, records) -> None:
        existing = {e.sourced_id: e for e in _chunked(Enrollment.objects.all(), "sourced_id", [r.sourced_id for r in records])}
        section_ids = sorted({s.pk for s in self.sections.values() if s.pk})
        pairs = set(_chunked(Enrollment.objects.all(), "section_id", section_ids, values=("student_id", "section_id")))
        new, changed, removed = [], [], []
        for record in records:
            enrollment = existing.get(record.sourced_id)
            if record.deleted:
                if enrollment is not None:
                    removed.append(enrollment.pk)
                continue
            student, section = self._student(record.user_id), self.sections.get(record.class_id)
            if student is None or section is None or not student.pk:
                message = (_("The enrollment names a student that is neither in the file nor in Waypoint.")
                           if student is None else
                           _("The enrollment names a class that is neither in the file nor in Waypoint."))
                self.error("enrollments.csv", record.line, message)
                continue
            if enrollment is None:
                if (student.pk, section.pk) in pairs:
                    continue  # already enrolled (entered by hand); nothing to add
                pairs.add((student.pk, section.pk))
                new.append(Enrollment(student=student, section=section, sourced_id=record.sourced_id))
            elif (enrollment.student_id, enrollment.section_id) != (student.pk, section.pk):
                enrollment.student, enrollment.section = student, section
                changed.append(enrollment)
        if self.roster.is_bulk("enrollments"):
            kept = {r.sourced_id for r in records if not r.deleted}
            named_sections = sorted({s.pk for s in self.sections.values() if s.pk})
            stale = _chunked(Enrollment.objects.exclude(sourced_id=None), "section_id", named_sections, values=("pk", "sourced_id"))
            removed += [pk for pk, sid in stale if sid not in kept]
        for start in range(0, len(removed), CHUNK):
            Enrollment.objects.filter(pk__in=removed[start:start + CHUNK]).delete()
        Enrollment.objects.bulk_create(new, batch_size=BATCH)
        Enrollment.objects.bulk_update(changed, ["student", "section"], batch_size=BATCH)
        self._count("student enrollments", len(records), new, changed)
        self.counts["student enrollments"]["removed"] += len(removed)

    def _load_teaching(self, records) -> None:
        existing = {t.sourced_id: t for t in _chunked(TeachingEnrollment.objects.all(), "sourced_id", [r.sourced_id for r in records])}
        new, removed = [], []
        for record in records:
            teaching = existing.get(record.sourced_id)
            if record.deleted:
                if teaching is not None:
                    removed.append(teaching)
                continue
            teacher, section = self.people.get(record.user_id) or self._person(record.user_id), self.sections.get(record.class_id)
            if teacher is None or section is None:
                message = (_("The enrollment names a teacher that is neither in the file nor in Waypoint.")
                           if teacher is None else
                           _("The enrollment names a class that is neither in the file nor in Waypoint."))
                self.error("enrollments.csv", record.line, message)
                continue
            if teaching is None:
                new.append(TeachingEnrollment(section=section, teacher=teacher, sourced_id=record.sourced_id))
        if self.roster.is_bulk("enrollments"):
            kept = {r.sourced_id for r in records if not r.deleted}
            named = sorted({s.pk for s in self.sections.values() if s.pk})
            removed += [t for t in _chunked(TeachingEnrollment.objects.all(), "section_id", named) if t.sourced_id not in kept]
        TeachingEnrollment.objects.bulk_create(new, batch_size=BATCH)
        through = Section.teachers.through
        have = set(through.objects.filter(section_id__in=[t.section.pk for t in new]).values_list("section_id", "user_id")) if new else set()
        links = {(t.section.pk, t.teacher.pk) for t in new} - have
        through.objects.bulk_create([through(section_id=s, user_id=u) for s, u in sorted(links)], batch_size=BATCH)
        for teaching in removed:
            through.objects.filter(section_id=teaching.section_id, user_id=teaching.teacher_id).delete()
            teaching.delete()
        self.counts["teacher enrollments"]["created"] += len(new)
        self.counts["teacher enrollments"]["unchanged"] += len(records) - len(new) - len(removed)
        self.counts["teacher enrollments"]["removed"] += len(removed)

    def _person(self, sourced_id: str) -> User | None:
        identity = RosterIdentity.objects.filter(district=self.district, sourced_id=sourced_id).select_related("user").first()
        return identity.user if identity is not None else None

    # --- bulk: what the file no longer names ---------------------------------------

    def deactivate_missing_users(self) -> None:
        """Users missing from a bulk users.csv are deactivated, never deleted: their records and history stay.

        Students: only in the schools this file covers (a district may import school by school).
        Staff and guardians: only those an earlier import brought in (they have a RosterIdentity)."""
        named = {u.sourced_id for u in self.roster.users}
        school_ids = [s.pk for s in self.schools.values()]
        students = Student.objects.filter(school_id__in=school_ids, is_active=True).exclude(sourced_id=None)
        gone = [s for s in students.only("pk", "sourced_id", "is_active", "user_id") if s.sourced_id not in named]
        for student in gone:
            student.is_active = False
        bulk_update_with_history(gone, Student, ["is_active"], batch_size=BATCH)
        self._close_accounts_of(gone)
        self.counts["students"]["deactivated"] += len(gone)
        identities = RosterIdentity.objects.filter(district=self.district, user__is_active=True).values_list("sourced_id", "user_id")
        user_ids = [user_id for sourced_id, user_id in identities if sourced_id not in named]
        for start in range(0, len(user_ids), CHUNK):
            User.objects.filter(pk__in=user_ids[start:start + CHUNK]).update(is_active=False)
        self.counts["people"]["deactivated"] += len(user_ids)

    def _close_accounts_of(self, students: list[Student]) -> None:
        """A student whose roster record is turned off can no longer sign in, by password or single sign-on: her own
        account closes with the record (her family's access follows guardianships, never her account). An account is
        reopened by a person in the administration site, never by a later file."""
        ids = [s.user_id for s in students if s.user_id]
        for start in range(0, len(ids), CHUNK):
            self.counts["people"]["deactivated"] += User.objects.filter(pk__in=ids[start:start + CHUNK], is_active=True).update(is_active=False)

    def deactivate_named(self, sourced_ids: list[str]) -> None:
        """Delta rows marked tobedeleted that carry no role (1.2 puts roles in roles.csv)."""
        if not sourced_ids:
            return
        students = [s for s in _chunked(Student.objects.filter(school__district=self.district, is_active=True), "sourced_id", sourced_ids)]
        for student in students:
            student.is_active = False
        bulk_update_with_history(students, Student, ["is_active"], batch_size=BATCH)
        self._close_accounts_of(students)
        user_ids = [i.user_id for i in _chunked(RosterIdentity.objects.filter(district=self.district), "sourced_id", sourced_ids)]
        deactivated = User.objects.filter(pk__in=user_ids, is_active=True).update(is_active=False)
        self.counts["students"]["deactivated"] += len(students)
        self.counts["people"]["deactivated"] += deactivated

    def _count(self, entity: str, total: int, new: list, changed: list) -> None:
        self.counts[entity]["created"] += len(new)
        self.counts[entity]["updated"] += len(changed)
        self.counts[entity]["unchanged"] += max(total - len(new) - len(changed), 0)


def _assign(obj, values: dict) -> bool:
    """Set the values on obj; answer whether anything changed."""
    changed = False
    for name, value in values.items():
        current = getattr(obj, name)
        if current != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _chunked(queryset, field_name: str, keys: Iterable, values: tuple[str, ...] | None = None) -> list:
    keys = [key for key in dict.fromkeys(keys) if key is not None]
    results = []
    for start in range(0, len(keys), CHUNK):
        part = queryset.filter(**{f"{field_name}__in": keys[start:start + CHUNK]})
        results.extend(part.values_list(*values) if values else part)
    return results

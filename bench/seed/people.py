"""The district, its schools, classes and people: staff, students, guardians and their relationships."""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from roster.models import Caseload, District, Enrollment, Guardianship, School, Section, StaffAssignment, Student, Term

from .writer import Writers

BENCH_PASSWORD = "bench-password-not-for-production"
DISTRICT_SOURCED_ID = "bench-district"
SECTION_SIZE = 35
SECTION_STRIDE = 25
IEP_SHARE = 0.15
SECTION_504_SHARE = 0.05
CASELOAD_SIZE = 15

FIRST = ["Maya", "Leo", "Ava", "Noah", "Sofia", "Elijah", "Isabella", "Lucas", "Mia", "Mateo", "Amara", "Ethan", "Zoe",
         "Diego", "Chloe", "Kai", "Nora", "Omar", "Lily", "Jamal", "Grace", "Hiro", "Layla", "Samuel", "Aria", "Tariq"]
LAST = ["Rivera", "Chen", "Johnson", "Okafor", "Nguyen", "Garcia", "Patel", "Smith", "Hernandez", "Kim", "Brown",
        "Lopez", "Williams", "Ali", "Martinez", "Davis", "Singh", "Moore", "Torres", "Jackson"]
CATEGORIES = ["Specific learning disability", "Speech or language impairment", "Other health impairment", "Autism"]


@dataclass
class SchoolPlan:
    pk: int
    students: list[int] = field(default_factory=list)
    sections: list[int] = field(default_factory=list)
    teachers: list[int] = field(default_factory=list)
    case_managers: list[int] = field(default_factory=list)
    leader: int = 0
    sisp: int = 0


@dataclass
class People:
    """What later phases need to know about the people made here (ids only)."""

    district: int
    term_start: date
    schools: list[SchoolPlan]
    director: int
    admin: int
    student_user: dict[int, int] = field(default_factory=dict)  # student id -> user id
    student_school: dict[int, int] = field(default_factory=dict)
    grade: dict[int, int] = field(default_factory=dict)  # student id -> grade level
    plan: dict[int, str] = field(default_factory=dict)
    section_students: dict[int, list[int]] = field(default_factory=dict)
    section_teacher: dict[int, int] = field(default_factory=dict)
    student_sections: dict[int, list[int]] = field(default_factory=dict)
    guardians: dict[int, list[int]] = field(default_factory=dict)  # student id -> guardian user ids
    case_manager: dict[int, int] = field(default_factory=dict)  # IEP student id -> staff user id

    @property
    def iep_students(self) -> list[int]:
        return [s for s, plan in self.plan.items() if plan == Student.Plan.IEP]


def school_count(students: int) -> int:
    return max(1, min(20, students // 500))


def school_year(today: date) -> tuple[date, date]:
    year = today.year if today.month >= 8 else today.year - 1
    return date(year, 8, 15), date(year + 1, 6, 20)


class PeopleSeeder:
    def __init__(self, *, rng: random.Random, writers: Writers, students: int, today: date):
        self.rng, self.w, self.n, self.today = rng, writers, students, today
        self.password = make_password(BENCH_PASSWORD, salt="benchsalt0000000")
        self.now = timezone.now()
        self.term_start, self.term_end = school_year(today)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def user(self, *, email: str, role: str, first: str, last: str, title: str = "") -> int:
        return self.w[User].add(
            email=email, role=role, first_name=first, last_name=last, title=title, password=self.password,
            is_active=True, is_staff=False, is_superuser=False, date_joined=self.now, preferred_language="en",
        )

    def run(self) -> People:
        district = self.w[District].add(name="Bench Unified School District", sourced_id=DISTRICT_SOURCED_ID)
        term = self.w[Term].add(district_id=district, name=f"School year {self.term_start.year}–{self.term_end.year}",
                                start_date=self.term_start, end_date=self.term_end, sourced_id="bench-term")
        director = self.user(email="director@bench.test", role=User.Role.SPED_DIRECTOR, first="Renee", last="Director",
                             title="Director of special education")
        admin = self.user(email="admin@bench.test", role=User.Role.DISTRICT_ADMIN, first="Dana", last="Admin")
        for pk, role in ((director, StaffAssignment.Role.SPED_DIRECTOR), (admin, StaffAssignment.Role.DISTRICT_ADMIN)):
            self.w[StaffAssignment].add(user_id=pk, district_id=district, school_id=None, role=role)
        people = People(district=district, term_start=self.term_start, schools=[], director=director, admin=admin)
        count = school_count(self.n)
        for index in range(count):
            size = self.n // count + (1 if index < self.n % count else 0)
            people.schools.append(self._school(people, district, term, index, size))
        return people

    def _school(self, people: People, district: int, term: int, index: int, size: int) -> SchoolPlan:
        school = SchoolPlan(pk=self.w[School].add(district_id=district, name=f"School {index + 1:02d}", sourced_id=f"bench-school-{index}"))
        for number in range(size):
            self._student(people, school, index, number)
        section_count = max(1, size // SECTION_STRIDE)
        school.teachers = [self._staff(district, school.pk, index, n, User.Role.TEACHER, StaffAssignment.Role.TEACHER)
                           for n in range(math.ceil(section_count / 2))]
        school.leader = self._staff(district, school.pk, index, 0, User.Role.SCHOOL_LEADER, StaffAssignment.Role.SCHOOL_LEADER)
        school.sisp = self._staff(district, school.pk, index, 0, User.Role.SISP, StaffAssignment.Role.SISP)
        for number in range(section_count):
            self._section(people, school, term, index, number)
        self._caseloads(people, school, district, index)
        return school

    def _staff(self, district: int, school: int, school_index: int, number: int, role: str, assignment: str) -> int:
        pk = self.user(email=f"{role.replace('_', '-')}{number}.s{school_index}@bench.test", role=role,
                       first=self.rng.choice(FIRST), last=self.rng.choice(LAST))
        self.w[StaffAssignment].add(user_id=pk, district_id=district, school_id=school, role=assignment)
        return pk

    def _student(self, people: People, school: SchoolPlan, school_index: int, number: int) -> None:
        draw = self.rng.random()
        plan = Student.Plan.IEP if draw < IEP_SHARE else Student.Plan.SECTION_504 if draw < IEP_SHARE + SECTION_504_SHARE else Student.Plan.NONE
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        key = f"s{school_index}n{number}"
        user = self.user(email=f"student.{key}@bench.test", role=User.Role.STUDENT, first=first, last=last)
        pk = self.w[Student].add(
            uuid=self.uuid(), school_id=school.pk, user_id=user, first_name=first, last_name=last, preferred_name="",
            grade_level=str(3 + number % 6), date_of_birth=self.today - timedelta(days=365 * 9 + self.rng.randrange(2000)),
            student_number=f"B{school_index:02d}{number:05d}", plan=plan,
            disability_category=self.rng.choice(CATEGORIES) if plan != Student.Plan.NONE else "",
            sourced_id=f"bench-student-{key}", created_at=self.now, updated_at=self.now,
        )
        school.students.append(pk)
        people.student_user[pk] = user
        people.student_school[pk] = school.pk
        people.grade[pk] = 3 + number % 6
        people.plan[pk] = plan
        people.student_sections[pk] = []
        people.guardians[pk] = []
        # 15,000 guardians for 10,000 students: every child has one, every other child a second.
        for g in range(1 if number % 2 else 2):
            guardian = self.user(email=f"family{g}.{key}@bench.test", role=User.Role.GUARDIAN, first=self.rng.choice(FIRST), last=last)
            self.w[Guardianship].add(guardian_id=guardian, student_id=pk, relationship=Guardianship.Relationship.PARENT,
                                     may_access_records=True, is_active=True)
            people.guardians[pk].append(guardian)

    def _section(self, people: People, school: SchoolPlan, term: int, school_index: int, number: int) -> None:
        subject = "Math" if number % 2 == 0 else "English Language Arts"
        pk = self.w[Section].add(school_id=school.pk, term_id=term, name=f"Grade {3 + number % 6} {subject} {number // 2 + 1}",
                                 subject=subject, period=str(number % 8 + 1), sourced_id=f"bench-section-{school_index}-{number}")
        teacher = school.teachers[number // 2]
        self.w[Section.teachers.through].add(section_id=pk, user_id=teacher)
        school.sections.append(pk)
        people.section_teacher[pk] = teacher
        size = len(school.students)
        members = sorted({school.students[(number * SECTION_STRIDE + k) % size] for k in range(min(SECTION_SIZE, size))})
        people.section_students[pk] = members
        for student in members:
            self.w[Enrollment].add(student_id=student, section_id=pk, sourced_id=f"bench-enr-{pk}-{student}")
            people.student_sections[student].append(pk)

    def _caseloads(self, people: People, school: SchoolPlan, district: int, school_index: int) -> None:
        ieps = [s for s in school.students if people.plan[s] == Student.Plan.IEP]
        managers = math.ceil(len(ieps) / CASELOAD_SIZE)
        school.case_managers = [self._staff(district, school.pk, school_index, n, User.Role.SPECIAL_EDUCATOR,
                                            StaffAssignment.Role.SPECIAL_EDUCATOR) for n in range(managers)]
        for position, student in enumerate(ieps):
            manager = school.case_managers[position // CASELOAD_SIZE]
            self.w[Caseload].add(staff_id=manager, student_id=student, role=Caseload.Role.CASE_MANAGER, service="", is_active=True)
            people.case_manager[student] = manager
            if position % 3 == 0:
                self.w[Caseload].add(staff_id=school.sisp, student_id=student, role=Caseload.Role.SERVICE_PROVIDER,
                                     service="Speech-language therapy", is_active=True)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))

"""The demo district: two schools, about 60 students, and the demo accounts the README lists.

Idempotent: every row is found by a stable key (email or a `demo-` sourced id)
before it is created, so running it twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import Invitation, User

from .models import Caseload, District, Enrollment, Guardianship, School, Section, StaffAssignment, Student, Term

FIRST_NAMES = [
    "Maya", "Leo", "Ava", "Noah", "Sofia", "Elijah", "Isabella", "Lucas", "Mia", "Mateo",
    "Amara", "Ethan", "Zoe", "Diego", "Chloe", "Kai", "Nora", "Omar", "Lily", "Jamal",
    "Grace", "Hiro", "Layla", "Samuel", "Aria", "Tariq", "Elena", "Miles", "Priya", "Caleb",
]
LAST_NAMES = [
    "Rivera", "Chen", "Johnson", "Okafor", "Nguyen", "Garcia", "Patel", "Smith", "Hernandez", "Kim",
    "Brown", "Lopez", "Williams", "Ali", "Martinez", "Davis", "Singh", "Moore", "Torres", "Jackson",
]
DISABILITY_CATEGORIES = ["Specific learning disability", "Speech or language impairment", "Other health impairment", "Autism"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    title: str = ""


ACCOUNTS = [
    DemoAccount("admin@demo.test", "Dana", "Whitfield", User.Role.DISTRICT_ADMIN, "District data administrator"),
    DemoAccount("director@demo.test", "Renee", "Alvarez", User.Role.SPED_DIRECTOR, "Director of special education"),
    DemoAccount("principal@demo.test", "Marcus", "Bell", User.Role.SCHOOL_LEADER, "Principal"),
    DemoAccount("teacher@demo.test", "Hannah", "Brooks", User.Role.TEACHER, "Grade 5 teacher"),
    DemoAccount("teacher2@demo.test", "Victor", "Osei", User.Role.TEACHER, "Grade 5 teacher"),
    DemoAccount("casemanager@demo.test", "Julia", "Park", User.Role.SPECIAL_EDUCATOR, "Special educator"),
    DemoAccount("slp@demo.test", "Samir", "Haddad", User.Role.SISP, "Speech-language pathologist"),
    DemoAccount("parent@demo.test", "Lucia", "Rivera", User.Role.GUARDIAN),
    DemoAccount("parent2@demo.test", "Tom", "Chen", User.Role.GUARDIAN),
    DemoAccount("student@demo.test", "Maya", "Rivera", User.Role.STUDENT),
]


def _account(spec: DemoAccount) -> User:
    user, created = User.objects.get_or_create(
        email=spec.email,
        defaults={"first_name": spec.first_name, "last_name": spec.last_name, "role": spec.role, "title": spec.title},
    )
    if created:
        user.set_password(settings.WAYPOINT_DEMO_PASSWORD)
        user.save()
    if spec.role == User.Role.DISTRICT_ADMIN:
        _make_site_administrator(user)
    return user


def _make_site_administrator(user: User) -> None:
    """The district administrator runs the admin site through model permissions, not superuser
    powers: a superuser passes every has_perm(), and the student door must stay theirs to decide."""
    group, _ = Group.objects.get_or_create(name="District administrators")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=["accounts", "roster"]))
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _term(district: District, today: date) -> Term:
    # The school year around today, so the demo always has a current term.
    year = today.year if today.month >= 8 else today.year - 1
    term, _ = Term.objects.get_or_create(
        sourced_id=f"demo-term-{year}",
        defaults={"district": district, "name": f"School year {year}–{year + 1}",
                  "start_date": date(year, 8, 15), "end_date": date(year + 1, 6, 20)},
    )
    return term


def _student(index: int, school: School, today: date, plan: str) -> Student:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
    student, _ = Student.objects.get_or_create(
        sourced_id=f"demo-student-{index:02d}",
        defaults={
            "school": school, "first_name": first, "last_name": last, "grade_level": "5",
            "date_of_birth": today - timedelta(days=365 * 10 + index * 11),
            "student_number": f"S{10000 + index}", "plan": plan,
            "disability_category": DISABILITY_CATEGORIES[index % 4] if plan != Student.Plan.NONE else "",
        },
    )
    return student


def _plan_for(index: int) -> str:
    if index % 5 == 0:
        return Student.Plan.IEP
    if index % 7 == 0:
        return Student.Plan.SECTION_504
    return Student.Plan.NONE


def seed() -> District:
    today = timezone.localdate()
    district, _ = District.objects.get_or_create(sourced_id="demo-district", defaults={"name": "Riverside Unified School District"})
    school1, _ = School.objects.get_or_create(sourced_id="demo-school-1", defaults={"district": district, "name": "Maple Elementary School"})
    school2, _ = School.objects.get_or_create(sourced_id="demo-school-2", defaults={"district": district, "name": "Cedar Elementary School"})
    term = _term(district, today)
    users = {spec.email: _account(spec) for spec in ACCOUNTS}

    assignments = [
        ("admin@demo.test", None, StaffAssignment.Role.DISTRICT_ADMIN),
        ("director@demo.test", None, StaffAssignment.Role.SPED_DIRECTOR),
        ("principal@demo.test", school1, StaffAssignment.Role.SCHOOL_LEADER),
        ("teacher@demo.test", school1, StaffAssignment.Role.TEACHER),
        ("teacher2@demo.test", school2, StaffAssignment.Role.TEACHER),
        ("casemanager@demo.test", school1, StaffAssignment.Role.SPECIAL_EDUCATOR),
        ("slp@demo.test", school1, StaffAssignment.Role.SISP),
    ]
    for email, school, role in assignments:
        StaffAssignment.objects.get_or_create(user=users[email], district=district, school=school, role=role)

    sections = {
        "math1": _section("demo-section-math-1", school1, term, "Grade 5 Math", "Math", "1", [users["teacher@demo.test"], users["casemanager@demo.test"]]),
        "ela1": _section("demo-section-ela-1", school1, term, "Grade 5 English Language Arts", "ELA", "2", [users["teacher@demo.test"]]),
        "math2": _section("demo-section-math-2", school2, term, "Grade 5 Math", "Math", "1", [users["teacher2@demo.test"]]),
        "ela2": _section("demo-section-ela-2", school2, term, "Grade 5 English Language Arts", "ELA", "2", [users["teacher2@demo.test"]]),
    }

    students = []
    for index in range(60):
        school = school1 if index < 32 else school2
        student = _student(index, school, today, _plan_for(index))
        students.append(student)
        for key in ("math1", "ela1") if school == school1 else ("math2", "ela2"):
            Enrollment.objects.get_or_create(student=student, section=sections[key])
        if school == school1 and student.plan == Student.Plan.IEP:
            _caseload(users["casemanager@demo.test"], student, Caseload.Role.CASE_MANAGER, "")
        if school == school1 and index % 10 == 0:
            _caseload(users["slp@demo.test"], student, Caseload.Role.SERVICE_PROVIDER, "Speech-language therapy")

    # Maya (index 0, IEP) is student@demo.test and parent@demo.test's child; Leo (index 1) is her brother.
    maya, leo = students[0], students[1]
    if maya.user_id is None:
        maya.user = users["student@demo.test"]
        maya.save(update_fields=["user"])
    for child in (maya, leo):
        Guardianship.objects.get_or_create(guardian=users["parent@demo.test"], student=child, defaults={"relationship": Guardianship.Relationship.PARENT})
    # parent2's child sits in the same classes: data that could leak.
    Guardianship.objects.get_or_create(guardian=users["parent2@demo.test"], student=students[2], defaults={"relationship": Guardianship.Relationship.PARENT})
    for email in ("parent@demo.test", "parent2@demo.test"):
        _accepted_invitation(users[email])
    _family_accounts(students[3:], district)
    return district


def _accepted_invitation(user: User) -> None:
    """The demo parents took up their invitations, as real families do: so they may ask for an emailed sign-in
    link and link their own Google account (sso.policy.is_family_account)."""
    if not user.invitations.filter(accepted_at__isnull=False).exists():
        now = timezone.now()
        Invitation.objects.create(user=user, nonce="demo-accepted", sent_at=now, expires_at=now, accepted_at=now)


def _section(sourced_id, school, term, name, subject, period, teachers) -> Section:
    section, created = Section.objects.get_or_create(
        sourced_id=sourced_id, defaults={"school": school, "term": term, "name": name, "subject": subject, "period": period}
    )
    if created:
        section.teachers.set(teachers)
    return section


def _caseload(staff: User, student: Student, role: str, service: str) -> None:
    Caseload.objects.get_or_create(staff=staff, student=student, role=role, defaults={"service": service})


def _family_accounts(students: list[Student], district: District) -> None:
    """A guardian for every other student, without a usable password (they would be invited)."""
    for student in students:
        email = f"family.{student.sourced_id}@demo.test"
        guardian, created = User.objects.get_or_create(
            email=email, defaults={"first_name": "Parent of", "last_name": student.first_name, "role": User.Role.GUARDIAN}
        )
        if created:
            guardian.set_unusable_password()
            guardian.save(update_fields=["password"])
        Guardianship.objects.get_or_create(guardian=guardian, student=student)

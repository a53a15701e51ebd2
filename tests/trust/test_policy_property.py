"""T1.5: over 200 generated districts, the per-student check, the list query and a brute-force oracle never
disagree: can_view(user, s) == (s in visible_students(user)) == oracle(user, s). Figure: 0 counterexamples."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from roster.access import visible_students
from roster.models import Caseload, District, Enrollment, Guardianship, School, Section, StaffAssignment, Student, Term

from .oracle import World

pytestmark = pytest.mark.django_db

STAFF_ROLES = ["teacher", "special_educator", "sisp", "school_leader", "sped_director"]
AGES = [None, 9, 17, 18, 19]  # years; 18 lands on either side of the birthday

student_spec = st.fixed_dictionaries({
    "school": st.integers(0, 2),  # school 2 is in another district
    "plan": st.sampled_from(["none", "iep", "504"]),
    "age": st.sampled_from(AGES),
    "birthday_passed": st.booleans(),
    "dependent": st.booleans(),
    "has_account": st.booleans(),
})
staff_spec = st.fixed_dictionaries({
    "role": st.sampled_from(STAFF_ROLES),
    "school": st.integers(0, 2),
    "active": st.integers(0, 9).map(lambda n: n > 0),
})
district_spec = st.fixed_dictionaries({
    "students": st.lists(student_spec, min_size=1, max_size=5),
    "staff": st.lists(staff_spec, min_size=1, max_size=4),
    "guardians": st.integers(1, 3),
    # (section index, student index) enrolments; sections: 0-1 this term, 2-3 last term, at schools 0-1-2-0
    "enrolments": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), max_size=8),
    "teaching": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=6),  # (section, staff)
    "caseload": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4), st.booleans()), max_size=5),  # (staff, student, active)
    "guardianships": st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 4), st.booleans(), st.integers(0, 3)), max_size=6
    ),  # (guardian, student, active, 0 = barred from records)
})


def _born(age: int | None, passed: bool, today: date) -> date | None:
    if age is None:
        return None
    year_ago = today.replace(year=today.year - age) if not (today.month == 2 and today.day == 29) else today.replace(year=today.year - age, day=28)
    return year_ago - timedelta(days=3) if passed else year_ago + timedelta(days=3)


def _build(spec: dict, today: date) -> list[User]:
    home, away = District.objects.create(name="Home"), District.objects.create(name="Away")
    schools = [School.objects.create(district=home, name="A"), School.objects.create(district=home, name="B"),
               School.objects.create(district=away, name="C")]
    now_term = Term.objects.create(district=home, name="now", start_date=today - timedelta(days=30), end_date=today + timedelta(days=30))
    old_term = Term.objects.create(district=home, name="old", start_date=today - timedelta(days=400), end_date=today - timedelta(days=200))
    sections = [Section.objects.create(school=schools[i % 3], term=now_term if i < 2 else old_term, name=f"S{i}") for i in range(4)]
    users, students = [], []
    for i, s in enumerate(spec["students"]):
        account = User.objects.create(email=f"student{i}@t.test", role="student") if s["has_account"] else None
        students.append(Student.objects.create(
            school=schools[s["school"]], first_name=f"K{i}", last_name="X", grade_level="5", plan=s["plan"],
            date_of_birth=_born(s["age"], s["birthday_passed"], today), is_dependent_adult=s["dependent"], user=account))
        if account:
            users.append(account)
    staff = []
    for i, s in enumerate(spec["staff"]):
        user = User.objects.create(email=f"staff{i}@t.test", role=s["role"], is_active=s["active"])
        if s["role"] == "sped_director":
            StaffAssignment.objects.create(user=user, district=schools[s["school"]].district, role="sped_director")
        else:
            StaffAssignment.objects.create(user=user, district=schools[s["school"]].district, school=schools[s["school"]], role=s["role"])
        staff.append(user)
    guardians = [User.objects.create(email=f"parent{i}@t.test", role="guardian") for i in range(spec["guardians"])]
    for section, student in spec["enrolments"]:
        if student < len(students):
            Enrollment.objects.get_or_create(section=sections[section], student=students[student])
    for section, member in spec["teaching"]:
        if member < len(staff):
            sections[section].teachers.add(staff[member])
    for member, student, active in spec["caseload"]:
        if member < len(staff) and student < len(students):
            Caseload.objects.get_or_create(staff=staff[member], student=students[student], role="service_provider",
                                           defaults={"is_active": active})
    for guardian, student, active, right in spec["guardianships"]:
        if guardian < len(guardians) and student < len(students):
            Guardianship.objects.get_or_create(guardian=guardians[guardian], student=students[student],
                                               defaults={"is_active": active, "may_access_records": right > 0})
    return users + staff + guardians


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=district_spec)
def test_door_list_and_oracle_agree(spec):
    """T1.5: 0 counterexamples over 200 districts (hypothesis shrinks any failure to a minimal district)."""
    today = timezone.localdate()
    savepoint = transaction.savepoint()
    try:
        people = _build(spec, today)
        world = World.load(today)
        disagreements = []
        for user in people:
            user = User.objects.get(pk=user.pk)
            listed = set(visible_students(user).values_list("pk", flat=True))
            for student in Student.objects.select_related("school"):
                door = user.has_perm("roster.view_student", student)
                oracle = world.can_view(user, student)
                if not (door == (student.pk in listed) == oracle):
                    disagreements.append((user.email, student.first_name, door, student.pk in listed, oracle))
        assert disagreements == []
    finally:
        transaction.savepoint_rollback(savepoint)

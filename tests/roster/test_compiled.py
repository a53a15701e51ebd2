"""The access door's compiled queries (roster/compiled.py, issue 23 item 5) answer exactly what the ORM's own
queries answer: for every demo person and every demo student, and after the day changes (T1.5, P4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from roster import access, compiled
from roster.models import Student

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # nothing remembered from an earlier question, as on a new request


def test_the_door_binds_each_request_to_the_same_answer_as_the_orm(demo):
    # Every demo person; the students of the access matrix and every sixth other (the ORM's side is the slow one).
    everyone = list(Student.objects.order_by("pk"))
    students = [s for n, s in enumerate(everyone) if n % 6 == 0 or s.user_id or s.plan != Student.Plan.NONE][:24]
    for user in User.objects.all():
        for student in students:
            door = access.door_student(_fresh(user), student.uuid)
            orm = access._door_query(user, student.uuid, with_standing=True).first()
            assert door.pk == orm.pk
            assert door.school.district.pk == orm.school.district.pk  # select_related kept, no further query
            expected = {name for name in access.RELATIONSHIPS if getattr(orm, f"rel_{name}")}
            assert access.relationships(_fresh(user), student) - {"self"} == expected, (user.email, student.pk)
            asked = _fresh(user)
            access.door_student(asked, student.uuid)
            assert access.relationships(asked, student) - {"self"} == expected, (user.email, student.pk)


def test_standing_is_the_orms_for_every_demo_person(demo):
    for user in User.objects.all():
        row = access._standing_query(user.pk).first() or {}
        assert access.standing(_fresh(user)) == {name for name, held in row.items() if held}, user.email


def test_a_student_who_is_not_there_is_none(demo):
    assert access.door_student(User.objects.get(email="teacher@demo.test"), "00000000-0000-4000-8000-000000000001") is None


def test_the_query_is_compiled_again_on_a_new_day(demo, monkeypatch):
    """The rules read today's date (this term's classes, the 18th birthday): yesterday's SQL is not reused."""
    teacher = User.objects.get(email="teacher@demo.test")
    maya = Student.objects.get(user__email="student@demo.test")
    assert access.door_student(_fresh(teacher), maya.uuid) is not None
    names = {key[0] for key in compiled._cache}
    assert {"door+standing"} <= names
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(compiled.timezone, "localdate", lambda: tomorrow)
    monkeypatch.setattr(access.timezone, "localdate", lambda: tomorrow)
    access.door_student(_fresh(teacher), maya.uuid)
    assert {key[3] for key in compiled._cache if key[0] == "door+standing"} == {tomorrow}


def test_a_query_without_its_stand_in_is_refused(db):
    with pytest.raises(ValueError, match="does not use"):
        compiled.Compiled(Student.objects.filter(pk=1), {"pk": compiled.STAND_IN_PK})


LIST_FORMS = {  # each list form and the relationships it stands for, as roster/access.py writes them
    "visible_students": (access.SEES_STUDENT, True), "guarded_students": (("guardian",), False),
    "mtss_students": (access.MTSS_STAFF, False), "screening_students": (("leads_school", "mtss_team"), False),
}


def test_every_list_form_binds_to_the_students_the_orm_finds_for_every_demo_person(demo):
    """The list forms' compiled SQL (one SELECT per relationship, UNION ALL) lists exactly the students an OR of the
    relationships' EXISTS lists, the form the door's predicate asks (T1.5, P4)."""
    for user in User.objects.all():
        rows = access._relationship_rows(user, access.OuterRef("pk"))
        for name, (relationships, with_self) in LIST_FORMS.items():
            expected = access._any(rows, relationships) | (access.Q(user=user) if with_self else access.Q(pk__in=[]))
            orm = set(Student.objects.filter(expected).values_list("pk", flat=True))
            assert set(getattr(access, name)(_fresh(user)).values_list("pk", flat=True)) == orm, (name, user.email)
        reviewed = Student.objects.filter(access._any(rows, ("case_manager", "directs")), plan=Student.Plan.IEP)
        assert set(access.reviewable_students(user).values_list("pk", flat=True)) == set(reviewed.values_list("pk", flat=True))


def test_a_list_form_follows_the_day(demo, monkeypatch):
    """This term's classes: once the term is over, the teacher's list form no longer holds the class's students."""
    teacher = User.objects.get(email="teacher@demo.test")
    maya = Student.objects.get(user__email="student@demo.test")
    assert access.visible_students(_fresh(teacher)).filter(pk=maya.pk).exists()
    after_term = maya.enrollments.select_related("section__term").first().section.term.end_date + timedelta(days=1)
    monkeypatch.setattr(compiled.timezone, "localdate", lambda: after_term)
    monkeypatch.setattr(access.timezone, "localdate", lambda: after_term)
    still = set(access.visible_students(_fresh(teacher)).values_list("pk", flat=True))
    orm = set(Student.objects.filter(access._any(access._relationship_rows(teacher, access.OuterRef("pk")), access.SEES_STUDENT))
              .values_list("pk", flat=True))
    assert still == orm
    assert maya.pk not in still  # she was the teacher's by this term's class only
    assert {key[3] for key in compiled._cache if key[0] == "list:visible"} == {after_term}

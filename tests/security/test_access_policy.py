"""The yes/no door and the list query never disagree (T1.5, on the demo district and on personas)."""

import pytest

from accounts.models import User
from roster.access import visible_students
from roster.models import Guardianship, Student
from tests.factories.roster import GuardianshipFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_visible_students_equals_has_perm_for_every_demo_account(demo):
    students = list(Student.objects.select_related("school"))
    for user in User.objects.all():
        listed = set(visible_students(user).values_list("pk", flat=True))
        allowed = {s.pk for s in students if user.has_perm("roster.view_student", s)}
        assert listed == allowed, user.email


def test_teacher_sees_only_students_enrolled_in_their_classes_this_term(teacher, other_teacher, student, other_student):
    assert list(visible_students(teacher)) == [student]
    assert list(visible_students(other_teacher)) == [other_student]


def test_last_terms_class_gives_no_access(teacher, student):
    section = student.enrollments.get().section
    section.term.start_date = section.term.start_date.replace(year=section.term.start_date.year - 2)
    section.term.end_date = section.term.start_date.replace(month=12, day=31)
    section.term.save()
    assert list(visible_students(teacher)) == []
    assert not teacher.has_perm("roster.view_student", student)


def test_director_sees_students_with_plans_in_their_district_only(sped_director, other_district_director, student, other_student):
    assert list(visible_students(sped_director)) == [student]
    assert list(visible_students(other_district_director)) == []


def test_guardian_without_right_to_records_sees_nothing(guardian, student):
    Guardianship.objects.filter(guardian=guardian).update(may_access_records=False)
    assert list(visible_students(guardian)) == []
    assert not guardian.has_perm("roster.view_student", student)


def test_parent_loses_access_when_child_turns_18_unless_dependent(guardian, student):
    student.date_of_birth = student.date_of_birth.replace(year=2000)
    student.save()
    assert list(visible_students(guardian)) == []
    student.is_dependent_adult = True
    student.save()
    assert list(visible_students(guardian)) == [student]


def test_restricted_details_are_for_the_special_education_team_and_family(teacher, case_manager, guardian, sped_director, student):
    assert [u.has_perm("roster.view_restricted", student) for u in (teacher, case_manager, guardian, sped_director)] == [
        False, True, True, True
    ]


def test_guardian_of_one_child_does_not_see_a_sibling_without_guardianship(guardian, student):
    sibling = StudentFactory(school=student.school)
    assert list(visible_students(guardian)) == [student]
    GuardianshipFactory(guardian=guardian, student=sibling)
    assert set(visible_students(guardian)) == {student, sibling}


def test_the_family_pages_list_exactly_the_children_they_open(demo):
    """children_of (the family's child switch, home and rights pages) is the list form of family_portal.view_child."""
    from roster.selectors import children_of

    students = list(Student.objects.all())
    for user in User.objects.all():
        listed = set(children_of(user).values_list("pk", flat=True))
        assert listed == {s.pk for s in students if user.has_perm("family_portal.view_child", s)}, user.email


def test_a_teacher_who_is_a_parent_without_record_rights_gets_no_family_pages_for_her_pupil(teacher, student):
    """She sees the pupil as his teacher; the family pages (family_portal.view_child) are not hers to open."""
    from roster.selectors import children_of

    GuardianshipFactory(guardian=teacher, student=student, may_access_records=False)
    assert teacher.has_perm("roster.view_student", student)
    assert not teacher.has_perm("family_portal.view_child", student)
    assert list(children_of(teacher)) == []

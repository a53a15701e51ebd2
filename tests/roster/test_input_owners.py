"""roster.access.input_owners: who may own an input to a student's IEP team (issue 16.5), the one rule the
queue's choices and the assignment service ask; and the owner's door (T1: the yes/no door and the list agree)."""

import pytest

from accounts.models import User
from roster.access import input_owners, visible_students
from roster.models import Caseload, StaffAssignment, Student
from tests.factories.accounts import UserFactory
from tests.factories.iep import IEPInputFactory
from tests.factories.roster import CaseloadFactory, StaffAssignmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _staff(school, role, **extra) -> User:
    user = UserFactory(role=role, **extra)
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=role)
    return user


def test_a_student_with_a_case_manager_has_that_case_manager_only(student, case_manager, school):
    _staff(school, StaffAssignment.Role.SCHOOL_LEADER)
    owners = input_owners([student])[student.pk]
    assert (owners.case_manager, owners.people) == (case_manager, [case_manager])


def test_without_a_case_manager_anyone_qualified_at_the_students_own_school(school, other_school, case_manager, teacher,
                                                                            django_assert_num_queries):
    """Special educators, service providers and school leaders of that school, active accounts; not a teacher, not
    another school's staff, not the district's director, not someone gone; two queries for any number of students."""
    kids = [StudentFactory(school=school, plan=Student.Plan.IEP) for _ in range(3)]
    sisp = _staff(school, StaffAssignment.Role.SISP, last_name="Adams")
    leader = _staff(school, StaffAssignment.Role.SCHOOL_LEADER, last_name="Baker")
    _staff(school, StaffAssignment.Role.SISP, is_active=False)
    _staff(other_school, StaffAssignment.Role.SPECIAL_EDUCATOR)
    gone = UserFactory(role=User.Role.SPECIAL_EDUCATOR, is_active=False)
    CaseloadFactory(staff=gone, student=kids[0], role=Caseload.Role.CASE_MANAGER)  # an account that was closed
    with django_assert_num_queries(2):
        owners = input_owners(kids)
    for kid in kids:
        assert owners[kid.pk].case_manager is None
        assert set(owners[kid.pk].people) == {sisp, leader, case_manager}


def test_the_owner_of_an_open_input_sees_the_student_and_the_list_agrees(school, guardian):
    kid = StudentFactory(school=school, plan=Student.Plan.IEP)
    sisp = _staff(school, StaffAssignment.Role.SISP)
    item = IEPInputFactory(student=kid, submitted_by=guardian, assigned_to=sisp, status="assigned")
    fresh = User.objects.get(pk=sisp.pk)
    assert list(visible_students(fresh)) == [kid] and fresh.has_perm("roster.view_student", kid)
    assert fresh.has_perm("iep.handle_input", kid) and not fresh.has_perm("iep.review_queue", kid)
    item.status = "closed"
    item.save()
    fresh = User.objects.get(pk=sisp.pk)
    assert list(visible_students(fresh)) == [] and not fresh.has_perm("roster.view_student", kid)

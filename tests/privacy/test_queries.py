"""P1 / T10: the privacy list pages run the same number of queries at two data sizes."""

import pytest
from django.urls import reverse

from privacy.models import RecordStatement
from roster.models import StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.privacy import AmendmentRequestFactory, DisclosureRecordFactory
from tests.factories.roster import EnrollmentFactory, GuardianshipFactory, SectionFactory, StaffAssignmentFactory, StudentFactory

from .conftest import client_as

pytestmark = pytest.mark.django_db


def _requests(student, guardian, n):
    for _ in range(n):
        request = AmendmentRequestFactory(student=student, requested_by=guardian, status="refused", decided_by=guardian)
        RecordStatement.objects.create(request=request, text="We disagree")


@pytest.mark.parametrize("n", [1, 6])
def test_disclosures_page(student, guardian, django_assert_num_queries, n):
    DisclosureRecordFactory.create_batch(n, student=student)
    client = client_as(guardian)
    with django_assert_num_queries(5):
        assert client.get(reverse("privacy:disclosures", args=[student.uuid])).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_family_amendments_page(student, guardian, django_assert_num_queries, n):
    _requests(student, guardian, n)
    client = client_as(guardian)
    with django_assert_num_queries(5):
        assert client.get(reverse("privacy:amendments", args=[student.uuid])).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_staff_requests_page(student, guardian, case_manager, django_assert_num_queries, n):
    _requests(student, guardian, n)
    DisclosureRecordFactory.create_batch(n, student=student)
    client = client_as(case_manager)
    with django_assert_num_queries(6):
        assert client.get(reverse("privacy:student-requests", args=[student.uuid])).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_family_home(student, guardian, django_assert_num_queries, n):
    for _ in range(n - 1):
        GuardianshipFactory(guardian=guardian, student=StudentFactory(school=student.school))
    client = client_as(guardian)
    with django_assert_num_queries(4):  # + the person's standing, from relationships (issue 19.2)
        assert client.get(reverse("privacy:family-home")).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_staff_with_access_page(student, sped_director, school, django_assert_num_queries, n):
    for i in range(n):
        teacher = UserFactory(role="teacher", email=f"t{i}@school.test")
        StaffAssignmentFactory(user=teacher, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
        EnrollmentFactory(student=student, section=SectionFactory(school=school, teachers=[teacher]))
    client = client_as(sped_director)
    with django_assert_num_queries(4):  # + the person's standing, from relationships (issue 19.2)
        assert client.get(reverse("privacy:pii-staff")).status_code == 200

"""Issue 21.3: a student old enough by her district's setting chooses, downloads and shares her own credentials;
a younger one sees hers and the choice stays with her family or staff (T1, T2, P1)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from credentials import selectors, services
from credentials.models import StudentCredential
from tests.factories.accounts import UserFactory

from .conftest import record

pytestmark = pytest.mark.django_db


def _aged(student, years: int, days: int = 0):
    """Born `years` years and `days` days ago (a negative `days`: the birthday is still to come)."""
    today = timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    student.date_of_birth = birthday - timedelta(days=days)
    if student.user_id is None:
        student.user = UserFactory(role="student", email="maya@student.test")
    student.save()
    return student


@pytest.fixture
def older(student, issuer):
    return _aged(student, 14)


@pytest.fixture
def younger(student, issuer):
    return _aged(student, 11)


def test_one_rule_decides_by_the_districts_age(student, issuer):
    _aged(student, 13)  # her 13th birthday today
    assert selectors.may_choose_own(student)
    _aged(student, 13, days=-1)  # 13 tomorrow
    assert not selectors.may_choose_own(student)
    issuer.students_choose_from_age = 11
    issuer.save()
    assert selectors.may_choose_own(student)
    issuer.students_choose_from_age = None  # only families
    issuer.save()
    assert not selectors.may_choose_own(student)
    student.date_of_birth = None
    assert not selectors.may_choose_own(student, issuer)


def test_an_older_student_makes_and_downloads_her_own_credential(client, older, mastered, competencies):
    client.force_login(older.user)
    page = client.get(reverse("credentials:mine", args=[older.uuid])).content.decode()
    assert reverse("credentials:mine-choose", args=[older.uuid]) in page and "Fractions skill 1" in page
    # A competency she has not mastered is refused, nothing written.
    client.post(reverse("credentials:mine-choose", args=[older.uuid]), {"competency_id": competencies[1].pk})
    assert not StudentCredential.objects.exists()
    client.post(reverse("credentials:mine-choose", args=[older.uuid]), {"competency_id": mastered.pk})
    credential = StudentCredential.objects.get()
    assert credential.chosen_by == older.user and credential.competency == mastered
    download = client.get(reverse("credentials:mine-jwt", args=[older.uuid, credential.uuid]))
    assert download.status_code == 200 and download.content.decode() == credential.jwt
    events = AccessEvent.objects.filter(student=older, user=older.user)
    assert events.filter(route_name="credentials:mine-choose", outcome="allowed").count() == 2
    assert events.filter(route_name="credentials:mine-jwt", action=AccessEvent.Action.EXPORT).count() == 1


def test_a_younger_student_sees_hers_but_gets_no_button_and_a_post_is_refused(client, younger, mastered, guardian):
    credential = services.issue(student=younger, competency_id=mastered.pk, chosen_by=guardian)
    client.force_login(younger.user)
    page = client.get(reverse("credentials:mine", args=[younger.uuid])).content.decode()
    assert "Fractions skill 1" in page and "Your family or your teachers choose" in page
    assert reverse("credentials:mine-choose", args=[younger.uuid]) not in page
    assert reverse("credentials:mine-jwt", args=[younger.uuid, credential.uuid]) not in page
    assert client.post(reverse("credentials:mine-choose", args=[younger.uuid]), {"competency_id": mastered.pk}).status_code == 403
    assert client.get(reverse("credentials:mine-jwt", args=[younger.uuid, credential.uuid])).status_code == 403
    assert StudentCredential.objects.count() == 1
    assert AccessEvent.objects.filter(route_name="credentials:mine-choose", outcome="denied").count() == 1


def test_no_one_else_uses_a_students_own_page(client, older, mastered, guardian, case_manager):
    for user in (guardian, case_manager):
        client.force_login(user)
        assert client.get(reverse("credentials:mine", args=[older.uuid])).status_code == 403
        assert client.post(reverse("credentials:mine-choose", args=[older.uuid]), {"competency_id": mastered.pk}).status_code == 403
    assert not StudentCredential.objects.exists()


@pytest.mark.parametrize("size", [1, 3])
def test_the_students_credentials_page_keeps_its_query_count(client, older, competencies, teacher, badged, size,
                                                            django_assert_num_queries):
    for competency in competencies[:size]:
        record(older, competency, teacher)
    for competency in competencies[:size - 1]:
        services.issue(student=older, competency_id=competency.pk, chosen_by=older.user)
    client.force_login(older.user)
    with django_assert_num_queries(7):
        response = client.get(reverse("credentials:mine", args=[older.uuid]))
    assert len(response.context["offers"]) == 1 and len(response.context["credentials"]) == size - 1

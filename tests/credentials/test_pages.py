"""Issue 21, item 4: the family decides. Nothing is made or downloaded without a family member's choice; every
issue, download, withdrawal and revocation is in the record of access (T1, T2, P1)."""

import json

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from credentials import services
from credentials.models import StudentCredential
from tests.credentials.conftest import record

pytestmark = pytest.mark.django_db


def _events(student, route: str):
    return AccessEvent.objects.filter(student=student, route_name=route, outcome=AccessEvent.Outcome.ALLOWED)


def test_the_family_sees_the_offer_and_nothing_is_made_until_they_choose(client, guardian, student, mastered):
    client.force_login(guardian)
    page = client.get(reverse("credentials:family-list", args=[student.uuid]))
    assert page.status_code == 200 and "Yes, make this credential" in page.content.decode()
    assert not StudentCredential.objects.exists()

    response = client.post(reverse("credentials:choose", args=[student.uuid]), {"competency_id": mastered.pk})
    assert response.status_code == 302
    credential = StudentCredential.objects.get()
    assert credential.chosen_by == guardian and credential.student == student
    assert _events(student, "credentials:choose").filter(user=guardian, action=AccessEvent.Action.CHANGE).count() == 1


def test_a_choice_of_something_not_on_offer_changes_nothing(client, guardian, student, competencies, badged):
    client.force_login(guardian)
    response = client.post(reverse("credentials:choose", args=[student.uuid]), {"competency_id": competencies[1].pk}, follow=True)
    assert "not available" in response.content.decode()
    response = client.post(reverse("credentials:choose", args=[student.uuid]), {"competency_id": "x"}, follow=True)
    assert "Please choose" in response.content.decode()
    assert not StudentCredential.objects.exists()


def test_downloads_are_the_signed_files_and_are_recorded_as_exports(client, guardian, student, mastered):
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    client.force_login(guardian)
    as_json = client.get(reverse("credentials:download-json", args=[student.uuid, credential.uuid]))
    assert as_json.status_code == 200 and "attachment" in as_json["Content-Disposition"]
    assert json.loads(as_json.content) == credential.document
    as_jwt = client.get(reverse("credentials:download-jwt", args=[student.uuid, credential.uuid]))
    assert as_jwt.content.decode() == credential.jwt and as_jwt["Content-Type"].startswith("text/plain")
    assert _events(student, "credentials:download-json").filter(action=AccessEvent.Action.EXPORT).count() == 1
    assert _events(student, "credentials:download-jwt").filter(action=AccessEvent.Action.EXPORT).count() == 1


def test_withdrawing_sharing_revokes_and_hides_the_content(client, guardian, student, mastered):
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    client.force_login(guardian)
    client.post(reverse("credentials:withdraw", args=[student.uuid, credential.uuid]))
    credential.refresh_from_db()
    assert credential.revocation == StudentCredential.Revocation.WITHDRAWN and credential.is_revoked
    assert _events(student, "credentials:withdraw").count() == 1
    download = client.get(reverse("credentials:download-json", args=[student.uuid, credential.uuid]))
    assert download.status_code == 302  # no longer downloadable
    client.logout()
    page = client.get(reverse("credentials:verify", args=[credential.uuid])).content.decode()
    assert "No longer shared" in page and "Fractions skill 1" not in page
    # The family may choose again: a new credential for the same mastered competency.
    services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    assert StudentCredential.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_case_manager_revokes_with_a_reason_and_the_family_sees_it(client, guardian, case_manager, student, mastered):
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    client.force_login(case_manager)
    url = reverse("credentials:revoke", args=[student.uuid, credential.uuid])
    client.post(url, {"note": "  "})
    assert not StudentCredential.objects.get().is_revoked  # a reason is needed; nothing changed
    client.post(url, {"note": "Entered for the wrong competency"})
    assert StudentCredential.objects.get().revocation == StudentCredential.Revocation.REVOKED
    assert _events(student, "credentials:revoke").filter(user=case_manager).count() == 2
    client.force_login(guardian)
    page = client.get(reverse("credentials:family-list", args=[student.uuid])).content.decode()
    assert "Entered for the wrong competency" in page


def test_staff_and_other_families_cannot_choose_or_download(client, teacher, other_guardian, guardian, student, mastered):
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    client.force_login(teacher)
    assert client.post(reverse("credentials:choose", args=[student.uuid]), {"competency_id": mastered.pk}).status_code == 403
    assert client.get(reverse("credentials:download-jwt", args=[student.uuid, credential.uuid])).status_code == 403
    assert client.post(reverse("credentials:revoke", args=[student.uuid, credential.uuid]), {"note": "x"}).status_code == 403
    client.force_login(other_guardian)
    assert client.get(reverse("credentials:download-jwt", args=[student.uuid, credential.uuid])).status_code == 404


def test_the_evidence_link_opens_only_through_the_door(client, guardian, other_guardian, student, mastered):
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    url = reverse("credentials:evidence", args=[credential.uuid])
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(other_guardian)
    assert client.get(url).status_code == 404
    client.force_login(guardian)
    response = client.get(url)
    assert response["Location"] == reverse("competencies:student-competency", args=[student.uuid, mastered.pk])


@pytest.mark.parametrize("size", [1, 3])
def test_the_family_page_keeps_its_query_count(client, guardian, student, competencies, teacher, badged, size,
                                               django_assert_num_queries):
    for competency in competencies[:size]:
        record(student, competency, teacher)
    for competency in competencies[:size][:-1] or competencies[:1]:
        services.issue(student=student, competency_id=competency.pk, chosen_by=guardian)
    client.force_login(guardian)
    url = reverse("credentials:family-list", args=[student.uuid])
    with django_assert_num_queries(9):  # session, user, the door and its event, issuer, offers, credentials, records, children
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_the_staff_page_keeps_its_query_count(client, guardian, case_manager, student, competencies, teacher, badged, size,
                                              django_assert_num_queries):
    for competency in competencies[:size]:
        record(student, competency, teacher)
        services.issue(student=student, competency_id=competency.pk, chosen_by=guardian)
    client.force_login(case_manager)
    with django_assert_num_queries(5):  # session, user, the door and its event, the credentials
        response = client.get(reverse("credentials:student", args=[student.uuid]))
    assert response.status_code == 200 and len(response.context["credentials"]) == size

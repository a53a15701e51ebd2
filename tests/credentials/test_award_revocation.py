"""Issue 21: an educator's micro-credential award is revoked like a student's credential: the district's
administrator or special-education director, with a reason, through the same status list (T1, T2, P1)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from audit.models import AccessEvent
from credentials import educators, services, status, verify
from credentials.models import Submission
from roster.models import StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.roster import DistrictFactory, StaffAssignmentFactory

from .conftest import levels, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(micro, teacher, reviewer):
    submission = submit(micro, teacher)
    return educators.review(submission=submission, reviewer=reviewer, levels=levels(micro), feedback="", award=True)


def _bit(award) -> bool:
    bits = status.decode(status.status_list_credential(award.micro_credential.issuer)["credentialSubject"]["encodedList"])
    return status.is_set(bits, award.status_index)


def test_an_award_carries_a_status_entry_in_the_issuers_list(award, student, guardian, mastered):
    entry = award.document["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusListIndex"] == str(award.status_index)
    assert entry["statusListCredential"] == award.micro_credential.issuer.status_list_url
    # One list per issuer: a student's credential never takes the award's index.
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    assert credential.status_index != award.status_index
    assert not _bit(award)


def test_revoking_needs_a_reason_and_changes_nothing_without_one(award, sped_director):
    with translation.override("en"), pytest.raises(ValidationError, match="why"):
        educators.revoke_award(award, by=sped_director, note="   ")
    award.refresh_from_db()
    assert not award.is_revoked and not _bit(award)


def test_the_director_revokes_the_bit_flips_and_verification_says_revoked(client, award, sped_director, teacher, tmp_path):
    client.force_login(sped_director)
    url = reverse("credentials:micro-revoke", args=[award.award_uuid])
    response = client.post(url, {"note": "  "})
    assert response.status_code == 200 and "Please say why the credential is revoked." in response.content.decode()
    award.refresh_from_db()
    assert not award.is_revoked

    assert client.post(url, {"note": "Evidence was copied from another educator"}).status_code == 302
    award.refresh_from_db()
    assert award.is_revoked and award.revoked_by == sped_director and award.revocation_note == "Evidence was copied from another educator"
    assert _bit(award)
    assert verify.verify(award.jwt).state == verify.REVOKED and verify.verify(award.document).state == verify.REVOKED
    path = tmp_path / "award.jwt"
    path.write_text(award.jwt)
    with pytest.raises(CommandError, match="revoked"):
        call_command("verify_credential", str(path), stdout=StringIO())
    events = AccessEvent.objects.filter(route_name="credentials:micro-revoke", user=sped_director, outcome="allowed")
    assert events.count() == 2
    with translation.override("en"), pytest.raises(ValidationError, match="already revoked"):
        educators.revoke_award(award, by=sped_director, note="Again")

    client.logout()
    page = client.get(reverse("credentials:verify", args=[award.award_uuid])).content.decode()
    assert 'data-state="revoked"' in page

    client.force_login(teacher)
    page = client.get(reverse("credentials:micro-catalogue")).content.decode()
    assert "Revoked on" in page and "Evidence was copied from another educator" in page
    assert reverse("credentials:micro-award-jwt", args=[award.award_uuid]) not in page
    assert client.get(reverse("credentials:micro-award-jwt", args=[award.award_uuid])).status_code == 302  # not downloadable
    client.force_login(sped_director)
    assert educators.holders(sped_director)[0]["count"] == 0  # a revoked award is not held


def test_the_district_admin_may_revoke(client, award, district_admin):
    client.force_login(district_admin)
    assert client.get(reverse("credentials:micro-awards")).status_code == 200
    client.post(reverse("credentials:micro-revoke", args=[award.award_uuid]), {"note": "Awarded by mistake"})
    award.refresh_from_db()
    assert award.is_revoked and award.revoked_by == district_admin


def test_others_get_403_or_404_and_nothing_changes(client, award, teacher, case_manager, school):
    url = reverse("credentials:micro-revoke", args=[award.award_uuid])
    client.force_login(case_manager)  # school staff, not a district lead
    assert client.post(url, {"note": "No"}).status_code == 403
    assert client.get(reverse("credentials:micro-awards")).status_code == 403
    client.force_login(teacher)  # the holder herself
    assert client.post(url, {"note": "No"}).status_code == 403
    # A director of another district holds the permission but not this district's awards.
    elsewhere = UserFactory(email="director@elsewhere.test")
    StaffAssignmentFactory(user=elsewhere, district=DistrictFactory(), role=StaffAssignment.Role.SPED_DIRECTOR)
    client.force_login(elsewhere)
    assert client.post(url, {"note": "No"}).status_code == 404
    assert AccessEvent.objects.filter(route_name="credentials:micro-revoke", user=elsewhere, outcome="denied").count() == 1
    award.refresh_from_db()
    assert not award.is_revoked and not _bit(award)


def test_an_award_from_before_status_entries_reads_revoked_on_the_issuers_page(client, award, sped_director):
    Submission.objects.filter(pk=award.pk).update(status_index=None)  # as awards made before this change
    award.refresh_from_db()
    educators.revoke_award(award, by=sped_director, note="Withdrawn by the district")
    page = client.get(reverse("credentials:verify", args=[award.award_uuid])).content.decode()
    assert 'data-state="revoked"' in page


def test_a_deleted_educator_keeps_the_bit_of_a_revoked_award(award, sped_director, teacher):
    educators.revoke_award(award, by=sped_director, note="Wrong person")
    issuer = award.micro_credential.issuer
    teacher.delete()
    assert award.status_index in status.revoked_indexes(issuer)


@pytest.mark.parametrize("size", [1, 3])
def test_the_awards_page_keeps_its_query_count(client, micro, reviewer, school, size, django_assert_num_queries):
    for n in range(size):
        educator = UserFactory(email=f"educator{n}@school.test")
        StaffAssignmentFactory(user=educator, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
        educators.review(submission=submit(micro, educator), reviewer=reviewer, levels=levels(micro), feedback="", award=True)
    client.force_login(reviewer)
    with django_assert_num_queries(4):  # session, user, standing, the awards
        response = client.get(reverse("credentials:micro-awards"))
    assert len(response.context["awards"]) == size

"""Issue 21, item 2 (CLR 2.0): the year-end learner record bundles the credentials in force, at the family's choice."""

import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AccessEvent
from credentials import clr, services, verify
from credentials.models import LearnerRecord
from tests.credentials.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_credentials(student, guardian, mastered, competencies, teacher):
    record(student, competencies[1], teacher)
    return [services.issue(student=student, competency_id=c.pk, chosen_by=guardian) for c in (mastered, competencies[1])]


def test_the_record_bundles_the_credentials_in_force_and_verifies(student, guardian, two_credentials, case_manager, tmp_path):
    services.revoke(two_credentials[1], by=case_manager, note="Wrong competency")
    learner_record = clr.make(student=student, chosen_by=guardian)
    subject = learner_record.document["credentialSubject"]
    assert learner_record.document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert [c["id"] for c in subject["verifiableCredential"]] == [f"urn:uuid:{two_credentials[0].uuid}"]
    assert clr.check(learner_record.document) == []
    result = verify.verify(learner_record.jwt)
    assert result.is_valid and "1 bundled credential verified one by one" in result.checks
    signed = verify.verify(json.dumps(learner_record.document))  # the .json copy: its own Data Integrity proof
    assert signed.is_valid and "Data Integrity proof (eddsa-rdfc-2022)" in signed.checks
    changed = json.loads(json.dumps(learner_record.document))
    changed["validFrom"] = changed["validFrom"].replace("20", "19", 1)
    assert verify.verify(changed).state == verify.TAMPERED
    path = tmp_path / "record.jwt"
    path.write_text(learner_record.jwt)
    out = StringIO()
    call_command("verify_credential", str(path), stdout=out)
    assert "VALID" in out.getvalue()
    assert student.first_name not in json.dumps(learner_record.document)


def test_a_record_with_a_revoked_credential_reads_revoked(student, guardian, two_credentials, case_manager, tmp_path):
    learner_record = clr.make(student=student, chosen_by=guardian)
    services.revoke(two_credentials[0], by=case_manager, note="Wrong student")
    assert verify.verify(learner_record.jwt).state == verify.REVOKED
    path = tmp_path / "record.jwt"
    path.write_text(learner_record.jwt)
    with pytest.raises(CommandError, match="revoked"):
        call_command("verify_credential", str(path), stdout=StringIO())


def test_a_structure_problem_is_found():
    assert "credentialSubject.verifiableCredential needs at least one credential" in clr.check(
        {"type": ["VerifiableCredential", "ClrCredential"], "credentialSubject": {"type": ["ClrSubject"], "identifier": [{}]}})


def test_nothing_to_bundle_is_refused(student, guardian, issuer):
    with pytest.raises(ValidationError):
        clr.make(student=student, chosen_by=guardian)
    assert not LearnerRecord.objects.exists()


def test_school_year_runs_august_to_july():
    assert clr.school_year(datetime(2027, 7, 31)) == "2026-2027" and clr.school_year(datetime(2027, 8, 1)) == "2027-2028"


def test_the_family_makes_and_downloads_the_record(client, student, guardian, two_credentials):
    client.force_login(guardian)
    body = client.get(reverse("credentials:family-list", args=[student.uuid])).content.decode().split("</title>")[1]
    assert reverse("credentials:record-make", args=[student.uuid]) in body  # in the page, not in its title
    client.post(reverse("credentials:record-make", args=[student.uuid]))
    learner_record = LearnerRecord.objects.get()
    assert learner_record.chosen_by == guardian
    response = client.get(reverse("credentials:record-jwt", args=[student.uuid, learner_record.uuid]))
    assert response.content.decode() == learner_record.jwt
    response = client.get(reverse("credentials:record-json", args=[student.uuid, learner_record.uuid]))
    assert json.loads(response.content) == learner_record.document
    events = AccessEvent.objects.filter(student=student, route_name__startswith="credentials:record-")
    assert sorted(events.values_list("route_name", flat=True)) == ["credentials:record-json", "credentials:record-jwt", "credentials:record-make"]

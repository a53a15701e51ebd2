"""Issue 21, items 1-2: the district as issuer, its keys, and the credential of a mastered competency (T2, T3)."""

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from competencies.models import Mastery
from credentials import keys, selectors, services
from credentials.models import SigningKey, StudentCredential
from tests.credentials.conftest import record

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "badges"
SCHEMA = json.loads((SAMPLES / "schema" / "achievementcredential.json").read_text())


def test_the_app_validates_with_the_schema_shipped_as_test_data():
    """The schema the app reads is the spec's file, unchanged (tests/data/samples/badges/schema)."""
    app_copy = Path(__file__).resolve().parents[2] / "credentials" / "spec" / "achievementcredential.json"
    assert json.loads(app_copy.read_text()) == SCHEMA


@pytest.mark.parametrize("example", ["ob3-basic-openbadgecredential.json", "ob3-skill-assertion-case-competency.json"])
def test_spec_examples_validate_against_the_schema(example):
    jsonschema.Draft201909Validator(SCHEMA).validate(json.loads((SAMPLES / example).read_text()))


def test_a_mastered_badged_competency_gives_a_credential_that_validates_and_verifies_with_the_published_jwks(
        client, student, guardian, mastered, issuer):
    """The credential validates against achievementcredential.json, its JWT verifies with the JWK set served at the
    issuer's stable URL; achievement aligned to the CASE item; result is a level of the scale; learner hashed."""
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)

    jsonschema.Draft201909Validator(SCHEMA).validate(credential.document)
    response = client.get(reverse("credentials:jwks", args=[issuer.district_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/jwk-set+json"
    key_set = KeySet.import_key_set(response.json())
    token = jwt.decode(credential.jwt, key_set, algorithms=["RS256"])
    claims = token.claims
    jsonschema.Draft201909Validator(SCHEMA).validate({k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "iat")})
    assert token.header["kid"].startswith(issuer.jwks_url + "#")
    assert claims["iss"] == issuer.issuer_id == claims["issuer"]["id"] and claims["jti"] == f"urn:uuid:{credential.uuid}"

    subject = claims["credentialSubject"]
    alignment = subject["achievement"]["alignment"][0]
    assert alignment["targetType"] == "CFItem" and alignment["targetUrl"] == mastered.uri
    levels = subject["achievement"]["resultDescription"][0]["rubricCriterionLevel"]
    reached = next(level for level in levels if level["id"] == subject["result"][0]["achievedLevel"])
    assert reached["name"] == "Proficient"  # decaying average of 3 then 4 = 3.65: level 3 of 4
    identity = subject["identifier"][0]
    assert identity["hashed"] and identity["identityHash"] == "sha256$" + hashlib.sha256(("S-1042" + identity["salt"]).encode()).hexdigest()
    # T3: no name, email or Waypoint id of the student in clear, in either copy
    for text in (json.dumps(claims), json.dumps(credential.document)):
        for secret in (student.first_name, student.last_name, str(student.uuid), guardian.email, "S-1042"):
            assert secret not in text
    assert claims["evidence"][0]["id"].endswith(reverse("credentials:evidence", args=[credential.uuid]))


def test_issuer_profile_is_published(client, issuer):
    profile = client.get(reverse("credentials:issuer", args=[issuer.district_id])).json()
    assert profile["id"] == issuer.issuer_id and profile["type"] == ["Profile"] and profile["email"] == issuer.email


def test_nothing_is_issued_for_a_competency_not_mastered_or_not_badged(student, guardian, competencies, teacher, badged, issuer):
    """Mastery comes from the competencies app's stored state (its one rule): one result of 2 is not mastery."""
    from decimal import Decimal

    record(student, competencies[1], teacher, scores=(Decimal(2),))
    assert not Mastery.objects.filter(student=student, competency=competencies[1]).mastered().exists()
    with pytest.raises(ValidationError):
        services.issue(student=student, competency_id=competencies[1].pk, chosen_by=guardian)
    badged.delete()
    record(student, competencies[2], teacher)
    with pytest.raises(ValidationError):
        services.issue(student=student, competency_id=competencies[2].pk, chosen_by=guardian)
    assert not StudentCredential.objects.exists()


def test_a_teachers_override_below_mastery_takes_the_offer_away(student, guardian, mastered, issuer, case_manager):
    """The offer reads the effective state (a teacher's override counts), as every page does."""
    from decimal import Decimal

    from competencies import services as competency_services

    assert selectors.offers(student, issuer).count() == 1
    competency_services.override_mastery(student=student, competency=mastered, value=Decimal(2), reason="Re-checked", overridden_by=case_manager)
    assert selectors.offers(student, issuer).count() == 0


def test_one_live_credential_per_competency(student, guardian, mastered):
    services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    with pytest.raises(ValidationError):
        services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    assert StudentCredential.objects.count() == 1


def test_private_keys_are_never_in_the_database(student, guardian, mastered, settings):
    services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    assert SigningKey.objects.count() == 2  # RS256 and Ed25519
    for key in SigningKey.objects.all():
        assert "d" not in key.public_jwk and "p" not in key.public_jwk
        path = Path(settings.CREDENTIALS_KEY_DIR) / f"{key.name}.pem"
        assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"


def test_rotation_keeps_credentials_already_issued_verifiable(client, student, guardian, mastered, competencies, teacher, issuer):
    from credentials import verify

    before = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    keys.rotate(issuer)
    record(student, competencies[1], teacher)
    after = services.issue(student=student, competency_id=competencies[1].pk, chosen_by=guardian)
    published = client.get(reverse("credentials:jwks", args=[issuer.district_id])).json()["keys"]
    assert len(published) == 4 and SigningKey.objects.filter(retired_at__isnull=True).count() == 2
    assert verify.verify(before.jwt).is_valid and verify.verify(before.document).is_valid
    assert verify.verify(after.jwt).is_valid and verify.verify(after.document).is_valid
    assert _kid(before.jwt) != _kid(after.jwt)


def _kid(token: str) -> str:
    from credentials.verify import _header

    return _header(token)["kid"]


def test_a_missing_key_in_production_is_a_clear_error(student, guardian, mastered, issuer, settings):
    settings.CREDENTIALS_DEV_KEYS = False
    with pytest.raises(keys.MissingKey, match="rotate_credential_keys"):
        services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    settings.CREDENTIALS_DEV_KEYS = True
    keys.rotate(issuer)
    for path in Path(settings.CREDENTIALS_KEY_DIR).glob("*.pem"):
        path.unlink()
    settings.CREDENTIALS_DEV_KEYS = False
    with pytest.raises(keys.MissingKey, match="WAYPOINT_CREDENTIAL_KEY_"):
        services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    assert not StudentCredential.objects.exists()


def test_a_private_key_can_come_from_the_environment(student, guardian, mastered, issuer, settings, monkeypatch):
    rows = keys.rotate(issuer)
    for row in rows:
        path = Path(settings.CREDENTIALS_KEY_DIR) / f"{row.name}.pem"
        monkeypatch.setenv(keys._env_name(row.name), path.read_text())
        path.unlink()
    settings.CREDENTIALS_DEV_KEYS = False
    credential = services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    assert _kid(credential.jwt) == rows[0].kid


def test_rotate_command(issuer):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rotate_credential_keys", district=issuer.district_id, stdout=out)
    assert "RS256" in out.getvalue() and "EdDSA" in out.getvalue()


def test_issuing_without_a_public_url_is_a_clear_error(student, guardian, mastered, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.WAYPOINT_PUBLIC_URL = ""
    with pytest.raises(ImproperlyConfigured, match="WAYPOINT_PUBLIC_URL"):
        services.issue(student=student, competency_id=mastered.pk, chosen_by=guardian)
    assert not StudentCredential.objects.exists()

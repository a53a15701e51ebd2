"""The OpenBadgeCredential of one mastered competency, as JSON (docs/standards.md section 3.2).

What goes in: the competency aligned to its CASE item, the level reached on the framework's proficiency scale,
one evidence link that only people allowed to see the student can open, and the learner as a salted SHA-256
hash of the district's student number (never a name, an email or Waypoint's own id in clear).

A credential is a portable document read by people anywhere: its text is written in English, whatever language
the family member who chose it reads Waypoint in."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from django.urls import reverse

from competencies.models import Competency, Mastery, ProficiencyLevel
from roster.models import Student

from .models import IssuerProfile, public_url

OB_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ACHIEVEMENT_NAMESPACE = uuid.UUID("b4d9e0c2-21a0-4f3e-9b7a-0c5e1f2a3b21")


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(issuer: IssuerProfile) -> dict:
    profile = {"id": issuer.issuer_id, "type": ["Profile"], "name": issuer.name, "url": issuer.url, "email": issuer.email}
    if issuer.description:
        profile["description"] = issuer.description
    if issuer.image_url:
        profile["image"] = {"id": issuer.image_url, "type": "Image"}
    return profile


def status_entry(issuer: IssuerProfile, status_index: int) -> dict:
    """The credential's place in its issuer's revocation list (status.py)."""
    return {"id": f"{issuer.status_list_url}#{status_index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(status_index), "statusListCredential": issuer.status_list_url}


def learner_identifier(student: Student, salt: str) -> dict:
    # The district's own numbers first: a verifier the family shows the credential to can match them.
    if student.student_number:
        identity, identity_type = student.student_number, "sisSourcedId"
    elif student.sourced_id:
        identity, identity_type = student.sourced_id, "sourcedId"
    else:
        identity, identity_type = str(student.uuid), "systemId"
    digest = hashlib.sha256((identity + salt).encode()).hexdigest()
    return {"type": "IdentityObject", "identityType": identity_type, "hashed": True, "salt": salt,
            "identityHash": f"sha256${digest}"}


def _scale_id(competency: Competency) -> str:
    return f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, 'scale:' + competency.framework.identifier)}"


def _level_id(competency: Competency, value: int) -> str:
    return f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, f'level:{competency.framework.identifier}:{value}')}"


def achievement(competency: Competency, levels: list[ProficiencyLevel], narrative: str) -> dict:
    framework = competency.framework
    result_description = _scale_id(competency)
    alignment = {"type": ["Alignment"], "targetType": "CFItem", "targetName": competency.statement[:500],
                 "targetUrl": competency.uri or framework.uri or framework.source_uri,
                 "targetFramework": framework.title}
    if competency.code or competency.identifier:
        alignment["targetCode"] = competency.identifier
    found = {
        "id": f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, 'achievement:' + competency.identifier)}",
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": competency.plain_statement("en"),
        "description": competency.plain_statement("en"),
        "criteria": {"narrative": narrative},
        "alignment": [alignment] if alignment["targetUrl"] else [],
        "resultDescription": [{
            "id": result_description, "type": ["ResultDescription"], "name": framework.scale.name,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [{"id": _level_id(competency, level.value), "type": ["RubricCriterionLevel"],
                                      "name": level.label, "level": str(level.value),
                                      **({"description": level.description} if level.description else {})}
                                     for level in levels],
        }],
    }
    if competency.code:
        found["humanCode"] = competency.code
    if not found["alignment"]:
        del found["alignment"]
    return found


def build(*, issuer: IssuerProfile, student: Student, mastery: Mastery, levels: list[ProficiencyLevel],
          reached: tuple[int, str], credential_id: uuid.UUID, status_index: int, issued_at: datetime,
          valid_until: datetime | None, salt: str) -> dict:
    competency = mastery.competency
    threshold = competency.framework.scale.mastery_threshold
    narrative = ("Mastered on the district's proficiency scale: reached level %(level)s (%(label)s) of %(top)s, "
                  "where level %(threshold)s or above is mastery, from %(count)s results.") % {
        "level": reached[0], "label": reached[1], "top": max(level.value for level in levels),
        "threshold": threshold.normalize(), "count": mastery.evidence_count}
    credential = {
        "@context": OB_CONTEXT,
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(issuer),
        "validFrom": timestamp(issued_at),
        "name": achievement(competency, levels, narrative)["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [learner_identifier(student, salt)],
            "achievement": achievement(competency, levels, narrative),
            "result": [{"type": ["Result"], "resultDescription": _scale_id(competency),
                        "achievedLevel": _level_id(competency, reached[0])}],
        },
        "evidence": [{
            "id": public_url() + reverse("credentials:evidence", args=[credential_id]),
            "type": ["Evidence"], "name": "Results on this competency (school staff and family only)",
        }],
        "credentialStatus": status_entry(issuer, status_index),
        "credentialSchema": [{"id": SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if mastery.mastered_on:
        credential["awardedDate"] = timestamp(datetime.combine(mastery.mastered_on, datetime.min.time(), tzinfo=UTC))
    if valid_until:
        credential["validUntil"] = timestamp(valid_until)
    return credential

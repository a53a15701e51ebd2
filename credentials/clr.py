"""The year-end Comprehensive Learner Record (CLR 2.0 ClrCredential) of a student: the credentials in force,
each as issued (with its own eddsa-rdfc-2022 proof and status entry), bundled and signed twice like a credential:
as one VC-JWT (.jwt) and with its own Data Integrity proof (.json; the CLR 2.0.1 context is held in spec/contexts).

There is no published JSON Schema for ClrCredential here: `check` tests the structure the CLR 2.0 data model
requires and validates every bundled credential against the OB 3.0 schema."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roster.models import Student

from . import builder, schema, selectors
from .models import LearnerRecord

CLR_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
               "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def school_year(moment: datetime) -> str:
    """August to July, the school year a moment falls in (2026-2027)."""
    start = moment.year if moment.month >= 8 else moment.year - 1
    return f"{start}-{start + 1}"


def build(*, issuer, student: Student, credentials: list, record_id: uuid.UUID, issued_at: datetime, year: str) -> dict:
    documents = [credential.document for credential in credentials]
    return {
        "@context": CLR_CONTEXT,
        "id": f"urn:uuid:{record_id}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": builder.issuer_profile(issuer),
        "validFrom": builder.timestamp(issued_at),
        "name": f"Competencies mastered, school year {year}",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [builder.learner_identifier(student, secrets.token_hex(16))],
            "verifiableCredential": documents,
            "achievement": [document["credentialSubject"]["achievement"] for document in documents],
        },
    }


def check(document: dict) -> list[str]:
    """What is wrong with the CLR's structure (CLR 2.0 data model), and with each bundled credential's schema."""
    problems = []
    if not {"VerifiableCredential", "ClrCredential"} <= set(document.get("type", [])):
        problems.append("type must contain VerifiableCredential and ClrCredential")
    for name in ("id", "issuer", "validFrom", "name", "credentialSubject"):
        if name not in document:
            problems.append(f"{name} is required")
    subject = document.get("credentialSubject", {})
    if "ClrSubject" not in subject.get("type", []):
        problems.append("credentialSubject.type must contain ClrSubject")
    if not subject.get("id") and not subject.get("identifier"):
        problems.append("credentialSubject needs an id or an identifier")
    bundled = subject.get("verifiableCredential") or []
    if not bundled:
        problems.append("credentialSubject.verifiableCredential needs at least one credential")
    for index, credential in enumerate(bundled):
        unsecured = {key: value for key, value in credential.items() if key != "proof"}
        problems += [f"verifiableCredential/{index}/{problem}" for problem in schema.errors(unsecured)]
    return problems


def make(*, student: Student, chosen_by) -> LearnerRecord:
    """The family chose to make this year's learner record. Refused when there is no credential in force."""
    from .services import sign_document, sign_jwt

    issuer = selectors.issuer_for(student)
    credentials = list(selectors.credentials_of(student).filter(revoked_at__isnull=True).defer(None).order_by("issued_at", "pk"))
    if issuer is None or not credentials:
        raise ValidationError(_("A learner record needs at least one credential in force."))
    now = timezone.now().replace(microsecond=0)
    record_id, year = uuid.uuid4(), school_year(timezone.localtime(now))
    document = build(issuer=issuer, student=student, credentials=credentials, record_id=record_id, issued_at=now, year=year)
    problems = check(document)
    if problems:
        raise ValueError(f"The learner record does not conform: {problems}")
    with transaction.atomic():
        record = LearnerRecord.objects.create(uuid=record_id, issuer=issuer, student=student, school_year=year,
                                              chosen_by=chosen_by, issued_at=now, jwt=sign_jwt(document, issuer),
                                              document=sign_document(document, issuer))
        record.credentials.set(credentials)
    return record

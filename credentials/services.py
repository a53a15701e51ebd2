"""Issuing, revoking and withdrawing credentials. Every call comes from a page behind the access door, which
writes the request to the record of access (issue, download, withdrawal and revocation alike)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jwt

from competencies import mastery as mastery_rules
from roster.models import Student

from . import builder, dataintegrity, keys, schema, selectors, status
from .models import IssuerProfile, Revocable, StudentCredential

REGISTERED_CLAIMS = ("iss", "sub", "nbf", "exp", "jti", "iat")


def sign_jwt(credential: dict, issuer: IssuerProfile, algorithm: str | None = None) -> str:
    """The VC-JWT: the credential is the payload, with the registered claims the OB 3.0 JWT proof format names."""
    key, private = keys.signing_key(issuer, algorithm or issuer.jwt_algorithm)
    claims = dict(credential)
    claims.update({"iss": credential["issuer"]["id"], "jti": credential["id"], "iat": int(timezone.now().timestamp()),
                   "nbf": _epoch(credential["validFrom"])})
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    subject = credential.get("credentialSubject", {}).get("id")
    if subject:
        claims["sub"] = subject
    with keys.quiet_eddsa():
        return jwt.encode({"alg": key.algorithm, "kid": key.kid, "typ": "JWT"}, claims, private, algorithms=[key.algorithm])


def _epoch(value: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def sign_document(credential: dict, issuer: IssuerProfile) -> dict:
    """The credential with an eddsa-rdfc-2022 Data Integrity proof by the issuer's Ed25519 key (the .json copy)."""
    _key, private = keys.signing_key(issuer, IssuerProfile.Algorithm.EDDSA)
    method = f"{issuer.issuer_id}#{dataintegrity.multikey(private.public_key)}"
    return dataintegrity.sign(credential, private.private_key, method, credential["validFrom"])


def issue(*, student: Student, competency_id: int, chosen_by) -> StudentCredential:
    """The family member `chosen_by` chose to take the credential for a mastered competency: build, check and sign
    it. Refused (ValidationError, nothing written) when it is not on offer."""
    issuer = selectors.issuer_for(student)
    offer = selectors.offers(student, issuer).filter(competency_id=competency_id).select_related("competency__framework__scale").first()
    if offer is None:
        raise ValidationError(_("This credential is not available: the competency is not mastered, not badged by the "
                                "district, or already has a credential."))
    levels = list(offer.competency.framework.scale.levels.all())
    reached = mastery_rules.level_for(offer.effective_value, [(level.value, level.label) for level in levels])
    now = timezone.now().replace(microsecond=0)
    valid_until = now + timedelta(days=issuer.validity_days) if issuer.validity_days else None
    credential_id = uuid.uuid4()
    for _attempt in range(3):  # two families choosing at once may draw the same random status index
        try:
            with transaction.atomic():
                index = status.new_index(issuer)
                document = builder.build(issuer=issuer, student=student, mastery=offer, levels=levels, reached=reached,
                                         credential_id=credential_id, status_index=index, issued_at=now,
                                         valid_until=valid_until, salt=secrets.token_hex(16))
                schema.validate(document)
                return StudentCredential.objects.create(
                    uuid=credential_id, issuer=issuer, student=student, competency=offer.competency, status_index=index,
                    chosen_by=chosen_by, issued_at=now, valid_until=valid_until, jwt=sign_jwt(document, issuer),
                    document=sign_document(document, issuer))
        except IntegrityError:
            if StudentCredential.objects.filter(student=student, competency=offer.competency, revoked_at__isnull=True).exists():
                raise ValidationError(_("This credential was already issued.")) from None
    raise ValidationError(_("The credential could not be issued. Please try again."))


def end(signed: Revocable, *, by, note: str = "", **fields) -> Revocable:
    """The one way a signed credential ends (a student's credential or an educator's award): who, when, why; the
    issuer's status list then sets its bit (status.revoked_indexes). Refused when it already ended."""
    updated = type(signed).objects.filter(pk=signed.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by, revocation_note=note, **fields)
    if not updated:
        raise ValidationError(_("This credential was already revoked."))
    signed.refresh_from_db()
    return signed


def reason(note: str) -> str:
    """A revocation needs a reason (the holder reads it): refused, nothing changed, without one."""
    if not note.strip():
        raise ValidationError(_("Please say why the credential is revoked."))
    return note.strip()


def withdraw(credential: StudentCredential, *, by) -> StudentCredential:
    """The family withdraws sharing: the status list marks the credential revoked and its public page no longer
    shows what it says."""
    return end(credential, by=by, revocation=StudentCredential.Revocation.WITHDRAWN)


def revoke(credential: StudentCredential, *, by, note: str) -> StudentCredential:
    return end(credential, by=by, note=reason(note), revocation=StudentCredential.Revocation.REVOKED)



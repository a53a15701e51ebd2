"""THE verifier of credentials: the public page and `manage.py verify_credential` both call `verify`.

A credential comes as a compact VC-JWT (the .jwt file) or as JSON with an embedded eddsa-rdfc-2022 proof (the
.json file). Checks, in order: the signature against the issuers' published keys (no network: the keys are this
server's own), the OB 3.0.3 JSON Schema, the claims that must repeat the credential, the validity dates, and the
revocation bit in the issuer's Bitstring Status List. The answer is one of the states below."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from joserfc import jwt
from joserfc.errors import JoseError

from . import dataintegrity, keys, schema, status
from .models import IssuerProfile, SigningKey

VALID = "valid"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
TAMPERED = "tampered"  # the signature does not match, or no published key made it
INVALID = "invalid"  # signed by a known key, but not a well-formed credential
LABELS = {
    VALID: gettext_lazy("Valid"),
    REVOKED: gettext_lazy("Revoked"),
    EXPIRED: gettext_lazy("Expired"),
    NOT_YET_VALID: gettext_lazy("Not valid yet"),
    TAMPERED: gettext_lazy("Not genuine: changed or not signed by the issuer"),
    INVALID: gettext_lazy("Not a valid credential"),
}


@dataclass
class Verification:
    state: str
    credential: dict | None = None
    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LABELS[self.state])

    @property
    def is_valid(self) -> bool:
        return self.state == VALID

    @property
    def valid_from(self) -> datetime | None:
        """The credential's validFrom as a date and time (None when absent or not a date), for people to read."""
        return _date(self.credential.get("validFrom")) if self.credential and self.credential.get("validFrom") else None

    @property
    def valid_until(self) -> datetime | None:
        return _date(self.credential.get("validUntil")) if self.credential and self.credential.get("validUntil") else None


def _header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _from_jwt(token: str, result: Verification) -> dict | None:
    try:
        header = _header(token)
    except (ValueError, UnicodeDecodeError):
        result.problems.append(_("The file is not a JSON Web Token"))
        return None
    key = SigningKey.objects.filter(kid=str(header.get("kid", ""))).first()
    if key is None:
        result.problems.append(_("No published key has the id %(kid)r") % {"kid": header.get("kid")})
        return None
    if header.get("alg") not in keys.VERIFY_ALGORITHMS or (header["alg"] == "RS256") != (key.algorithm == "RS256"):
        result.problems.append(_("The algorithm %(alg)r does not fit the key") % {"alg": header.get("alg")})
        return None
    try:
        with keys.quiet_eddsa():
            claims = jwt.decode(token, keys.published_key_set(), algorithms=[header["alg"]]).claims
    except (JoseError, ValueError) as error:
        result.problems.append(_("The signature does not match: %(error)s") % {"error": error.__class__.__name__})
        return None
    result.checks.append(_("Signature (%(alg)s) by the published key %(kid)s") % {"alg": header["alg"], "kid": key.kid})
    credential = claims["vc"] if isinstance(claims.get("vc"), dict) else {
        name: value for name, value in claims.items() if name not in ("iss", "sub", "nbf", "exp", "jti", "iat")}
    issuer_id = _issuer_id(credential)
    if claims.get("iss") != issuer_id or claims.get("jti") != credential.get("id"):
        result.problems.append(_("The token's iss or jti does not repeat the credential's issuer and id"))
    elif issuer_id != key.issuer.issuer_id:
        result.problems.append(_("The key that signed is not the issuer's"))
    return credential


def _published_ed25519(method: str):
    """A verificationMethod `<issuer id>#<multikey>` of one of this server's issuers, to its key (None otherwise)."""
    issuer_id, _sep, fragment = method.partition("#")
    for key in SigningKey.objects.filter(algorithm=IssuerProfile.Algorithm.EDDSA).select_related("issuer"):
        if key.issuer.issuer_id == issuer_id:
            public = dataintegrity.public_key_from_multikey(fragment) if fragment.startswith("z") else None
            if public is not None and dataintegrity.multikey(public) == fragment and _jwk_x(public) == key.public_jwk.get("x"):
                return public
    return None


def _jwk_x(public) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.urlsafe_b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode().rstrip("=")


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _from_document(document: dict, result: Verification, resolve_key) -> dict | None:
    try:
        credential = dataintegrity.verify(document, resolve_key)
    except dataintegrity.ProofError as error:
        result.problems.append(str(error))
        return None
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    if any(str(proof.get("verificationMethod", "")).partition("#")[0] != _issuer_id(credential) for proof in proofs):
        result.problems.append(_("The proof's key is not the issuer's"))
        return None
    result.checks.append(_("Data Integrity proof (eddsa-rdfc-2022)"))
    return credential


def _date(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _status(credential: dict, result: Verification) -> bool | None:
    """True when the issuer's status list marks the credential revoked; None when there is no entry we can read."""
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return None
    issuer = next((issuer for issuer in IssuerProfile.objects.all() if issuer.status_list_url == entry.get("statusListCredential")), None)
    if issuer is None:
        result.problems.append(_("The status list is not one of this server's (not checked)"))
        return None
    bits = status.decode(status.encode(status.revoked_indexes(issuer)))
    result.checks.append(_("Status list (W3C Bitstring Status List, revocation)"))
    return status.is_set(bits, int(entry.get("statusListIndex", -1)))


def verify(data: str | bytes | dict, *, resolve_key=None, now: datetime | None = None) -> Verification:
    """Verify a credential given as a compact JWT, as JSON text, or as a parsed JSON object."""
    result = Verification(state=TAMPERED)
    if isinstance(data, bytes):
        try:
            data = data.decode()
        except UnicodeDecodeError:
            result.problems.append(_("The file is not text"))
            return result
    if isinstance(data, str):
        text = data.strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except ValueError:
                result.problems.append(_("The file is not JSON"))
                return result
        else:
            credential = _from_jwt(text, result)
            data = None
    if isinstance(data, dict):
        credential = _from_document(data, result, resolve_key or _published_ed25519)
    if credential is None or result.problems:
        return result
    result.credential = credential
    now = now or datetime.now(UTC)
    if "ClrCredential" in credential.get("type", []):
        return _clr(credential, result, resolve_key, now)
    problems = schema.errors(credential)
    if problems:
        result.state, result.problems = INVALID, problems
        return result
    result.checks.append(_("OB 3.0 AchievementCredential JSON Schema"))
    starts, ends = _date(credential.get("validFrom")), _date(credential.get("validUntil")) if credential.get("validUntil") else None
    if _status(credential, result):
        result.state = REVOKED
    elif starts and starts > now:
        result.state = NOT_YET_VALID
    elif ends and ends < now:
        result.state = EXPIRED
    else:
        result.state = VALID
    return result


def _clr(credential: dict, result: Verification, resolve_key, now: datetime) -> Verification:
    """A CLR 2.0 learner record: its structure, then every bundled credential verified on its own (proof, schema,
    dates, status). The record is only as good as the weakest credential in it."""
    from . import clr

    problems = clr.check(credential)
    if problems:
        result.state, result.problems = INVALID, problems
        return result
    result.checks.append(_("CLR 2.0 ClrCredential structure"))
    inner = [verify(bundled, resolve_key=resolve_key, now=now) for bundled in credential["credentialSubject"]["verifiableCredential"]]
    worst = next((found for found in inner if not found.is_valid), None)
    if worst is not None:
        result.state = worst.state
        result.problems = [f"{(found.credential or {}).get('id', '?')}: {found.label}" for found in inner if not found.is_valid]
        return result
    result.checks.append(ngettext("%(n)d bundled credential verified one by one", "%(n)d bundled credentials verified one by one",
                                  len(inner)) % {"n": len(inner)})
    ends = _date(credential["validUntil"]) if credential.get("validUntil") else None
    result.state = EXPIRED if ends and ends < now else VALID
    return result


def of_record(signed) -> Verification:
    """This server's page about one of its own credentials (a student's or an educator's award): `verify` on the
    signed token. An award made before awards had status list entries cannot carry its revocation in the list; the
    issuer's own record says it instead."""
    result = verify(signed.jwt)
    if signed.is_revoked and signed.status_index is None and result.state not in (TAMPERED, INVALID, REVOKED):
        result.state = REVOKED
        result.checks.append(_("The issuer's record (this credential predates its status list entry)"))
    return result

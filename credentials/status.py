"""Revocation through the W3C Bitstring Status List v1.0: one list per issuer, statusPurpose "revocation".

Each credential (a student's, or an educator's micro-credential award) holds a random index into its issuer's list
(random so that the index says nothing about when or for whom it was issued); the bit at that index is 1 once the
credential is revoked or the family withdrew it.
The list is served as a VC-JWT (a BitstringStatusListCredential signed with the issuer's RS256 key) and read
from the database by this app's own verifier."""

from __future__ import annotations

import base64
import gzip
import secrets

from django.db.models import QuerySet
from django.utils import timezone

from .models import IssuerProfile, PurgedStatus, StudentCredential, Submission

LIST_LENGTH = 131072  # bits: the specification's minimum, 16 KB, for herd privacy


def _listed(issuer: IssuerProfile) -> list[QuerySet]:
    """Every signed credential with an index in the issuer's list: students' credentials and educators' awards."""
    return [StudentCredential.objects.filter(issuer=issuer),
            Submission.objects.filter(micro_credential__issuer=issuer, status_index__isnull=False)]


def _indexes(querysets) -> set[int]:
    return {index for queryset in querysets for index in queryset.values_list("status_index", flat=True)}


def new_index(issuer: IssuerProfile) -> int:
    """A free index of the issuer's list. Call inside the transaction that saves the credential or award: the
    issuer's row stays locked until it commits, so a student's credential and an educator's award drawn at the
    same moment (two tables, no shared unique constraint) never take the same index."""
    list(IssuerProfile.objects.select_for_update().filter(pk=issuer.pk).values_list("pk"))
    taken = _indexes(_listed(issuer))
    taken |= set(PurgedStatus.objects.filter(issuer=issuer).values_list("status_index", flat=True))
    if len(taken) >= LIST_LENGTH:
        raise RuntimeError(f"The status list of {issuer} is full")
    while True:
        index = secrets.randbelow(LIST_LENGTH)
        if index not in taken:
            return index


def revoked_indexes(issuer: IssuerProfile) -> set[int]:
    """Revoked or withdrawn credentials and awards (Revocable.revoked_at, written by services.end), and those of
    purged records."""
    revoked = _indexes(queryset.filter(revoked_at__isnull=False) for queryset in _listed(issuer))
    return revoked | set(PurgedStatus.objects.filter(issuer=issuer).values_list("status_index", flat=True))


def encode(indexes: set[int]) -> str:
    """Index 0 is the most significant bit of the first byte; GZIP, then multibase base64url without padding."""
    bits = bytearray(LIST_LENGTH // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("The encoded list is not multibase base64url")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise ValueError("The status index is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(issuer: IssuerProfile) -> dict:
    from .builder import issuer_profile, timestamp

    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": issuer.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(issuer),
        "validFrom": timestamp(timezone.now()),
        "credentialSubject": {"id": f"{issuer.status_list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": encode(revoked_indexes(issuer))},
    }

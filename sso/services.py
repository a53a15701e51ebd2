"""Who a provider's answer is, linking and unlinking. Accounts come from the roster only: an answer that
matches no account of the provider's district signs no one in and creates nothing. A family member's own
Google or Microsoft account (a provider without a district) is never matched: it signs in only once its owner,
signed in, has linked it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import security_events
from accounts.models import SecurityEvent, User
from roster.models import Guardianship, RosterIdentity, StaffAssignment, Student

from .models import IdentityProvider, LinkedIdentity
from .policy import is_family_account

logger = logging.getLogger(__name__)

# amr values (RFC 8176) that mean more than a password was used.
MFA_AMR = frozenset({"mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "retina", "vbm"})


class Outcome:
    SIGNED_IN = "signed_in"
    UNKNOWN = "unknown"
    INACTIVE = "inactive"
    LINKED = "linked"
    TAKEN = "taken"  # the provider's account is linked to another Waypoint account
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class Match:
    outcome: str
    user: User | None = None
    linked_now: bool = False


def district_people(district) -> Q:
    """Accounts that belong to a district: its staff, its students, their families."""
    return (Q(pk__in=StaffAssignment.objects.filter(district=district).values("user"))
            | Q(pk__in=Student.objects.filter(school__district=district, user__isnull=False).values("user"))
            | Q(pk__in=Guardianship.objects.filter(student__school__district=district, is_active=True).values("guardian")))


def _candidate(provider: IdentityProvider, claims: dict) -> User | None:
    if provider.for_families:
        return None  # a personal account proves nothing about the roster: only a link its owner made counts
    value = claims.get(provider.claim)
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    people = User.objects.filter(district_people(provider.district))
    if provider.match_by == IdentityProvider.Match.EMAIL:
        # An email the provider has not verified proves nothing; Entra ID's `email` is never verified, so
        # districts on Microsoft match on the roster identifier or `preferred_username` marked verified by policy.
        if claims.get("email_verified") is not True and provider.claim == "email":
            return None
        return people.filter(email__iexact=value).first()
    staff_or_family = RosterIdentity.objects.filter(district=provider.district, sourced_id=value).values("user")
    students = Student.objects.filter(school__district=provider.district, sourced_id=value).values("user")
    return people.filter(Q(pk__in=staff_or_family) | Q(pk__in=students)).first()


def _turned_off(user: User, provider: IdentityProvider) -> bool:
    """An account turned off, or a student whose roster record an import turned off (the import keeps her
    account active so her family's access follows the record, not the account); through a family's own
    account, anyone who is no longer a family account (the roster ended their guardianships)."""
    if provider.for_families:
        return not is_family_account(user)
    return not user.is_active or Student.objects.filter(user=user, is_active=False).exists()


def match(*, provider: IdentityProvider, claims: dict, ip_address: str | None) -> Match:
    """The account this answer is for: by the linked subject, else by the district's chosen claim (then
    linked, written to the account's trail and emailed to its owner). Deactivated accounts are refused."""
    issuer, subject = provider.issuer_url, str(claims["sub"])
    link = LinkedIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is not None:
        if _turned_off(link.user, provider):
            return Match(Outcome.INACTIVE, link.user)
        LinkedIdentity.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
        return Match(Outcome.SIGNED_IN, link.user)
    user = _candidate(provider, claims)
    if user is None:
        return Match(Outcome.UNKNOWN)
    if _turned_off(user, provider):
        return Match(Outcome.INACTIVE, user)
    try:
        with transaction.atomic():
            LinkedIdentity.objects.filter(user=user, provider=provider).delete()  # the provider re-issued subjects
            LinkedIdentity.objects.create(user=user, provider=provider, issuer=issuer, subject=subject,
                                          last_used_at=timezone.now())
            security_events.record(user=user, kind=SecurityEvent.Kind.SSO_LINKED, ip_address=ip_address)
    except IntegrityError:
        logger.warning("SSO subject of provider %s already linked (concurrent sign-in)", provider.pk)
        return Match(Outcome.UNKNOWN)
    return Match(Outcome.SIGNED_IN, user, linked_now=True)


def link_own_account(*, user: User, provider: IdentityProvider, claims: dict, ip_address: str | None) -> str:
    """A signed-in family member links their own Google or Microsoft account (a provider for families).
    Written to the account's trail and emailed to its owner, like a link made by a district sign-in."""
    if not provider.for_families or not is_family_account(user):
        return Outcome.NOT_ALLOWED
    issuer, subject = provider.issuer_url, str(claims["sub"])
    existing = LinkedIdentity.objects.filter(issuer=issuer, subject=subject).first()
    if existing is not None:
        return Outcome.LINKED if existing.user_id == user.pk else Outcome.TAKEN
    try:
        with transaction.atomic():
            LinkedIdentity.objects.filter(user=user, provider=provider).delete()  # another account of the same kind
            LinkedIdentity.objects.create(user=user, provider=provider, issuer=issuer, subject=subject)
            security_events.record(user=user, kind=SecurityEvent.Kind.SSO_LINKED, ip_address=ip_address)
    except IntegrityError:
        return Outcome.TAKEN
    return Outcome.LINKED


def providers_to_link(user: User) -> list[IdentityProvider]:
    """The family providers this person could link now (none for staff and students)."""
    if not is_family_account(user):
        return []
    return list(IdentityProvider.objects.filter(district__isnull=True, enabled=True)
                .exclude(identities__user=user).order_by("order", "name"))


def counts_as_two_step(*, provider: IdentityProvider, claims: dict) -> bool:
    """Whether the district trusts this provider's word that the person used two-step sign-in."""
    if not provider.trust_mfa_claims:
        return False
    amr = claims.get("amr") or []
    if isinstance(amr, list) and MFA_AMR.intersection(str(a).lower() for a in amr):
        return True
    return str(claims.get("acr", "")) in set(provider.mfa_acr_values.split()) - {""}


def linked_identities(user: User) -> list[LinkedIdentity]:
    return list(LinkedIdentity.objects.filter(user=user).select_related("provider"))


@transaction.atomic
def unlink(*, user: User, identity_id: int, ip_address: str | None) -> bool:
    deleted, _ = LinkedIdentity.objects.filter(user=user, pk=identity_id).delete()
    if deleted:
        security_events.record(user=user, kind=SecurityEvent.Kind.SSO_UNLINKED, ip_address=ip_address)
    return bool(deleted)

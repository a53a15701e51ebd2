"""Sign-in lockouts (quality.md T5.2): tell the account owner once, and let them or the district unlock.

django-axes refuses the sign-in (5 failures of one username from one address lock it for 15 minutes).
Here, on its `user_locked_out` signal:
- an unknown username or an inactive account: nothing at all, so the answer cannot reveal which emails exist;
- a known account: one `Lockout` row per continuous lockout from one network, saved before anything is sent;
  the email goes after commit through a task, and `sweep_unsent` (beat) sends what a lost task dropped.
Unlocking removes axes' attempt rows for the account and ends the open lockouts, saying who and how.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from notifications.outbox import send_once, sweep, unsent

from .models import Lockout, User
from .owner_email import send_to_owner

logger = logging.getLogger(__name__)


def coarse_network(ip_address: str | None) -> str:
    """203.0.113.7 -> 203.0.113.x; an IPv6 address -> its /48. Unknown -> "unknown"."""
    try:
        address = ipaddress.ip_address((ip_address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 4:
        return ".".join(str(address).split(".")[:3] + ["x"])
    return str(ipaddress.ip_network(f"{address}/48", strict=False))


def _cooloff():
    return settings.AXES_COOLOFF_TIME


def record_lockout(*, username: str | None, ip_address: str | None) -> Lockout | None:
    """Called on every refused or locking failure. Returns the new Lockout when this failure starts one."""
    user = User.objects.filter(email=(username or "").strip().lower(), is_active=True).first()
    if user is None:
        return None
    network = coarse_network(ip_address)
    now = timezone.now()
    with transaction.atomic():
        current = Lockout.objects.select_for_update().filter(user=user, network=network, ended_at=None).first()
        if current is not None and now - current.last_failure_at <= _cooloff():
            Lockout.objects.filter(pk=current.pk).update(last_failure_at=now)  # the same lockout goes on
            return None
        if current is not None:  # the last one ran out without anyone noticing: close it
            Lockout.objects.filter(pk=current.pk).update(
                ended_at=current.last_failure_at + _cooloff(), end_reason=Lockout.End.EXPIRED
            )
        try:
            with transaction.atomic():
                lockout = Lockout.objects.create(user=user, network=network, locked_at=now, last_failure_at=now)
        except IntegrityError:
            return None  # a concurrent failure opened it first; that one sends the email
        transaction.on_commit(lambda: _queue(lockout.pk), robust=True)
    return lockout


def _queue(lockout_id: int) -> None:
    from .tasks import send_lockout_notice

    send_lockout_notice.delay(lockout_id=lockout_id)


def send_notice(*, lockout_id: int) -> bool:
    """Email the owner about one lockout, once (notifications.outbox.send_once: claim, send and mark in one
    transaction; a refused email is recorded for the district administrator, T8.6)."""
    lockout = Lockout.objects.select_related("user").get(pk=lockout_id)
    user = lockout.user
    base = settings.WAYPOINT_BASE_URL.rstrip("/")

    def send() -> None:
        send_to_owner(user, "lockout", lambda: {
            "lockout": lockout, "minutes": int(_cooloff().total_seconds() // 60),
            "locked_at": timezone.localtime(lockout.locked_at), "reset_link": base + reverse("accounts:password-reset"),
        })

    return send_once(Lockout.objects.filter(pk=lockout_id), "notified_at", send, to=[user.email])


def sweep_unsent() -> int:
    """Send every lockout email still owed (a broker that was down dropped its task), except those that
    failed for good and wait for a person (T8.6)."""
    return sweep(unsent(Lockout.objects.all(), "notified_at").values_list("pk", flat=True),
                 lambda pk: send_notice(lockout_id=pk), "lockout notice")


# --- Who is locked out, and unlocking ------------------------------------------------------------------


@dataclass(frozen=True)
class LockedAccount:
    user: User
    networks: list[str]
    since: datetime
    until: datetime


def locked_accounts(people: QuerySet[User]) -> list[LockedAccount]:
    """Accounts among `people` that axes refuses right now, in two queries."""
    attempts = list(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gt=timezone.now() - _cooloff()
        ).values("username", "ip_address", "attempt_time")
    )
    by_email: dict[str, list[dict]] = {}
    for attempt in attempts:
        by_email.setdefault((attempt["username"] or "").lower(), []).append(attempt)
    users = people.filter(email__in=list(by_email)).order_by("last_name", "first_name", "pk") if by_email else []
    found = []
    for user in users:
        rows = by_email[user.email]
        last = max(r["attempt_time"] for r in rows)
        found.append(LockedAccount(user=user, networks=sorted({coarse_network(r["ip_address"]) for r in rows}),
                                   since=min(r["attempt_time"] for r in rows), until=last + _cooloff()))
    return found


def recent_unlocks(people: QuerySet[User], limit: int = 20) -> QuerySet[Lockout]:
    """The audit trail of lockouts ended by a person (the administrator or the owner's new password)."""
    return (Lockout.objects.filter(user__in=people, end_reason__in=[Lockout.End.UNLOCKED, Lockout.End.PASSWORD_RESET])
            .select_related("user", "ended_by").order_by("-ended_at", "-pk")[:limit])


@transaction.atomic
def unlock(*, user: User, by: User | None, reason: str) -> int:
    """Let `user` sign in again from everywhere: delete axes' attempt rows for the account and end its open
    lockouts, recording who unlocked and how (an unlock with no lockout row on file gets one, so the
    trail is complete). Returns the number of attempt rows removed."""
    _, per_model = AccessAttempt.objects.filter(username__iexact=user.email).delete()
    removed = per_model.get(AccessAttempt._meta.label, 0)
    now = timezone.now()
    ended = Lockout.objects.filter(user=user, ended_at=None).update(ended_at=now, ended_by=by, end_reason=reason)
    if removed and not ended:
        Lockout.objects.create(user=user, network="unknown", locked_at=now, last_failure_at=now, notified_at=now,
                               ended_at=now, ended_by=by, end_reason=reason)
    logger.info("Account %s unlocked (%s) by %s; %s attempt rows removed", user.pk, reason, getattr(by, "pk", None), removed)
    return removed

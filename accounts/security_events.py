"""Changes to how an account signs in are written down and emailed to its owner (quality.md T5.4).

The row is saved first (it is the account's audit trail and the outbox of its email); the email goes
after commit through a task, and `sweep_unsent` (beat) sends what a lost task dropped. The owner is
told in their own language, with what to do if it was not them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.outbox import send_once, sweep, unsent

from .lockouts import coarse_network
from .models import SecurityEvent, User
from .owner_email import send_to_owner


def record(*, user: User, kind: str, ip_address: str | None) -> SecurityEvent:
    """Write the event and queue its email once the surrounding transaction commits."""
    event = SecurityEvent.objects.create(user=user, kind=kind, network=coarse_network(ip_address))
    transaction.on_commit(lambda: _queue(event.pk), robust=True)
    return event


def _queue(event_id: int) -> None:
    from .tasks import send_security_notice

    send_security_notice.delay(event_id=event_id)


def send_notice(*, event_id: int) -> bool:
    """Email the owner about one event, once (notifications.outbox.send_once)."""
    event = SecurityEvent.objects.select_related("user").get(pk=event_id)
    user = event.user
    base = settings.WAYPOINT_BASE_URL.rstrip("/")

    def send() -> None:
        send_to_owner(user, "security_event", lambda: {
            "event": event, "kinds": SecurityEvent.Kind, "when": timezone.localtime(event.at),
            "reset_link": base + reverse("accounts:password-reset"),
        })

    return send_once(SecurityEvent.objects.filter(pk=event_id), "notified_at", send, to=[user.email])


def sweep_unsent() -> int:
    """Send every security email still owed (a broker that was down dropped its task)."""
    return sweep(unsent(SecurityEvent.objects.all(), "notified_at").values_list("pk", flat=True),
                 lambda pk: send_notice(event_id=pk), "security notice")


def recent_for(user: User, limit: int = 5) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(user=user)[:limit])

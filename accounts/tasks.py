import logging

from celery import current_app, shared_task
from django.conf import settings

from notifications.outbox import EMAIL_TASK_OPTIONS

from . import invitations, lockouts, security_events
from .models import Invitation

logger = logging.getLogger(__name__)


@shared_task(name="accounts.send_invitations", **EMAIL_TASK_OPTIONS)
def task_send_invitations(*, invitation_ids: list[int]) -> None:
    for invitation in Invitation.objects.select_related("user").filter(pk__in=invitation_ids, accepted_at=None):
        invitations.send_invitation(invitation=invitation, base_url=settings.WAYPOINT_BASE_URL)


@shared_task(name="accounts.send_lockout_notice", **EMAIL_TASK_OPTIONS)
def send_lockout_notice(*, lockout_id: int) -> bool:
    return lockouts.send_notice(lockout_id=lockout_id)


@shared_task(name="accounts.sweep_lockout_notices")
def sweep_lockout_notices() -> int:
    """Beat, every few minutes: send the lockout emails a dead broker dropped."""
    sent = lockouts.sweep_unsent()
    if sent:
        logger.info("Lockout notice sweep sent %s emails", sent)
    return sent


@shared_task(name="accounts.send_security_notice", **EMAIL_TASK_OPTIONS)
def send_security_notice(*, event_id: int) -> bool:
    return security_events.send_notice(event_id=event_id)


@shared_task(name="accounts.sweep_security_notices")
def sweep_security_notices() -> int:
    """Beat, every few minutes: send the sign-in change emails a dead broker dropped."""
    sent = security_events.sweep_unsent()
    if sent:
        logger.info("Security notice sweep sent %s emails", sent)
    return sent


@current_app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    sender.add_periodic_task(300.0, sweep_lockout_notices.s(), name="accounts: resend pending lockout emails")
    sender.add_periodic_task(300.0, sweep_security_notices.s(), name="accounts: resend pending sign-in change emails")

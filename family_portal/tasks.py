"""Thin Celery tasks: take IDs, call a service. Each is safe to run twice (quality.md T8.5)."""

import logging
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from notifications.outbox import EMAIL_TASK_OPTIONS, TransientEmailError

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="family_portal.send_highlight_notices", **EMAIL_TASK_OPTIONS)
def send_highlight_notices(*, highlight_id: int) -> int:
    return services.send_highlight_notices(highlight_id=highlight_id)


@shared_task(name="family_portal.tell_author_of_reply", **EMAIL_TASK_OPTIONS)
def tell_author_of_reply(*, reply_id: int) -> int:
    return services.tell_author_of_reply(reply_id=reply_id)


@shared_task(name="family_portal.sweep_outbox")
def sweep_outbox() -> int:
    sent = services.sweep_outbox()
    if sent:
        logger.info("Family portal outbox sweep sent %s emails", sent)
    return sent


@shared_task(name="family_portal.send_weekly_digests", **EMAIL_TASK_OPTIONS)
def send_weekly_digests(*, week: str | None = None) -> int:
    """Beat, Monday morning: last week's digest. `week` (ISO date of a Monday) for a re-run by hand.
    A digest the mail server refused for now makes the task run the week again later (T8.6)."""
    monday = date.fromisoformat(week) if week else services.week_start(timezone.localdate()) - timedelta(days=7)
    sent = services.send_weekly_digests(week=monday)
    logger.info("Weekly digest for the week of %s: %s emails sent", monday, sent)
    if services.digests_being_retried(week=monday):
        raise TransientEmailError(f"weekly digests of {monday} not all sent yet")
    return sent

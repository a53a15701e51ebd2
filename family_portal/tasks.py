"""Thin Celery tasks: take IDs, call a service. Each is safe to run twice (quality.md T8.5)."""

import logging
from datetime import date, timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="family_portal.send_highlight_notices", autoretry_for=(SMTPException, OSError), retry_backoff=True,
             retry_jitter=True, max_retries=5)
def send_highlight_notices(*, highlight_id: int) -> int:
    return services.send_highlight_notices(highlight_id=highlight_id)


@shared_task(name="family_portal.tell_author_of_reply", autoretry_for=(SMTPException, OSError), retry_backoff=True,
             retry_jitter=True, max_retries=5)
def tell_author_of_reply(*, reply_id: int) -> int:
    return services.tell_author_of_reply(reply_id=reply_id)


@shared_task(name="family_portal.sweep_outbox")
def sweep_outbox() -> int:
    sent = services.sweep_outbox()
    if sent:
        logger.info("Family portal outbox sweep sent %s emails", sent)
    return sent


@shared_task(name="family_portal.send_weekly_digests")
def send_weekly_digests(*, week: str | None = None) -> int:
    """Beat, Monday morning: last week's digest. `week` (ISO date of a Monday) for a re-run by hand."""
    monday = date.fromisoformat(week) if week else services.week_start(timezone.localdate()) - timedelta(days=7)
    sent = services.send_weekly_digests(week=monday)
    logger.info("Weekly digest for the week of %s: %s emails sent", monday, sent)
    return sent

"""Thin Celery tasks. The purge is idempotent: a purged student is no longer due (T8.5)."""

from celery import current_app, shared_task
from celery.schedules import crontab

from . import purge


@shared_task(name="privacy.purge_departed")
def purge_departed() -> int:
    return len(purge.purge_due())


@current_app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    sender.add_periodic_task(crontab(minute=30, hour=2), purge_departed.s(), name="privacy: purge records past retention")

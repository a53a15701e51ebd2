"""Thin Celery tasks: take IDs, call a service. Each is safe to run twice (quality.md T8.5)."""

from celery import shared_task

from notifications.outbox import EMAIL_TASK_OPTIONS

from . import notify


@shared_task(name="mtss.send_family_notices", **EMAIL_TASK_OPTIONS)
def send_family_notices(*, plan_id: int) -> int:
    return notify.send_family_notices(plan_id=plan_id)


@shared_task(name="mtss.sweep_outbox")
def sweep_outbox() -> int:
    return notify.sweep_outbox()

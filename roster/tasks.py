import logging

from celery import shared_task

from .importers import service

logger = logging.getLogger(__name__)


@shared_task(name="roster.import_oneroster")
def task_import_oneroster(*, run_id: int) -> None:
    """Thin: the service claims the run, so a retried or duplicated task imports once."""
    service.run_import(run_id=run_id)

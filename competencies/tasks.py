import logging

from celery import shared_task

from . import services
from .models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(name="competencies.run_case_import")
def task_run_case_import(*, job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("ImportJob %s is gone; nothing to import", job_id)
        return
    services.run_case_import(job=job)
    logger.info("ImportJob %s finished", job_id)


@shared_task(name="competencies.recompute_mastery")
def task_recompute_mastery(*, framework_id: int | None = None) -> int:
    return services.recompute_all(framework_id=framework_id)

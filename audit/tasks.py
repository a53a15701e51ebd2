from celery import shared_task

from .models import AccessEvent


@shared_task(name="audit.count_access_events")
def count_access_events(*, student_uuid: str) -> int:
    """How many times a student's record was opened: read-only, so safe to retry."""
    return AccessEvent.objects.filter(student__uuid=student_uuid).count()

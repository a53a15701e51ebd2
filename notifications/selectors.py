from django.db.models import QuerySet

from .models import DeliveryFailure


def failures_for(people: QuerySet) -> QuerySet[DeliveryFailure]:
    """Emails to `people` (a district's accounts) that could not be sent and wait for someone, newest first."""
    return (DeliveryFailure.objects.filter(state=DeliveryFailure.State.FAILED, recipient__in=people)
            .select_related("recipient").order_by("-last_failed_at", "-pk"))

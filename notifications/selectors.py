from django.db.models import QuerySet

from .models import DeliveryFailure


def failures_for(people: QuerySet) -> QuerySet[DeliveryFailure]:
    """Emails to `people` (a district's accounts) that could not be sent and wait for someone, newest first."""
    return (DeliveryFailure.objects.filter(state=DeliveryFailure.State.FAILED, recipient__in=people)
            .select_related("recipient").order_by("-last_failed_at", "-pk"))


def resolved_failures_for(people: QuerySet, limit: int = 20) -> QuerySet[DeliveryFailure]:
    """The record of what an administrator did about failed emails to `people`: sent again or dismissed."""
    return (DeliveryFailure.objects.filter(state__in=[DeliveryFailure.State.SENT_AGAIN, DeliveryFailure.State.DISMISSED],
                                           recipient__in=people)
            .select_related("recipient", "resolved_by").order_by("-resolved_at", "-pk")[:limit])

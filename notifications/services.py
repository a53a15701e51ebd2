"""What a district administrator does about an email that could not be sent (quality.md T8.6)."""

from django.db import transaction
from django.utils import timezone

from .models import DeliveryFailure
from .outbox import resend_hook

State = DeliveryFailure.State


def send_again(*, failure: DeliveryFailure, by) -> bool:
    """Let the email go again: the failure is closed (kept, with who and when), so the next beat sweep
    sends the row once; kinds without a sweep have their task queued after commit. Returns False when
    someone else acted on it first (a double click changes nothing)."""
    return _resolve(failure, by, State.SENT_AGAIN)


def dismiss(*, failure: DeliveryFailure, by) -> bool:
    """Give the email up, for the record: it stays unsent and the sweep keeps away from it."""
    return _resolve(failure, by, State.DISMISSED)


@transaction.atomic
def _resolve(failure: DeliveryFailure, by, state: str) -> bool:
    done = DeliveryFailure.objects.filter(pk=failure.pk, state=State.FAILED).update(
        state=state, resolved_at=timezone.now(), resolved_by=by)
    if done and state == State.SENT_AGAIN and (resend := resend_hook(failure.kind)) is not None:
        transaction.on_commit(lambda: resend(failure.object_id), robust=True)
    return bool(done)

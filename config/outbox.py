"""Send one outbox notification exactly once, even if the worker dies while sending (quality.md T8.4).

Every outbox row (an IEP notification, a highlight notice, a weekly digest, a lockout email...) has a
"sent at" column that stays empty until its email is sent. `send_once` claims the row, sends and marks it
in one transaction:

- the row lock (SKIP LOCKED on PostgreSQL) keeps a second worker, a retry or the beat sweep out while this
  one sends: they find nothing to do;
- if the sender dies before COMMIT (a SIGKILLed pool child, a lost connection, an SMTP error), the claim
  rolls back with it, so the redelivered task, the retry or the sweep sends it. Claiming first in its own
  commit would lose the email for good when the worker died in between.

The one window left is between the mail server accepting the message and COMMIT: a death there sends the
email twice, never zero times.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def send_once(row: QuerySet, field: str, send: Callable[[], None], **also_set) -> bool:
    """Run `send()` and set `field` (plus `also_set`) on the one row of `row` whose `field` is still empty.
    Returns False, sending nothing, when it was already sent or another worker is sending it now."""
    with transaction.atomic():
        pk = row.filter(**{field: None}).select_for_update(skip_locked=True).values_list("pk", flat=True).first()
        if pk is None:
            return False
        send()
        row.model._default_manager.filter(pk=pk).update(**{field: timezone.now()}, **also_set)
    return True


def sweep(pending: Iterable, send: Callable[[object], int | bool], what: str) -> int:
    """The beat sweep's loop: send what a dead broker dropped, one row at a time. A failure is logged and
    left pending for the next sweep; it never stops the others. Returns how many were sent now."""
    sent = 0
    for key in pending:
        try:
            sent += int(send(key))
        except Exception:
            logger.exception("Sending %s %s failed; the next sweep tries again", what, key)
    return sent

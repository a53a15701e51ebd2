"""Send one outbox notification exactly once (quality.md T8.4), retry what may pass later and record what
never will (T8.6).

Every outbox row (an IEP notification, a highlight notice, a weekly digest, a lockout email...) has a
"sent at" column that stays empty until its email is sent. `send_once` claims the row, sends and marks it
in one transaction:

- the row lock (SKIP LOCKED on PostgreSQL) keeps a second worker, a retry or the beat sweep out while this
  one sends: they find nothing to do;
- if the sender dies before COMMIT (a SIGKILLed pool child, a lost connection), the claim rolls back with
  it, so the redelivered task, the retry or the sweep sends it. Claiming first in its own commit would
  lose the email for good when the worker died in between.

The one window left is between the mail server accepting the message and COMMIT: a death there sends the
email twice, never zero times.

When the mail server does not take the message (T8.6), `classify` says whether trying again can help:
- transient (no connection, a dropped connection, a 4xx answer): counted on a `DeliveryFailure` row and
  raised as `TransientEmailError`, which every email task retries with `EMAIL_TASK_OPTIONS` (exponential
  backoff with jitter, at most MAX_RETRIES times); the try after the last retry gives up instead;
- permanent (a 5xx answer: unknown mailbox, refused sender, rejected data): recorded at once.
Either way a given-up email is FAILED: the district administrator sees it ("Emails that could not be
sent"), and `unsent` keeps the sweep away from it until someone chooses "Send again" or "Dismiss".
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from smtplib import SMTPRecipientsRefused, SMTPResponseException

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DeliveryFailure

logger = logging.getLogger(__name__)
State = DeliveryFailure.State

MAX_RETRIES = 5


class TransientEmailError(Exception):
    """The mail server may take this email later; the task retries it (EMAIL_TASK_OPTIONS)."""


# The one retry policy of every task that sends email: `@shared_task(name=..., **EMAIL_TASK_OPTIONS)`.
# Only transient errors are retried (a permanent one is recorded by send_once and not raised); the waits
# grow 30 s, 60 s, 120 s... up to 10 minutes, each drawn at random below its bound (jitter) so a mail
# server coming back is not hit by every worker in the same second. acks_late and the time limits come
# from settings.
EMAIL_TASK_OPTIONS = {
    "autoretry_for": (TransientEmailError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
}

# What each outbox email is, in the administrator's words; the key is `kind_of(model, field)`.
KINDS = {
    "iep.iepinput.notified_at": _("New input for the IEP team (to the case manager)"),
    "iep.iepinput.answer_notified_at": _("The IEP team's answer to an input"),
    "iep.iepinput.assigned_notified_at": _("An input to an IEP team was given to someone (to that person)"),
    "iep.goal.flag_notified_at": _("An IEP goal needs a look (to the case manager)"),
    "iep.progressreport.family_notified_at": _("A progress report is ready (to the family)"),
    "family_portal.highlightnotice.sent_at": _("A new highlight (to the family)"),
    "family_portal.highlightreply.author_told_at": _("A family replied to a highlight (to the teacher)"),
    "family_portal.weeklydigest.sent_at": _("The weekly digest (to the family)"),
    "mtss.familynotice.sent_at": _("A support plan started or changed (MTSS, to the family)"),
    "accounts.lockout.notified_at": _("Signing in was paused (to the account owner)"),
    "accounts.securityevent.notified_at": _("A change to how someone signs in (to the account owner)"),
    "accounts.invitation.sent_at": _("An invitation to Waypoint"),
}

# Kinds no beat sweep sends (weekly digests, invitations) say how to send one row again after "Send again".
_RESEND: dict[str, Callable[[int], None]] = {}


def kind_of(model: type[Model], field: str) -> str:
    return f"{model._meta.label_lower}.{field}"


def describe(kind: str) -> str:
    return str(KINDS.get(kind, _("An email")))


def on_send_again(kind: str, resend: Callable[[int], None]) -> None:
    """Register how to send one row of `kind` again (queue its task); kinds with a sweep need none."""
    _RESEND[kind] = resend


def resend_hook(kind: str) -> Callable[[int], None] | None:
    return _RESEND.get(kind)


# --- Which errors are worth trying again -------------------------------------------------------------


def smtp_answer(error: BaseException) -> tuple[int | None, str]:
    """The server's code and words, or (None, the connection error). Never the message."""
    if isinstance(error, SMTPRecipientsRefused) and error.recipients:
        # Every recipient was refused (smtplib raises only then); the mildest answer decides.
        code, text = min(error.recipients.values(), key=lambda answer: answer[0])
    elif isinstance(error, SMTPResponseException):  # SMTPSenderRefused, SMTPDataError, SMTPConnectError...
        code, text = error.smtp_code, error.smtp_error
    else:
        code, text = None, str(error) or error.__class__.__name__
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return (code if isinstance(code, int) and code > 0 else None), " ".join(str(text).split())[:300]


def is_permanent(error: BaseException) -> bool:
    """5xx: the server will refuse this again. Everything else (no connection, a dropped one, 4xx) may pass."""
    return _permanent_code(smtp_answer(error)[0])


def _permanent_code(code: int | None) -> bool:
    return code is not None and 500 <= code < 600


# --- Sending -------------------------------------------------------------------------------------------------


def unsent(rows: QuerySet, field: str) -> QuerySet:
    """The rows of `rows` whose email is still owed: `field` empty and no failure waiting for a person."""
    blocked = DeliveryFailure.objects.filter(kind=kind_of(rows.model, field), state__in=DeliveryFailure.BLOCKING)
    return rows.filter(**{field: None}).exclude(pk__in=blocked.values("object_id"))


def send_once(row: QuerySet, field: str, send: Callable[[], None], *, to: Sequence[str] = (), **also_set) -> bool:
    """Run `send()` and set `field` (plus `also_set`) on the one row of `row` whose `field` is still empty.
    Returns False, sending nothing, when it was already sent, another worker is sending it now, or it
    failed for good. A mail server that says no is recorded (`record_failure`); a transient no is then
    raised as TransientEmailError for the task to retry. `to`: who the email is for, for that record."""
    kind = kind_of(row.model, field)
    with transaction.atomic():
        pk = unsent(row, field).select_for_update(skip_locked=True).values_list("pk", flat=True).first()
        if pk is None:
            return False
        try:
            send()
        except OSError as error:  # connection errors, and every smtplib.SMTPException
            failure, cause = record_failure(kind=kind, object_id=pk, to=to, error=error), error
        else:
            row.model._default_manager.filter(pk=pk).update(**{field: timezone.now()}, **also_set)
            forget_retries(kind=kind, object_id=pk)
            return True
    # The failure is committed with the row left unsent; only now may a transient one be raised.
    if failure.state == State.RETRYING:
        raise TransientEmailError(f"{kind} #{pk}: {failure.error}") from cause
    return False


def record_failure(*, kind: str, object_id: int, to: Sequence[str], error: BaseException) -> DeliveryFailure:
    """Count one refused try of one email. It becomes FAILED (shown, no longer swept) when the refusal is
    permanent or when MAX_RETRIES retries have failed too; until then it stays RETRYING."""
    code, text = smtp_answer(error)
    permanent = _permanent_code(code)
    now = timezone.now()
    with transaction.atomic():
        failure = (DeliveryFailure.objects.select_for_update().filter(kind=kind, object_id=object_id)
                   .exclude(state=State.SENT_AGAIN).first())
        if failure is None:
            addresses = [a for a in to if a]
            people = get_user_model().objects.filter(email__in=addresses).order_by("pk")
            failure = DeliveryFailure(kind=kind, object_id=object_id, to=", ".join(addresses)[:500],
                                      recipient=people.first() if addresses else None, first_failed_at=now)
        failure.attempts += 1
        failure.smtp_code, failure.error, failure.permanent, failure.last_failed_at = code, text, permanent, now
        gave_up = permanent or failure.attempts > MAX_RETRIES
        failure.state = State.FAILED if gave_up else State.RETRYING
        failure.save()
    log = logger.warning if gave_up else logger.info
    log("Email %s #%s not sent (try %s, %s): %s %s", kind, object_id, failure.attempts,
        "gave up" if gave_up else "will retry", code or "", text)
    return failure


def forget_retries(*, kind: str, object_id: int) -> None:
    """The email went after all: its count of transient failures is no one's concern any more."""
    DeliveryFailure.objects.filter(kind=kind, object_id=object_id, state=State.RETRYING).delete()


def sweep(pending: Iterable, send: Callable[[object], int | bool], what: str) -> int:
    """The beat sweep's loop: send what a dead broker dropped, one row at a time. A failure is logged and
    left for the next sweep (a transient one is counted; send_once records the rest); it never stops the
    others. Returns how many were sent now. Pass `unsent(...)` rows so failed emails are skipped."""
    sent = 0
    for key in pending:
        try:
            sent += int(send(key))
        except TransientEmailError as error:
            logger.info("Sending %s %s failed for now (%s); the next sweep tries again", what, key, error)
        except Exception:
            logger.exception("Sending %s %s failed; the next sweep tries again", what, key)
    return sent

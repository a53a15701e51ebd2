"""T8.6: a transient SMTP error is retried with exponential backoff and jitter (at most 5 retries); a
permanent one is recorded as failed, never retried by the sweep, and never dropped silently."""

import socket
from datetime import timedelta
from smtplib import SMTPDataError, SMTPRecipientsRefused, SMTPResponseException, SMTPSenderRefused, SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone

from accounts import lockouts
from accounts.models import Invitation, Lockout, User
from config.celery import app
from family_portal import services as family_services
from family_portal.models import NotificationPreference, WeeklyDigest
from iep import services as iep_services
from iep import tasks as iep_tasks
from iep.models import IEPInput
from notifications import outbox
from notifications import services as notification_services
from notifications.models import DeliveryFailure
from tests.factories.accounts import UserFactory
from tests.factories.iep import IEPInputFactory
from tests.factories.roster import GuardianshipFactory, StudentFactory
from tests.notifications.smtp import EmailBackend, busy, no_such_mailbox

pytestmark = pytest.mark.django_db
State = DeliveryFailure.State

EMAIL_TASKS = [
    "accounts.send_invitations", "accounts.send_lockout_notice", "accounts.send_security_notice",
    "family_portal.send_highlight_notices", "family_portal.send_weekly_digests", "family_portal.tell_author_of_reply",
    "iep.notify_answer", "iep.notify_assignment", "iep.notify_family_report", "iep.notify_goal_flag", "iep.notify_new_input",
    "mtss.send_family_notices", "sso.send_sign_in_link",
]


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.smtp.EmailBackend"
    EmailBackend.reset()
    yield EmailBackend
    EmailBackend.reset()


@pytest.fixture
def worker_retries():
    """Run retries the way a worker does: a Retry is not an error of the caller (the project's test
    settings make eager tasks propagate everything; tests/conftest.py puts the setting back after)."""
    app.conf.task_eager_propagates = False


@pytest.fixture
def new_input(student, guardian):
    """A family's input to the IEP team whose email to the case manager is still owed."""
    return IEPInputFactory(student=student, submitted_by=guardian, notified_at=None)


# --- One classification ----------------------------------------------------------------------------------


@pytest.mark.parametrize("error, permanent, code", [
    (SMTPServerDisconnected("Connection unexpectedly closed"), False, None),
    (ConnectionRefusedError(111, "Connection refused"), False, None),
    (socket.timeout("timed out"), False, None),
    (SMTPResponseException(421, b"4.3.2 try again later"), False, 421),
    (SMTPDataError(451, b"4.7.1 greylisted"), False, 451),
    (SMTPRecipientsRefused({"a@x.test": (452, b"4.2.2 mailbox full")}), False, 452),
    (SMTPRecipientsRefused({"a@x.test": (550, b"5.1.1 user unknown"), "b@x.test": (450, b"4.2.1 later")}), False, 450),
    (SMTPRecipientsRefused({"a@x.test": (550, b"5.1.1 user unknown")}), True, 550),
    (SMTPSenderRefused(553, b"5.7.1 sender not allowed", "waypoint@x.test"), True, 553),
    (SMTPDataError(554, b"5.6.0 message rejected"), True, 554),
    (SMTPResponseException(535, b"5.7.8 authentication failed"), True, 535),
])
def test_errors_are_classified_in_one_place(error, permanent, code):
    assert outbox.is_permanent(error) is permanent
    assert outbox.smtp_answer(error)[0] == code


# --- One retry policy -----------------------------------------------------------------------------------------


def test_every_email_task_has_the_one_retry_policy():
    """Transient errors only, exponential backoff (30 s base, 10 minutes at most) with jitter, 5 retries;
    acks_late stays as configured in settings. No other task retries on its own."""
    app.loader.import_default_modules()
    for name in EMAIL_TASKS:
        task = app.tasks[name]
        assert (task.autoretry_for, task.retry_backoff, task.retry_backoff_max, task.retry_jitter, task.max_retries) == (
            (outbox.TransientEmailError,), 30, 600, True, 5), name
        assert task.acks_late is True, name
    others = {n for n, t in app.tasks.items() if not n.startswith("celery.") and n not in EMAIL_TASKS}
    assert {n for n in others if getattr(app.tasks[n], "autoretry_for", ())} == set()


def test_a_busy_server_is_retried_and_the_email_goes_once(smtp, worker_retries, new_input, case_manager):
    """421 then accepted: the task retries, one email, and nothing is left on record."""
    smtp.reset(answers=[busy()])
    iep_tasks.notify_new_input.delay(input_id=new_input.pk)
    assert smtp.calls == 2
    assert [m.to for m in mail.outbox] == [[case_manager.email]]
    new_input.refresh_from_db()
    assert new_input.notified_at is not None
    assert DeliveryFailure.objects.count() == 0


def test_a_server_busy_for_good_is_given_up_after_five_retries_and_recorded(smtp, worker_retries, new_input, case_manager):
    smtp.reset(then=busy())
    iep_tasks.notify_new_input.delay(input_id=new_input.pk)  # no error escapes: the task gave up on purpose
    assert smtp.calls == 6  # the first try and 5 retries
    failure = DeliveryFailure.objects.get()
    assert (failure.state, failure.permanent, failure.attempts, failure.smtp_code) == (State.FAILED, False, 6, 421)
    assert (failure.kind, failure.object_id, failure.recipient, failure.to) == (
        "iep.iepinput.notified_at", new_input.pk, case_manager, case_manager.email)
    assert iep_services.sweep_outbox() == 0
    assert smtp.calls == 6 and mail.outbox == []


def test_a_refused_address_is_recorded_once_and_not_tried_again(smtp, new_input, case_manager):
    """550: no retry, one failure with the server's answer (never the message), and the sweep keeps away."""
    smtp.reset(then=no_such_mailbox(case_manager.email))
    assert iep_tasks.notify_new_input.delay(input_id=new_input.pk).get() is False
    assert smtp.calls == 1
    failure = DeliveryFailure.objects.get()
    assert (failure.state, failure.permanent, failure.attempts, failure.smtp_code, failure.recipient) == (
        State.FAILED, True, 1, 550, case_manager)
    assert failure.error == f"5.1.1 <{case_manager.email}>: Recipient address rejected: User unknown"
    assert new_input.text not in failure.error
    assert iep_services.sweep_outbox() == 0
    assert iep_services.sweep_outbox() == 0
    iep_tasks.notify_new_input.delay(input_id=new_input.pk)  # a redelivered task finds nothing to do either
    assert smtp.calls == 1 and mail.outbox == []
    assert DeliveryFailure.objects.get().attempts == 1
    new_input.refresh_from_db()
    assert new_input.notified_at is None


def test_send_again_lets_the_next_sweep_send_it_exactly_once(smtp, new_input, case_manager, sped_director):
    smtp.reset(answers=[no_such_mailbox(case_manager.email)])
    iep_tasks.notify_new_input.delay(input_id=new_input.pk)
    failure = DeliveryFailure.objects.get()
    assert notification_services.send_again(failure=failure, by=sped_director) is True
    assert notification_services.send_again(failure=failure, by=sped_director) is False  # a double click
    assert iep_services.sweep_outbox() == 1
    assert iep_services.sweep_outbox() == 0
    assert [m.to for m in mail.outbox] == [[case_manager.email]]
    failure.refresh_from_db()
    assert (failure.state, failure.resolved_by) == (State.SENT_AGAIN, sped_director)


def test_a_second_refusal_after_send_again_is_a_new_failure(smtp, new_input, case_manager, sped_director):
    smtp.reset(then=no_such_mailbox(case_manager.email))
    iep_tasks.notify_new_input.delay(input_id=new_input.pk)
    notification_services.send_again(failure=DeliveryFailure.objects.get(), by=sped_director)
    assert iep_services.sweep_outbox() == 0
    assert list(DeliveryFailure.objects.order_by("pk").values_list("state", flat=True)) == [State.SENT_AGAIN, State.FAILED]


def test_dismiss_keeps_the_record_and_the_email_unsent(smtp, new_input, case_manager, sped_director):
    smtp.reset(answers=[no_such_mailbox(case_manager.email)])
    iep_tasks.notify_new_input.delay(input_id=new_input.pk)
    assert notification_services.dismiss(failure=DeliveryFailure.objects.get(), by=sped_director) is True
    assert iep_services.sweep_outbox() == 0
    assert smtp.calls == 1 and mail.outbox == []
    failure = DeliveryFailure.objects.get()
    assert (failure.state, failure.resolved_by) == (State.DISMISSED, sped_director)
    assert failure.resolved_at is not None
    assert IEPInput.objects.get(pk=new_input.pk).notified_at is None


def test_a_transient_failure_in_the_sweep_is_counted_and_retried_by_the_next_sweep(smtp, new_input, case_manager):
    smtp.reset(answers=[SMTPServerDisconnected("gone")])
    assert iep_services.sweep_outbox() == 0
    assert DeliveryFailure.objects.get().state == State.RETRYING
    assert iep_services.sweep_outbox() == 1
    assert DeliveryFailure.objects.count() == 0
    assert [m.to for m in mail.outbox] == [[case_manager.email]]


def test_lockout_email_to_a_dead_address_is_recorded(smtp, teacher):
    lockout = Lockout.objects.create(user=teacher, network="203.0.113.x")
    smtp.reset(then=no_such_mailbox(teacher.email))
    assert lockouts.sweep_unsent() == 0
    assert lockouts.sweep_unsent() == 0
    assert smtp.calls == 1
    failure = DeliveryFailure.objects.get()
    assert (failure.kind, failure.object_id, failure.recipient) == ("accounts.lockout.notified_at", lockout.pk, teacher)


def test_one_refused_family_does_not_stop_the_others_highlight_emails(smtp, student, guardian, teacher):
    from family_portal.tasks import send_highlight_notices

    second = UserFactory(role=User.Role.GUARDIAN, email="second.parent@family.test")
    GuardianshipFactory(guardian=second, student=student)
    for parent in (guardian, second):
        family_services.save_preferences(user=parent, frequency=NotificationPreference.Frequency.EACH_EVENT, language="en")
    highlight = family_services.post_highlight(student=student, author=teacher, text="Great reading today")
    smtp.reset(answers=[no_such_mailbox(guardian.email)])
    assert send_highlight_notices.delay(highlight_id=highlight.pk).get() == 1
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert DeliveryFailure.objects.get().recipient == guardian
    assert family_services.sweep_outbox() == 0


def test_a_refused_weekly_digest_is_sent_again_by_its_task(smtp, school, sped_director, django_capture_on_commit_callbacks):
    """No sweep sends digests: "Send again" queues the digest's week again."""
    from family_portal.tasks import send_weekly_digests

    parent = UserFactory(role=User.Role.GUARDIAN, email="digest.parent@family.test")
    GuardianshipFactory(guardian=parent, student=StudentFactory(school=school))
    week = family_services.week_start(timezone.localdate()) - timedelta(days=7)
    smtp.reset(answers=[no_such_mailbox(parent.email)])
    assert send_weekly_digests.delay(week=week.isoformat()).get() == 0
    failure = DeliveryFailure.objects.get()
    assert (failure.kind, failure.recipient) == ("family_portal.weeklydigest.sent_at", parent)
    assert send_weekly_digests.delay(week=week.isoformat()).get() == 0  # a re-run by hand keeps away too
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.send_again(failure=failure, by=sped_director)
    assert [m.to for m in mail.outbox] == [[parent.email]]
    assert WeeklyDigest.objects.get(family=parent).sent_at is not None


def test_a_weekly_digest_the_server_refuses_for_now_is_retried_by_the_task(smtp, worker_retries, school):
    from family_portal.tasks import send_weekly_digests

    parent = UserFactory(role=User.Role.GUARDIAN, email="digest.parent@family.test")
    GuardianshipFactory(guardian=parent, student=StudentFactory(school=school))
    week = family_services.week_start(timezone.localdate()) - timedelta(days=7)
    smtp.reset(answers=[busy(), busy()])
    send_weekly_digests.delay(week=week.isoformat())
    assert smtp.calls == 3
    assert [m.to for m in mail.outbox] == [[parent.email]]
    assert DeliveryFailure.objects.count() == 0


def test_a_refused_invitation_is_recorded_and_send_again_sends_it(smtp, sped_director, django_capture_on_commit_callbacks):
    from accounts.tasks import task_send_invitations

    person = UserFactory(role=User.Role.GUARDIAN, email="invited@family.test")
    invitation = Invitation.objects.create(user=person, invited_by=sped_director, nonce="n" * 32,
                                           expires_at=timezone.now() + timedelta(days=14))
    smtp.reset(answers=[no_such_mailbox(person.email)])
    task_send_invitations.delay(invitation_ids=[invitation.pk])
    failure = DeliveryFailure.objects.get()
    assert (failure.kind, failure.recipient, failure.state) == ("accounts.invitation.sent_at", person, State.FAILED)
    invitation.refresh_from_db()
    assert (invitation.sent_nonce, invitation.send_count) == ("", 0)
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.send_again(failure=failure, by=sped_director)
    assert [m.to for m in mail.outbox] == [[person.email]]

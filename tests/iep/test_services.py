"""IEP services: input life cycle, outbox notifications, progress data and the decision flag."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from celery import current_app
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from iep import services
from iep.models import Goal, IEPInput, InputEvent, ProgressPoint
from tests.factories.iep import GoalFactory, IEPInputFactory, IEPPlanFactory, ProgressPointFactory

pytestmark = pytest.mark.django_db
Status = IEPInput.Status


def submit(student, user, **extra):
    return services.submit_input(student=student, submitted_by=user, kind=IEPInput.Kind.CONCERN,
                                 text="She is tired after school.", **extra)


def test_submit_input_saves_the_input_and_its_received_step_and_tells_the_case_manager_once(
        student, guardian, case_manager, django_capture_on_commit_callbacks):
    """T8.1: the notification goes after commit, once; the case manager is told, the text is not in the email."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        item = submit(student, guardian)
    assert len(callbacks) == 1
    item.refresh_from_db()
    assert (item.sender, item.status, item.notified_at is not None) == ("family", "received", True)
    assert list(item.events.values_list("status", "actor")) == [("received", guardian.pk)]
    assert [m.to for m in mail.outbox] == [[case_manager.email]]
    assert "tired" not in mail.outbox[0].body
    assert services.notify_new_input(input_id=item.pk) is False  # a retried task sends nothing more
    assert len(mail.outbox) == 1


def test_a_rolled_back_submission_enqueues_nothing(student, guardian, django_capture_on_commit_callbacks):
    """T8.1: rolled back, 0 tasks; nothing saved."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            submit(student, guardian)
            raise RuntimeError("the surrounding work failed")
    assert callbacks == []
    assert IEPInput.objects.count() == 0


def test_the_same_form_token_twice_makes_one_input(student, guardian):
    """T7.2: double submit -> 1 row."""
    key = uuid.uuid4()
    first, second = submit(student, guardian, idempotency_key=key), submit(student, guardian, idempotency_key=key)
    assert first.pk == second.pk
    assert IEPInput.objects.count() == 1 and InputEvent.objects.count() == 1


def test_attachments_are_checked_by_content(student, guardian):
    """T4.6: an HTML page renamed .pdf is refused; a real PDF is kept with its type; over 5 MB is refused."""
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        submit(student, guardian, attachment=fake)
    assert refused.value.code == "file_type"
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError):
        submit(student, guardian, attachment=big)
    assert IEPInput.objects.count() == 0
    good = submit(student, guardian, attachment=SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert (good.attachment_type, good.attachment_name, good.attachment.read()) == ("application/pdf", "note.pdf", b"%PDF-1.4\n%%EOF\n")


@pytest.fixture
def broker_down():
    """The network edge only: a broker on a closed port, not eager. Restored afterwards."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    _forget_connections()
    yield
    conf.task_always_eager, conf.broker_url = saved
    _forget_connections()


def _forget_connections() -> None:
    # What Celery itself does after a fork: the next publish opens a connection to the current broker_url.
    current_app._pool = None
    current_app.amqp._producer_pool = None


def test_broker_down_loses_no_input_and_the_sweep_sends_each_notification_once(
        student, guardian, case_manager, broker_down, django_capture_on_commit_callbacks):
    """T8.2 (the SQLite half; the PostgreSQL leg runs the same test): 5 inputs saved with the broker down,
    5 pending in the outbox; the sweep sends 5 emails, and a second sweep sends 0."""
    with django_capture_on_commit_callbacks(execute=True):
        items = [submit(student, guardian) for _ in range(5)]
    assert IEPInput.objects.filter(pk__in=[i.pk for i in items], notified_at=None).count() == 5
    assert mail.outbox == []
    assert services.sweep_outbox() == 5
    assert services.sweep_outbox() == 0
    assert [m.to for m in mail.outbox] == [[case_manager.email]] * 5


def test_a_failing_email_releases_the_claim_for_the_next_try(student, guardian, settings):
    item = IEPInputFactory(student=student, submitted_by=guardian, notified_at=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT, settings.EMAIL_HOST = 1, "127.0.0.1"
    assert services.sweep_outbox() == 0
    item.refresh_from_db()
    assert item.notified_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.sweep_outbox() == 1


def test_life_cycle_records_who_and_when_and_writes_the_answer_to_the_sender(
        student, guardian, case_manager, sped_director, django_capture_on_commit_callbacks):
    item = IEPInputFactory(student=student, submitted_by=guardian)
    [done] = services.assign_inputs(inputs=IEPInput.objects.all(), choices={item.pk: None}, by=sped_director)
    assert (done.outcome, done.owner) == ("done", case_manager)
    services.move_input(input_id=item.pk, action="start_review", by=case_manager, seen_status=Status.ASSIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_input(input_id=item.pk, action="answer", by=case_manager, seen_status=Status.IN_REVIEW,
                            answer="We will add audiobooks to the plan.")
    services.move_input(input_id=item.pk, action="take_into_draft", by=case_manager, seen_status=Status.ANSWERED)
    item.refresh_from_db()
    assert (item.status, item.assigned_to, item.answer, item.answered_by) == (
        "taken_into_draft", case_manager, "We will add audiobooks to the plan.", case_manager)
    assert list(item.events.values_list("status", "actor", "assigned_to")) == [
        ("assigned", sped_director.pk, case_manager.pk), ("in_review", case_manager.pk, None),
        ("answered", case_manager.pk, None), ("taken_into_draft", case_manager.pk, None)]
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    assert "We will add audiobooks to the plan." in mail.outbox[0].body


def test_second_person_acting_on_what_they_saw_is_refused(student, guardian, case_manager, sped_director):
    """T7.3: two people answer the same input: exactly one wins; the other is told where it is now."""
    item = IEPInputFactory(student=student, submitted_by=guardian)
    services.move_input(input_id=item.pk, action="answer", by=case_manager, seen_status=Status.RECEIVED, answer="First")
    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.move_input(input_id=item.pk, action="answer", by=sped_director, seen_status=Status.RECEIVED, answer="Second")
    assert refused.value.current == "answered"
    item.refresh_from_db()
    assert (item.answer, item.events.count()) == ("First", 1)


def test_bulk_assign_goes_only_to_each_students_case_manager(student, guardian, case_manager, sped_director, other_teacher):
    mine = IEPInputFactory.create_batch(2, student=student, submitted_by=guardian)
    closed = IEPInputFactory(student=student, submitted_by=guardian, status=Status.CLOSED)
    every = [*mine, closed]
    result = services.assign_inputs(inputs=IEPInput.objects.all(), choices={i.pk: other_teacher for i in every}, by=sped_director)
    assert [r.outcome for r in result] == ["refused"] * 3
    result = services.assign_inputs(inputs=IEPInput.objects.all(), choices={i.pk: case_manager for i in every}, by=sped_director)
    assert [r.outcome for r in result] == ["done", "done", "refused"]
    assert sorted(IEPInput.objects.filter(assigned_to=case_manager).values_list("pk", flat=True)) == [i.pk for i in mine]
    closed.refresh_from_db()
    assert (closed.status, closed.assigned_to) == ("closed", None)


@pytest.fixture
def goal(student, case_manager):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    return GoalFactory(plan=plan, baseline_date=timezone.localdate() - timedelta(days=100))


def test_fourth_point_below_the_aim_line_flags_the_goal_and_tells_the_case_manager_once(
        goal, case_manager, django_capture_on_commit_callbacks):
    """Decision rule end to end: aim 40 -> 70 over 300 days is 0.1/day; day 60 aim = 46."""
    start = goal.baseline_date
    for day, value in [(60, "45"), (67, "45.5"), (74, "46")]:
        with django_capture_on_commit_callbacks(execute=True):
            status = services.record_progress(goal=goal, measured_on=start + timedelta(days=day), value=Decimal(value),
                                              note="", recorded_by=case_manager)
        assert status.status == "not_enough_data"
    with django_capture_on_commit_callbacks(execute=True):
        status = services.record_progress(goal=goal, measured_on=start + timedelta(days=81), value=Decimal("47"),
                                          note="", recorded_by=case_manager)
    goal.refresh_from_db()
    assert (status.status, status.rule, goal.flagged_at is not None, goal.flag_notified_at is not None) == (
        "not_on_track", "below_aim", True, True)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_progress(goal=goal, measured_on=start + timedelta(days=88), value=Decimal("47.5"), note="",
                                 recorded_by=case_manager)
    assert [m.to for m in mail.outbox] == [[case_manager.email]]  # still flagged: no second email
    services.record_progress(goal=goal, measured_on=start + timedelta(days=95), value=Decimal("60"), note="",
                             recorded_by=case_manager)
    goal.refresh_from_db()
    assert goal.flagged_at is None


def test_one_point_per_goal_per_day(goal, case_manager):
    day = goal.baseline_date + timedelta(days=10)
    ProgressPointFactory(goal=goal, measured_on=day)
    with pytest.raises(services.PointExists):
        services.record_progress(goal=goal, measured_on=day, value=Decimal("50"), note="", recorded_by=case_manager)
    assert ProgressPoint.objects.filter(goal=goal).count() == 1
    assert Goal.objects.get(pk=goal.pk).flagged_at is None

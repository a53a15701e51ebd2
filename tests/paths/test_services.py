"""paths/services.py through the real competency services: copy-on-assign, adapting with history,
unlocking on the mastery signal, the teacher's reasoned open/skip, the student's choice, sessions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from competencies import services as competency_services
from paths import services
from paths.models import LearningSession, PathEvent, PathStep, StudentPath, TemplateStep
from tests.factories.roster import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def statuses(path) -> list[str]:
    return list(path.steps.order_by("position").values_list("status", flat=True))


def record(student, competency, teacher, score=4):
    competency_services.record_evidence(
        student=student, competencies=[competency], score=Decimal(score), observed_on=timezone.localdate(),
        kind="quiz", demonstration="written", recorded_by=teacher,
    )


def test_assign_gives_each_student_their_own_copy(assign, student, section, template):
    classmate = StudentFactory(school=student.school)
    EnrollmentFactory(student=classmate, section=section)
    maya_path, classmate_path = assign([student, classmate])
    assert maya_path.pk != classmate_path.pk
    assert [s.title for s in maya_path.steps.order_by("position")] == ["Step 1", "Step 2", "Step 3"]
    assert statuses(maya_path) == ["open", "locked", "locked"]
    first = maya_path.steps.order_by("position").first()
    assert sorted(first.options.values_list("title", flat=True)) == ["Make a short video", "Watch a video lesson", "Write a paragraph"]
    # the bulk insert is kept in history (pitfall 9), then opening the first step
    assert list(first.history.order_by("history_id").values_list("history_type", "status")) == [("+", "locked"), ("~", "open")]


def test_assigning_twice_skips_students_who_have_it(assign, student, template, section, teacher):
    assign([student])
    made, had = services.assign_template(template=template, students=[student], section=section,
                                         start_date=timezone.localdate(), assigned_by=teacher)
    assert (made, had) == ([], [student])
    assert StudentPath.objects.filter(student=student).count() == 1


def test_adapting_one_path_leaves_the_template_and_other_students_alone(assign, student, section, teacher, competencies):
    """Substituting a competency for a student whose IEP modifies what they learn, with history."""
    classmate = StudentFactory(school=student.school)
    EnrollmentFactory(student=classmate, section=section)
    maya_path, classmate_path = assign([student, classmate])
    step = maya_path.steps.get(position=2)
    services.update_step(step=step, title="Step 3, adapted", description="", target_date=step.target_date + timedelta(days=7),
                         competencies=[competencies[3]], changed_by=teacher)
    assert list(step.competencies.all()) == [competencies[3]]
    assert list(classmate_path.steps.get(position=2).competencies.all()) == [competencies[2]]
    assert list(TemplateStep.objects.get(template__title="Fractions", position=2).competencies.all()) == [competencies[2]]
    event = maya_path.events.get(kind=PathEvent.Kind.STEP_CHANGED)
    assert "5.NF.3 → 5.NF.4" in event.detail and event.actor == teacher
    assert step.history.first().title == "Step 3, adapted" and step.history.first().history_user == teacher


def test_move_and_remove_steps(assign, student, teacher):
    (path,) = assign([student])
    first, second, third = path.steps.order_by("position")
    services.move_step(step=third, direction="up", changed_by=teacher)
    assert list(path.steps.order_by("position").values_list("title", flat=True)) == ["Step 1", "Step 3", "Step 2"]
    services.remove_step(step=second, changed_by=teacher)
    assert list(path.steps.order_by("position").values_list("title", flat=True)) == ["Step 1", "Step 3"]
    assert list(path.events.values_list("kind", flat=True)[:2]) == [PathEvent.Kind.STEP_REMOVED, PathEvent.Kind.STEP_MOVED]
    with pytest.raises(ValidationError):
        services.move_step(step=first, direction="up", changed_by=teacher)


def test_evidence_reaching_mastery_opens_the_next_step_in_the_same_request_cycle(
    assign, student, teacher, competencies, django_capture_on_commit_callbacks
):
    """Issue #5: recording evidence that reaches mastery opens the next step, end to end through the services
    (competencies sends mastery_changed after commit; paths listens)."""
    (path,) = assign([student])
    with django_capture_on_commit_callbacks(execute=True):
        record(student, competencies[0], teacher, score=2)
    assert statuses(path) == ["open", "locked", "locked"]  # not mastered: nothing moves
    with django_capture_on_commit_callbacks(execute=True):
        record(student, competencies[0], teacher, score=4)
        record(student, competencies[0], teacher, score=4)
    assert statuses(path) == ["mastered", "open", "locked"]
    assert path.steps.get(position=0).finished_on == timezone.localdate()
    assert list(path.events.filter(kind__in=["mastered", "unlocked"]).values_list("kind", "step_title")[:2]) == [
        ("unlocked", "Step 2"), ("mastered", "Step 1")]


def test_a_teachers_mastery_override_advances_the_path(assign, student, teacher, competencies, django_capture_on_commit_callbacks):
    (path,) = assign([student])
    with django_capture_on_commit_callbacks(execute=True):
        competency_services.override_mastery(student=student, competency=competencies[0], value=Decimal(4),
                                             reason="Showed it in a conversation", overridden_by=teacher)
    assert statuses(path) == ["mastered", "open", "locked"]


def test_open_and_skip_by_hand_need_a_reason(assign, student, teacher):
    (path,) = assign([student])
    third = path.steps.get(position=2)
    with pytest.raises(ValidationError):
        services.open_or_skip_step(step=third, action="open", reason="  ", changed_by=teacher)
    services.open_or_skip_step(step=third, action="open", reason="Ready for a challenge", changed_by=teacher)
    services.open_or_skip_step(step=path.steps.get(position=0), action="skip", reason="Mastered last year", changed_by=teacher)
    # skipping step 1 does not open step 2: its prerequisite 5.NF.1 is still not mastered
    assert statuses(path) == ["skipped", "locked", "open"]
    assert list(path.events.filter(kind__in=["opened", "skipped"]).values_list("kind", "detail")) == [
        ("skipped", "Mastered last year"), ("opened", "Ready for a challenge")]


def test_choosing_an_option_never_changes_the_steps_status(assign, student, teacher):
    (path,) = assign([student])
    step = path.steps.get(position=0)
    video = step.options.get(title="Make a short video")
    services.choose_options(step=step, learn=None, show=video, reason="I like talking it through", chosen_by=teacher)
    step.refresh_from_db()
    assert (step.status, step.chosen_show, step.choice_reason) == ("open", video, "I like talking it through")
    locked = path.steps.get(position=1)
    with pytest.raises(ValidationError):
        services.choose_options(step=locked, learn=None, show=locked.options.get(title="Write a paragraph"), reason="", chosen_by=None)
    with pytest.raises(ValidationError):  # an option of another step
        services.choose_options(step=step, learn=None, show=locked.options.get(title="Write a paragraph"), reason="", chosen_by=None)


def test_reschedule_puts_the_path_on_the_students_timeline(assign, student, teacher):
    start = timezone.localdate() - timedelta(days=10)
    (path,) = assign([student], start_date=start)
    last = path.steps.get(position=2)
    new_end = last.target_date + timedelta(days=20)
    services.reschedule_path(path=path, end_date=new_end, changed_by=teacher)
    targets = list(path.steps.order_by("position").values_list("target_date", flat=True))
    assert targets[-1] == new_end and targets == sorted(targets)
    assert path.events.filter(kind=PathEvent.Kind.RESCHEDULED).count() == 1


def test_sessions_refuse_outsiders_and_double_booking(section, student, teacher, other_student):
    starts = timezone.now() + timedelta(days=1)
    args = {"section": section, "kind": "small_group", "staff": teacher, "starts_at": starts, "minutes": 30, "focus": "", "created_by": teacher}
    with pytest.raises(ValidationError):
        services.schedule_session(students=[other_student], room="Room 1", **args)
    services.schedule_session(students=[student], room="Room 1", **args)
    with pytest.raises(ValidationError, match="already booked"):
        services.schedule_session(students=[student], room="room 1", **{**args, "starts_at": starts + timedelta(minutes=15)})
    assert LearningSession.objects.count() == 1
    services.schedule_session(students=[student], room="Room 2", **{**args, "starts_at": starts + timedelta(minutes=30)})
    assert LearningSession.objects.count() == 2


def test_steps_done_carry_a_finish_date_only_when_done(assign, student):
    (path,) = assign([student])
    assert list(PathStep.objects.filter(path=path, finished_on__isnull=False)) == []

"""Thin Celery tasks: fetch IDs, call a service. Every one is safe to run twice (T8.5)."""

import logging
from datetime import date

from celery import current_app, shared_task
from celery.schedules import crontab
from django.utils import timezone

from notifications.outbox import EMAIL_TASK_OPTIONS

from . import monitoring, selectors, services

logger = logging.getLogger(__name__)


@shared_task(name="iep.notify_new_input", **EMAIL_TASK_OPTIONS)
def notify_new_input(*, input_id: int) -> bool:
    return services.notify_new_input(input_id=input_id)


@shared_task(name="iep.notify_answer", **EMAIL_TASK_OPTIONS)
def notify_answer(*, input_id: int) -> bool:
    return services.notify_answer(input_id=input_id)


@shared_task(name="iep.notify_assignment", **EMAIL_TASK_OPTIONS)
def notify_assignment(*, input_id: int) -> bool:
    return services.notify_assignment(input_id=input_id)


@shared_task(name="iep.notify_goal_flag", **EMAIL_TASK_OPTIONS)
def notify_goal_flag(*, goal_id: int) -> bool:
    return services.notify_goal_flag(goal_id=goal_id)


@shared_task(name="iep.notify_family_report", **EMAIL_TASK_OPTIONS)
def notify_family_report(*, report_id: int) -> bool:
    return services.notify_family_of_report(report_id=report_id)


@shared_task(name="iep.sweep_outbox")
def sweep_outbox() -> int:
    """Beat, every few minutes: resend what a dead broker dropped (not what failed for good, T8.6)."""
    sent = services.sweep_outbox()
    if sent:
        logger.info("IEP outbox sweep sent %s notifications", sent)
    return sent


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@shared_task(name="iep.generate_progress_report")
def generate_progress_report(*, student_id: int, period: str, interim_up_to: str | None = None) -> int | None:
    """One student's report; `interim_up_to` ("2026-12-04") only for an interim report asked for explicitly."""
    try:
        report = services.create_progress_report(student_id=student_id, period=period, interim_up_to=_day(interim_up_to))
    except monitoring.ReportNotAllowed as refused:
        logger.warning("Progress report of student %s not made: %s", student_id, refused)
        return None
    return None if report is None else report.pk


@shared_task(name="iep.generate_progress_reports")
def generate_progress_reports(*, period: str | None = None, district_id: int | None = None,
                              interim_up_to: str | None = None) -> int:
    """Beat after each quarter ends, or on demand: one task per student with a current IEP. The period defaults
    to the last one that ended; a period that has not ended is refused (0 tasks) unless `interim_up_to` is given."""
    period = period or monitoring.previous_quarter(timezone.localdate())
    try:
        monitoring.report_cutoff(period, today=timezone.localdate(), interim_up_to=_day(interim_up_to))
    except monitoring.ReportNotAllowed as refused:
        logger.warning("Progress reports not made: %s", refused)
        return 0
    students = selectors.students_with_current_plan()
    if district_id is not None:
        students = students.filter(school__district_id=district_id)
    ids = list(students.values_list("pk", flat=True))
    for student_id in ids:
        generate_progress_report.delay(student_id=student_id, period=period, interim_up_to=interim_up_to)
    return len(ids)


@shared_task(name="iep.generate_last_quarter_reports")
def generate_last_quarter_reports() -> int:
    """Beat, on the first day of each quarter: the reports of the quarter that just ended."""
    return generate_progress_reports(period=monitoring.previous_quarter(timezone.localdate()))


@current_app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    # Kept with the tasks so the app brings its own schedule (settings stay shared and small).
    sender.add_periodic_task(300.0, sweep_outbox.s(), name="iep: resend pending notifications")
    sender.add_periodic_task(
        crontab(minute=0, hour=5, day_of_month=1, month_of_year="1,4,7,10"),
        generate_last_quarter_reports.s(), name="iep: quarterly progress reports",
    )

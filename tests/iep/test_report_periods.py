"""Issue 16.4 (T3, IDEA 34 CFR 300.320(a)(3)): a quarterly progress report is made for a period that has ended,
by the service, the tasks and both "produce" forms; before the end only an interim report asked for explicitly,
which says "Interim report, up to <date>" on the page, the PDF, the email, the family's pages, the digest and
the file name, and counts the results up to that date. The job stays idempotent with both kinds."""

from datetime import date, datetime, timezone as tz
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.formats import date_format

from family_portal import services as family_services
from iep import monitoring, services, tasks
from iep.models import ProgressReport
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory
from tests.iep.readable import page_text, pdf_text

pytestmark = pytest.mark.django_db

DEC_4 = date(2026, 12, 4)  # the day: 2026-Q4 runs to 31 December
WHOLE_PERIOD = "with every result recorded up to the end of the period"


@pytest.fixture(autouse=True)
def on_4_december():
    with time_machine.travel(datetime(2026, 12, 4, 17, 0, tzinfo=tz.utc), tick=False):
        yield


@pytest.fixture
def goal(student, case_manager):
    """Results on 13 and 27 November: an interim report up to 20 November counts the first only."""
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    goal = GoalFactory(plan=plan, baseline_date=date(2026, 9, 1), target_date=date(2027, 6, 1))
    ProgressPointFactory(goal=goal, measured_on=date(2026, 11, 13), value=Decimal("51.5"))
    ProgressPointFactory(goal=goal, measured_on=date(2026, 11, 27), value=Decimal("63.25"))
    return goal


def _interim_words(day: date) -> str:
    return f"Interim report, up to {date_format(day, 'DATE_FORMAT')}"


def test_the_service_refuses_a_period_that_has_not_ended_and_writes_nothing(goal, student,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(monitoring.ReportNotAllowed):
        services.create_progress_report(student_id=student.pk, period="2026-Q4")
    for wrong in (date(2026, 12, 5), date(2026, 9, 30)):  # after today; before the period
        with pytest.raises(monitoring.ReportNotAllowed):
            services.create_progress_report(student_id=student.pk, period="2026-Q4", interim_up_to=wrong)
    with pytest.raises(monitoring.ReportNotAllowed):  # an ended period has its own report, not an interim one
        services.create_progress_report(student_id=student.pk, period="2026-Q3", interim_up_to=date(2026, 9, 1))
    assert not ProgressReport.objects.exists() and not mail.outbox


def test_an_interim_report_counts_results_up_to_its_date_and_says_so_in_the_pdf_and_email(
        goal, student, guardian, django_capture_on_commit_callbacks):
    cutoff = date(2026, 11, 20)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.create_progress_report(student_id=student.pk, period="2026-Q4", interim_up_to=cutoff)
    text = pdf_text(report.pdf.read())
    assert _interim_words(cutoff) in text and WHOLE_PERIOD not in text
    assert "51.5" in text and "63.25" not in text  # the 27 November result is after the cut-off
    assert report.file_name == "progress-report-2026-Q4-interim-up-to-2026-11-20.pdf"
    (message,) = mail.outbox
    assert message.to == [guardian.email] and _interim_words(cutoff) in message.body


def test_a_period_report_counts_every_result_of_the_period_and_is_not_called_interim(goal, student):
    with time_machine.travel(datetime(2027, 1, 1, 10, 0, tzinfo=tz.utc), tick=False):
        report = services.create_progress_report(student_id=student.pk, period="2026-Q4")
    text = pdf_text(report.pdf.read())
    assert WHOLE_PERIOD in text and "Interim" not in text and "63.25" in text
    assert (report.label, report.file_name) == ("October to December 2026", "progress-report-2026-Q4.pdf")


def test_the_job_stays_idempotent_with_an_interim_and_the_final_report_of_one_period(goal, student):
    """T8.5: one period report per student and period; one interim per cut-off day; both may exist."""
    for _ in range(2):
        tasks.generate_progress_reports(period="2026-Q4", interim_up_to=DEC_4.isoformat())
    with time_machine.travel(datetime(2027, 1, 1, 10, 0, tzinfo=tz.utc), tick=False):
        for _ in range(2):
            assert tasks.generate_last_quarter_reports() == 1
    assert set(ProgressReport.objects.values_list("period", "interim_up_to")) == {("2026-Q4", None), ("2026-Q4", DEC_4)}
    assert list(ProgressReport.objects.filter(student=student)) == [  # the period's own report first
        ProgressReport.objects.get(interim_up_to=None), ProgressReport.objects.get(interim_up_to=DEC_4)]


def test_the_tasks_refuse_a_period_that_has_not_ended(goal, student):
    assert tasks.generate_progress_reports(period="2026-Q4") == 0
    assert tasks.generate_progress_report(student_id=student.pk, period="2026-Q4") is None
    assert not ProgressReport.objects.exists()
    assert tasks.generate_progress_reports() == 1  # no period given: the last one that ended
    assert list(ProgressReport.objects.values_list("period", "interim_up_to")) == [("2026-Q3", None)]


def test_the_case_managers_form_makes_the_ended_periods_report_unless_interim_is_chosen(client, goal, student, case_manager):
    client.force_login(case_manager)
    url = reverse("iep:report-generate", args=[student.uuid])
    page = client.get(reverse("iep:student-iep", args=[student.uuid])).content.decode()
    text = page_text(page)
    assert "An interim report for October to December 2026, which has not ended" in text
    assert "See October to December 2026 so far as a page" in text and "2026-Q4" not in text  # periods as families say them
    response = client.post(url, {}, follow=True)  # no choice: nothing made
    assert "Choose which report to produce." in response.content.decode() and not ProgressReport.objects.exists()
    client.post(url, {"kind": "period", "period": "2026-Q4"})  # a typed-in period is ignored
    assert list(ProgressReport.objects.values_list("period", "interim_up_to")) == [("2026-Q3", None)]
    response = client.post(url, {"kind": "interim"}, follow=True)
    assert f"The progress report for October to December 2026: {_interim_words(DEC_4)} is being prepared." in page_text(response.content.decode())
    assert ProgressReport.objects.filter(period="2026-Q4", interim_up_to=DEC_4).count() == 1


def test_the_directors_form_refuses_no_choice_and_names_an_interim_run(client, goal, student, sped_director):
    client.force_login(sped_director)
    client.post(reverse("iep:reports-generate"), {"kind": "nonsense"})
    assert not ProgressReport.objects.exists()
    # Issue 17.6: first who and what, and a question; nothing is made by asking.
    check = page_text(client.post(reverse("iep:reports-generate"), {"kind": "interim"}).content.decode())
    assert f"1 progress report for October to December 2026: {_interim_words(DEC_4)} will be made" in check and "Yes, produce 1 report" in check
    assert not ProgressReport.objects.exists()
    response = client.post(reverse("iep:reports-generate"), {"kind": "interim", "confirm": "yes"}, follow=True)
    text = page_text(response.content.decode())
    assert f"1 progress report for October to December 2026: {_interim_words(DEC_4)} is being prepared." in text
    assert "Done: the 1 report is ready and its family is told." in text  # eager tasks: made before the page shows
    assert list(ProgressReport.objects.values_list("period", "interim_up_to")) == [("2026-Q4", DEC_4)]


def test_the_directors_progress_page_polls_until_every_report_is_ready(client, goal, student, sped_director):
    """An action that takes seconds shows that it is working and how far it has got (issue 17.6)."""
    client.force_login(sped_director)
    url = reverse("iep:reports-progress") + "?period=2026-Q3"
    working = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert working.lstrip().startswith('<div id="report-status" hx-get=') and 'hx-trigger="every 3s"' in working
    assert "Working: 0 of 1 reports are ready." in page_text(working)
    services.create_progress_report(student_id=student.pk, period="2026-Q3")
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "Done: the 1 report is ready" in page_text(done)
    assert client.get(reverse("iep:reports-progress") + "?period=2026-Q9").status_code == 404


def test_interim_wording_on_every_page_list_file_name_and_the_digest(client, goal, student, guardian, case_manager):
    report = services.create_progress_report(student_id=student.pk, period="2026-Q4", interim_up_to=DEC_4)
    words = _interim_words(DEC_4)
    client.force_login(case_manager)
    staff_list = page_text(client.get(reverse("iep:student-iep", args=[student.uuid])).content.decode())
    assert f"Progress report October to December 2026: {words} (PDF)" in staff_list
    live = page_text(client.get(reverse("iep:report-page", args=[student.uuid, "2026-Q4"])).content.decode())
    assert words in live and WHOLE_PERIOD not in live  # the period has not ended: the page is interim too
    ended = page_text(client.get(reverse("iep:report-page", args=[student.uuid, "2026-Q3"])).content.decode())
    assert WHOLE_PERIOD in ended and "Interim" not in ended
    assert client.get(reverse("iep:report-page", args=[student.uuid, "2027-Q1"])).status_code == 404  # not begun
    download = client.get(reverse("iep:report-pdf", args=[student.uuid, report.pk]))
    assert download.headers["Content-Disposition"] == 'attachment; filename="progress-report-2026-Q4-interim-up-to-2026-12-04.pdf"'

    client.force_login(guardian)
    goals_page = page_text(client.get(reverse("family_portal:child-goals", args=[student.uuid])).content.decode())
    assert f"Report for October to December 2026: {words}" in goals_page
    overview = page_text(client.get(reverse("family_portal:child", args=[student.uuid])).content.decode())
    assert f"The latest progress report is for October to December 2026: {words}" in overview
    family_download = client.get(reverse("family_portal:report-pdf", args=[student.uuid, report.pk]) + "?download=1")
    assert "progress-report-2026-Q4-interim-up-to-2026-12-04.pdf" in family_download.headers["Content-Disposition"]

    mail.outbox.clear()
    family_services.send_weekly_digests(week=family_services.week_start(DEC_4))
    (digest,) = [m for m in mail.outbox if m.to == [guardian.email]]
    assert f"A new progress report is ready (October to December 2026: {words})." in digest.body


def test_a_period_report_is_named_by_its_period_alone_on_the_familys_overview(client, goal, student, guardian):
    services.create_progress_report(student_id=student.pk, period="2026-Q3")
    client.force_login(guardian)
    overview = page_text(client.get(reverse("family_portal:child", args=[student.uuid])).content.decode())
    assert "The latest progress report is for July to September 2026:" in overview and "Interim" not in overview

"""Quarterly progress reports: the Celery task, idempotent, and PDFs that fetch nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from iep import services, tasks
from iep.models import IEPInput, ProgressReport
from iep.pdf import render_pdf
from tests.iep.readable import inflated_streams
from tests.factories.iep import GoalFactory, IEPInputFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.roster import GuardianshipFactory, SchoolFactory

pytestmark = pytest.mark.django_db
Status = IEPInput.Status


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's objects with every compressed stream inflated (WeasyPrint packs the catalog into one)."""
    return pdf + b"".join(inflated_streams(pdf))


@pytest.fixture
def twenty_plans():
    school = SchoolFactory()
    plans = []
    for _ in range(20):
        plan = IEPPlanFactory(student__school=school)
        GuardianshipFactory(student=plan.student)
        goal = GoalFactory(plan=plan)
        ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=7))
        plans.append(plan)
    return plans


def test_task_makes_one_pdf_per_student_and_running_it_twice_still_twenty(
        twenty_plans, django_capture_on_commit_callbacks):
    """Issue 6 / T8.5 / T8.7: 20 students -> 20 PDFs and 20 family emails; a second run adds none."""
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.generate_progress_reports(period="2026-Q3") == 20
    reports = ProgressReport.objects.all()
    assert reports.count() == 20
    assert all(r.pdf.read(5) == b"%PDF-" for r in reports)
    assert reports.filter(family_notified_at__isnull=True).count() == 0
    assert len(mail.outbox) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.student.guardianships.get().guardian.email for p in twenty_plans)


def test_pdf_renderer_refuses_every_url():
    """T4.5: an image pointing at an internal address or a local file is refused, not fetched."""
    pdf, refused = render_pdf('<p>x</p><img src="http://127.0.0.1:1/"><img src="file:///etc/passwd">')
    assert pdf.startswith(b"%PDF-")
    assert refused == ["http://127.0.0.1:1/", "file:///etc/passwd"]


def test_family_downloads_the_stored_report_and_reads_it_as_a_page(client, guardian, student, case_manager):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    GoalFactory(plan=plan)
    report_id = tasks.generate_progress_report(student_id=student.pk, period="2026-Q3")
    client.force_login(guardian)
    response = client.get(reverse("iep:report-pdf", args=[student.uuid, report_id]))
    assert response.headers["Content-Disposition"] == 'attachment; filename="progress-report-2026-Q3.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    page = client.get(reverse("iep:report-page", args=[student.uuid, "2026-Q3"]))
    assert "Progress report July to September 2026" in page.content.decode()


def test_a_family_reading_spanish_gets_the_report_and_its_email_in_spanish(
        client, guardian, other_guardian, student, case_manager, django_capture_on_commit_callbacks):
    """The product's family portal is in the family's language: a guardian reading Spanish is emailed in Spanish
    and reads the same report (same period, made at the same time) in Spanish; the other guardian, reading
    English, gets the school's own report and an English email."""
    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    GuardianshipFactory(guardian=other_guardian, student=student)
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    GoalFactory(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        report_id = tasks.generate_progress_report(student_id=student.pk, period="2026-Q3")

    report = ProgressReport.objects.get(pk=report_id)
    (copy,) = report.copies.all()
    assert copy.language == "es"
    spanish, english = _pdf_text(copy.pdf.read()), _pdf_text(report.pdf.read())
    assert b"/Lang (es)" in spanish and b"/Lang (en)" in english  # each PDF says its language

    by_reader = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_reader) == sorted([guardian.email, other_guardian.email])
    with translation.override("es"):
        spanish_subject = gettext("A new progress report is ready")
    assert spanish_subject != "A new progress report is ready"
    assert by_reader[guardian.email].subject == spanish_subject and "Maya" in by_reader[guardian.email].body
    assert by_reader[other_guardian.email].subject == "A new progress report is ready"

    url = reverse("family_portal:report-pdf", args=[student.uuid, report_id])
    for reader, expected in [(guardian, copy), (other_guardian, report)]:
        client.force_login(reader)
        expected.pdf.seek(0)
        assert b"".join(client.get(url).streaming_content) == expected.pdf.read(), reader.email


def test_an_answer_from_the_iep_team_reaches_a_spanish_reading_parent_in_spanish(
        student, guardian, case_manager, django_capture_on_commit_callbacks):
    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    item = IEPInputFactory(student=student, submitted_by=guardian)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_input(input_id=item.pk, action="answer", by=case_manager, seen_status=Status.RECEIVED,
                            answer="Vamos a añadir audiolibros al plan.")
    (message,) = mail.outbox
    with translation.override("es"):
        assert message.subject == gettext("The IEP team answered you") != "The IEP team answered you"
        assert gettext("The IEP team answered the message you sent about %(name)s.") % {"name": "Maya Rivera"} in message.body
    assert "Vamos a añadir audiolibros al plan." in message.body


@pytest.mark.parametrize("period", ["0000-Q1", "9999-Q4", "1899-Q2", "2099-Q1"])
def test_a_report_page_outside_the_districts_school_years_is_not_found(client, guardian, student, case_manager, period):
    """Issue 15.3: any 4-digit year reached the date arithmetic (year 0 raised a 500). Outside the calendar
    years the district has terms in, the page is "not found"; inside them, it is shown."""
    IEPPlanFactory(student=student, case_manager=case_manager)
    client.force_login(guardian)
    assert client.get(f"/students/{student.uuid}/iep/reports/{period}/").status_code == 404
    assert client.get(reverse("iep:report-page", args=[student.uuid, "2026-Q3"])).status_code == 200

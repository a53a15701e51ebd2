"""Quarterly progress reports: the Celery task, idempotent, and PDFs that fetch nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from iep import tasks
from iep.models import ProgressReport
from iep.pdf import render_pdf
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.roster import GuardianshipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


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
    assert "Progress report 2026-Q3" in page.content.decode()

"""A progress report made before the family chose Spanish says so, in Spanish, where the family finds it: its PDF
is that day's snapshot and stays as it was (issue 18). A report made after the choice has its Spanish copy."""

import pytest
from django.urls import reverse

from iep import tasks
from iep.models import ProgressReport
from tests.factories.iep import GoalFactory, IEPPlanFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

NOTE = "Solo en inglés"


@pytest.fixture
def plan(student, case_manager, guardian):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    TeamMemberFactory(plan=plan, user=guardian, role="parent")
    GoalFactory(plan=plan)
    return plan


def _goals_page(client, student):
    return client.get(reverse("family_portal:child-goals", args=[student.uuid])).content.decode()


def test_a_report_made_before_the_family_chose_spanish_says_it_exists_only_in_english(client, guardian, student, plan):
    tasks.generate_progress_report(student_id=student.pk, period="2026-Q3")  # the family still reads English
    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    client.force_login(guardian)
    body = _goals_page(client, student)
    assert NOTE in body and 'hreflang="en"' in body


def test_a_report_made_after_the_choice_is_in_spanish_with_no_note(client, guardian, student, plan):
    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    report = ProgressReport.objects.get(pk=tasks.generate_progress_report(student_id=student.pk, period="2026-Q3"))
    assert report.copies.filter(language="es").exists()
    client.force_login(guardian)
    body = _goals_page(client, student)
    assert NOTE not in body and 'hreflang="es"' in body


def test_an_english_reader_sees_no_note(client, guardian, student, plan):
    tasks.generate_progress_report(student_id=student.pk, period="2026-Q3")
    client.force_login(guardian)
    body = _goals_page(client, student)
    assert "Only in English" not in body and 'hreflang="en"' in body

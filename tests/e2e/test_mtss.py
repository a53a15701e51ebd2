"""Issue 20 (MTSS) in the browser: a teacher finds a struggling student and starts a tier 2 plan and enters data; the
problem-solving team records a decision; a parent reads the plan in Spanish. axe-core finds nothing on each page
(T9.1)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from mtss.models import Decision, Intervention, MonitoringResult, SupportPlan
from roster.models import Student
from tests.e2e.axe import run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _axe_clean(page) -> None:
    violations = run_axe(page).violations
    assert violations == [], "\n".join(str(v) for v in violations)


def test_a_teacher_finds_a_struggling_student_starts_a_tier_2_plan_and_enters_data(signed_in_page):
    session = signed_in_page("teacher@demo.test")
    page = session.page
    flagged = Student.objects.get(sourced_id="demo-student-07")  # 11th percentile in reading, no plan
    page.get_by_role("link", name="Tiered supports").first.click()
    _axe_clean(page)
    page.get_by_role("region", name="Flagged by screening, no support plan yet").get_by_role(
        "link", name=flagged.display_name).click()
    expect(page.get_by_role("heading", name="Reading: Tier 1: core instruction")).to_be_visible()
    _axe_clean(page)
    page.get_by_role("link", name="Start a support plan").click()
    page.get_by_label("Intervention (from the district's library)").select_option(
        str(Intervention.objects.get(name="Repeated reading for fluency").pk))
    page.get_by_label("Tier", exact=True).select_option("2")
    page.get_by_label("Interventionist").select_option(label="Hannah Brooks")
    page.get_by_label("Why this support (kept in the tier history)").fill("Fall screening: 11th percentile in reading")
    page.get_by_label("Measurable goal").fill("Read 90 words correctly per minute")
    page.get_by_label("Unit of measure").fill("words correct per minute")
    page.get_by_label("Baseline").fill("55")
    page.get_by_label("Aim", exact=True).fill("90")
    _axe_clean(page)
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("The support plan is started.")).to_be_visible()
    _axe_clean(page)

    page.get_by_label("Result (words correct per minute)").fill("58")
    page.get_by_role("button", name="Save the result").click()
    expect(page.get_by_text("The result is saved.")).to_be_visible()
    page.get_by_role("button", name="Log the session").click()
    expect(page.get_by_text("The session is logged.")).to_be_visible()
    plan = SupportPlan.objects.get(student=flagged, is_active=True)
    assert plan.tier == 2 and MonitoringResult.objects.get(plan=plan).value == 58 and plan.sessions.count() == 1
    _axe_clean(page)
    assert session.problems.items == []


def test_the_team_records_a_decision(signed_in_page):
    session = signed_in_page("principal@demo.test")
    page = session.page
    kid = Student.objects.get(sourced_id="demo-student-02")
    page.goto(reverse("mtss:student", args=[kid.uuid]))
    decisions = page.get_by_role("region", name="Problem-solving team decisions")
    decisions.get_by_label("Area").select_option("reading")
    decisions.get_by_label("Decision", exact=True).select_option("continue")
    decisions.get_by_label("The data the team looked at").fill("Last four results above the aim line")
    decisions.get_by_label("Next review").fill((timezone.localdate() + timedelta(weeks=4)).isoformat())
    decisions.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The team's decision is recorded.")).to_be_visible()
    assert Decision.objects.filter(student=kid, data="Last four results above the aim line").exists()
    _axe_clean(page)
    assert session.problems.items == []


def test_a_parent_reads_the_plan_in_spanish(signed_in_page):
    session = signed_in_page("parent2@demo.test")
    User.objects.filter(email="parent2@demo.test").update(preferred_language="es")
    page = session.page
    kid = Student.objects.get(sourced_id="demo-student-02")
    page.goto(reverse("family_portal:child-supports", args=[kid.uuid]))
    assert page.evaluate("() => document.documentElement.lang") == "es"
    expect(page.get_by_role("heading", name=f"Ayuda adicional para {kid.display_name}")).to_be_visible()
    expect(page.get_by_role("heading", name="Lectura: Nivel 2: apoyo focalizado")).to_be_visible()
    expect(page.get_by_text("veces por semana")).to_be_visible()
    _axe_clean(page)
    assert session.problems.items == []

"""Issue 16 through the browser: the case manager's -5 is refused at the field, a result is corrected and another
voided with a reason, and the goal's history says so. Steps by visible names and labels only."""

import pytest
from playwright.sync_api import expect

from iep.models import ProgressPoint, ResultCorrection
from roster.models import Student

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_case_manager_is_refused_minus_five_then_corrects_and_voids_results(signed_in_page):
    session = signed_in_page("casemanager@demo.test")
    page = session.page
    page.get_by_role("link", name="My students").click()
    page.get_by_role("link", name="Maya Rivera", exact=True).first.click()
    page.get_by_role("link", name="IEP", exact=True).click()
    page.get_by_role("link", name="Open the Math goal").click()

    page.get_by_label("Result (facts correct in two minutes)").fill("-5")
    page.get_by_role("button", name="Save result").click()
    expect(page.locator("#id_point-value-error")).to_have_text(
        "A result of this goal is between 0 and 25 facts correct in two minutes; -5 is outside that range.")

    history = page.get_by_role("region", name="History of results")
    history.get_by_role("link", name="Correct").first.click()
    page.get_by_label("Result (facts correct in two minutes)").fill("12")
    page.get_by_label("Why is it corrected?").fill("Scored with the wrong answer key")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("The result is corrected.")).to_be_visible()

    history.get_by_role("link", name="Void").nth(1).click()
    page.get_by_label("Why is it voided?").fill("Entered on the wrong goal")
    page.get_by_role("button", name="Void the result").click()
    expect(page.get_by_text("The result is voided")).to_be_visible()
    expect(history.get_by_text("Voided by")).to_be_visible()
    expect(history.get_by_text("Corrected by")).to_be_visible()

    maya = Student.objects.get(sourced_id="demo-student-00")
    assert ResultCorrection.objects.filter(point__goal__plan__student=maya).count() == 2
    assert ProgressPoint.with_voided.filter(goal__plan__student=maya, value=-5).count() == 0
    assert session.problems.items == []

"""Issue 21 through the browser: a parent chooses a credential for Maya, downloads it and the file verifies; the
case manager revokes one and its public page says so; the district's reviewer awards a teacher's micro-credential
and sees it in the holders' chart, then revokes an award; Maya sees her own credentials. axe finds nothing on the credential and micro-credential pages. One test (one
demo seed) to keep CI time down."""

import pytest
from playwright.sync_api import expect

from credentials import verify
from credentials.models import StudentCredential, Submission

from .axe import run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_parent_chooses_and_downloads_a_credential_then_the_case_manager_revokes_it(signed_in_page):
    parent = signed_in_page("parent@demo.test")
    page = parent.page
    page.get_by_role("link", name="Maya", exact=False).first.click()
    page.get_by_role("link", name="Credentials", exact=True).click()
    expect(page.get_by_role("heading", name="Credentials", level=1)).to_be_visible()
    assert run_axe(page).violations == []
    before = StudentCredential.objects.filter(student__sourced_id="demo-student-00").count()

    page.get_by_role("button", name="Yes, make this credential").first.click()
    expect(page.get_by_text("The credential is ready.")).to_be_visible()
    assert StudentCredential.objects.filter(student__sourced_id="demo-student-00").count() == before + 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (.jwt)").first.click()
    token = open(download.value.path()).read()
    assert verify.verify(token).is_valid

    page.get_by_role("link", name="Check it").first.click()
    expect(page.get_by_role("heading", name="Result: Valid")).to_be_visible()
    assert run_axe(page).violations == []

    staff = signed_in_page("casemanager@demo.test")
    page = staff.page
    page.get_by_role("link", name="My students").click()
    page.get_by_role("link", name="Maya Rivera", exact=True).first.click()
    page.get_by_role("link", name="Credentials", exact=True).click()
    assert run_axe(page).violations == []
    page.get_by_label("Why is this credential revoked?").first.fill("Mastery was recorded on the wrong competency")
    page.get_by_role("button", name="Revoke").first.click()
    expect(page.get_by_text("The credential is revoked.")).to_be_visible()
    page.get_by_role("link", name="Verification page").first.click()
    expect(page.get_by_role("heading", name="Result: Revoked")).to_be_visible()

    reviewer = signed_in_page("director@demo.test")
    page = reviewer.page
    page.get_by_role("link", name="Micro-credentials").first.click()
    assert run_axe(page).violations == []
    page.get_by_role("link", name="Submissions to review").click()
    page.get_by_role("link", name="Hannah Brooks").click()  # teacher@demo.test
    expect(page.get_by_role("heading", name="Evidence", exact=True)).to_be_visible()
    for criterion in ("Measurement", "Data and graph", "Decision"):
        page.get_by_role("group", name=criterion).get_by_label("3 Proficient").check()
    page.get_by_label("Award the micro-credential").check()
    assert run_axe(page).violations == []
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("The micro-credential is awarded.")).to_be_visible()
    assert Submission.objects.filter(educator__email="teacher@demo.test", status="awarded").count() == 1
    page.goto("/educators/micro-credentials/holders/")
    expect(page.get_by_role("img", name="Educators holding each micro-credential")).to_be_visible()
    assert run_axe(page).violations == []
    # The director revokes an award: a reason is needed; the educator's page and the verification then say so.
    page.goto("/educators/micro-credentials/awards/")
    assert run_axe(page).violations == []
    page.get_by_role("link", name="Revoke").first.click()
    page.get_by_role("button", name="Revoke the micro-credential").click()
    expect(page.get_by_text("Please say why the credential is revoked.").first).to_be_visible()
    assert run_axe(page).violations == []
    page.get_by_label("Why is this micro-credential revoked?").fill("The evidence came from another educator's class")
    page.get_by_role("button", name="Revoke the micro-credential").click()
    expect(page.get_by_text("The micro-credential is revoked.")).to_be_visible()
    assert Submission.objects.filter(revoked_at__isnull=False).count() == 1

    # Maya's own Credentials page: she sees hers; she is under the demo district's age, so no choosing.
    me = signed_in_page("student@demo.test")
    page = me.page
    page.get_by_role("link", name="My credentials").click()
    expect(page.get_by_role("heading", name="My credentials", level=2)).to_be_visible()
    expect(page.get_by_role("button", name="Make this credential")).to_have_count(0)
    assert run_axe(page).violations == []
    assert parent.problems.items == [] and staff.problems.items == [] and reviewer.problems.items == []
    assert me.problems.items == []

"""T9.1 after htmx swaps: axe on what the page becomes, not only on what it was (issue #9).

The in-place profile section edit (opened, refused with a validation error, in conflict with a save made
meanwhile) and the mastery grid's domain filter are htmx swaps; after each, axe finds 0 violations and the
page has no CSP refusal or script error.
"""

import re

import pytest
from playwright.sync_api import expect

from profiles.forms import MAX_TEXT
from tests.e2e.axe import run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAYA = "Maya Rivera"


def open_profile(page) -> None:
    page.get_by_role("link", name="My students").click()
    page.get_by_role("link", name=MAYA, exact=True).first.click()
    page.get_by_role("link", name="Learner profile", exact=True).click()


def violations(page) -> list[str]:
    return [str(v) for v in run_axe(page).violations]


def test_axe_after_the_in_place_profile_edit_its_validation_error_and_its_conflict(signed_in_page):
    """T9.1 (after htmx swaps), T9.4 (errors: summary, aria-invalid, aria-describedby), T7.1 (conflict view)."""
    session = signed_in_page("teacher@demo.test")
    page = session.page
    open_profile(page)
    url = page.url

    page.get_by_role("link", name="Edit Needs").click()
    expect(page.get_by_role("heading", name="Editing: Needs")).to_be_visible()
    box = page.get_by_role("textbox", name="Needs", exact=True)
    expect(box).to_be_focused()  # the swapped-in form takes focus
    assert page.url == url  # swapped in place, no page load
    assert violations(page) == []

    # The browser stops typing at maxlength; a client that does not (or a paste through an old browser) is
    # answered by the server's own check, which is what a person then sees.
    box.evaluate("el => el.removeAttribute('maxlength')")
    box.fill("x" * (MAX_TEXT + 1))
    page.get_by_role("button", name="Save").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please keep this to")
    assert box.get_attribute("aria-invalid") == "true"
    described = box.get_attribute("aria-describedby") or ""
    assert any(page.locator(f"#{i}").inner_text().startswith("Please keep this to") for i in described.split())
    assert violations(page) == []

    # Someone else saves the same section meanwhile: the merge view is swapped in.
    other = signed_in_page("casemanager@demo.test")
    open_profile(other.page)
    other.page.get_by_role("link", name="Edit Needs").click()
    expect(other.page.get_by_role("heading", name="Editing: Needs")).to_be_visible()
    other.page.get_by_role("textbox", name="Needs", exact=True).fill("Needs short written instructions beside spoken ones.")
    other.page.get_by_role("button", name="Save").click()
    expect(other.page.locator("#section-needs")).to_contain_text("Needs short written instructions")

    box.fill("Needs extra time to start written tasks.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Your changes are not saved yet.")
    assert page.url == url
    assert violations(page) == []
    assert session.problems.items == [] and other.problems.items == []


def test_axe_after_the_mastery_grid_domain_filter(signed_in_page):
    """T9.1 after the grid's htmx filter swap (with hx-push-url: the address follows)."""
    session = signed_in_page("teacher@demo.test")
    page = session.page
    page.get_by_role("link", name="Mastery grid for Grade 5 Math").click()
    domain = page.get_by_label("Show the domain")
    expect(domain.locator("option").last).to_be_attached()  # the grid page has loaded (reading options does not wait)
    choice = [o for o in domain.locator("option").all_inner_texts() if o.strip()][-1]
    domain.select_option(label=choice)
    with page.expect_response(lambda r: "/grid/" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?domain=\d+"))
    assert violations(page) == []
    assert session.problems.items == []

"""The idle-timeout warning in a real browser (quality.md T9.6, WCAG 2.2.1, ASVS 8.2.2), with the timeout
shortened through settings: the warning appears ahead of the sign-out as an announced alert dialog, takes
focus and gives it back, "Stay signed in" keeps the session, and typing is kept on the server and comes back."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.models import User
from roster.models import Draft, Student

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TIMEOUT, WARNING = 20, 12  # seconds: the warning is due 8 s after the session's last activity
MESSAGE = "Maya reads to her brother every evening; could the plan use that?"


@pytest.fixture
def short_sessions(settings):
    settings.WAYPOINT_IDLE_TIMEOUT = TIMEOUT
    settings.WAYPOINT_IDLE_WARNING = WARNING


def wait_for(check, seconds: float = 10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if value := check():
            return value
        time.sleep(0.2)
    return check()


def open_input_form(session):
    maya = Student.objects.get(sourced_id="demo-student-00")
    session.page.goto(reverse("family_portal:input-new", kwargs={"student_id": maya.uuid}))
    return session.page.get_by_label("Your message")


def test_warning_is_announced_takes_focus_and_stay_signed_in_keeps_the_session(short_sessions, signed_in_page):
    """T9.6: the alert dialog appears before the sign-out (here 12 s ahead), with focus on Stay signed in;
    the typed text is saved on the server meanwhile; Stay signed in closes it, returns focus to the message box,
    drops the server copy, and the session outlives its original end."""
    session = signed_in_page("parent@demo.test")
    started = time.monotonic()
    page = session.page
    box = open_input_form(session)
    box.fill(MESSAGE)
    box.focus()
    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    dialog.wait_for(state="visible", timeout=(TIMEOUT + 5) * 1000)
    assert time.monotonic() - started < TIMEOUT - 2  # shown ahead of the sign-out, not at it
    assert dialog.get_attribute("aria-modal") == "true"
    description = page.evaluate("document.getElementById(document.getElementById('idle-warning')"
                                ".getAttribute('aria-describedby')).innerText")
    assert "signed out" in description and "kept" in description
    stay = dialog.get_by_role("button", name="Stay signed in")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    parent = User.objects.get(email="parent@demo.test")
    draft = wait_for(lambda: Draft.objects.filter(user=parent, form="family-input").first())
    assert draft is not None and draft.fields["text"] == MESSAGE

    stay.click()
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.getAttribute('name')") == "text"
    assert wait_for(lambda: not Draft.objects.filter(user=parent).exists())
    time.sleep(max(0.0, TIMEOUT + 2 - (time.monotonic() - started)))  # past the original end of the session
    page.reload()
    assert page.get_by_label("Your message").is_visible()  # still signed in: not sent to the sign-in page
    assert session.problems.items == []


def test_after_the_sign_out_the_typed_text_comes_back_on_the_server_side(short_sessions, signed_in_page):
    """T9.6 / ASVS 8.2.2: nobody answers the warning; the page says the person was signed out and offers to
    sign in again; after signing in the message box holds the text again, and the page kept no copy in
    localStorage or sessionStorage."""
    session = signed_in_page("parent@demo.test")
    page = session.page
    open_input_form(session).fill(MESSAGE)
    dialog = page.get_by_role("alertdialog")
    again = dialog.get_by_role("link", name="Sign in again")
    again.wait_for(state="visible", timeout=(TIMEOUT + 10) * 1000)
    assert page.evaluate("document.activeElement.textContent.trim()") == "Sign in again"
    stored = page.evaluate("[window.localStorage, window.sessionStorage].flatMap(s => Object.values(s)).join(' ')")
    assert page.evaluate("window.localStorage.length") == 0 and "Maya reads" not in stored  # (htmx keeps only a path)
    assert Draft.objects.get(form="family-input").fields["text"] == MESSAGE
    again.click()
    page.get_by_label("Email").fill("parent@demo.test")
    page.get_by_label("Password").fill(django_settings.WAYPOINT_DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    box = page.get_by_label("Your message")
    page.get_by_role("status").filter(has_text="We kept what you typed").wait_for()
    assert box.input_value() == MESSAGE
    assert not Draft.objects.exists()  # given back once, then removed from the server
    assert session.problems.items == []


def test_a_profile_section_typed_into_by_htmx_comes_back_when_the_section_is_opened_again(short_sessions, signed_in_page):
    """T9.6 on the profile: the edit form htmx swaps in opts in too; after the sign-out and signing in, opening
    the same section's editor again fills in the kept text (with the version it was typed against)."""
    session = signed_in_page("casemanager@demo.test")
    page = session.page
    maya = Student.objects.get(sourced_id="demo-student-00")
    page.goto(reverse("profiles:detail", kwargs={"student_id": maya.uuid}))
    edit = page.locator("#section-strengths").get_by_role("link", name="Edit")
    edit.click()
    box = page.locator("#section-strengths textarea[name=text]")
    box.fill("Kept across the sign-out: loves maps and timelines.")
    again = page.get_by_role("alertdialog").get_by_role("link", name="Sign in again")
    again.wait_for(state="visible", timeout=(TIMEOUT + 10) * 1000)
    again.click()
    page.get_by_label("Email").fill("casemanager@demo.test")
    page.get_by_label("Password").fill(django_settings.WAYPOINT_DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.locator("#section-strengths").get_by_role("link", name="Edit").click()
    page.get_by_role("status").filter(has_text="We kept what you typed").wait_for()
    assert page.locator("#section-strengths textarea[name=text]").input_value() == "Kept across the sign-out: loves maps and timelines."
    assert not Draft.objects.exists()
    assert session.problems.items == []

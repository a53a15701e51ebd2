"""The idle-timeout warning and "Stay signed in" (quality.md T9.6, WCAG 2.2.1; T5.3 for the timeout itself)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("accounts:password-change"))  # starts the idle clock
    return client


def test_every_signed_in_page_carries_the_warning_dialog_and_its_script(teacher):
    """T9.6: an alert dialog with a name, a description and a Stay signed in button; JS from a static file."""
    page = signed_in(teacher).get(reverse("accounts:password-change")).content.decode()
    dialog = re.search(r'<dialog id="idle-warning"[^>]*>', page).group(0)
    assert 'role="alertdialog"' in dialog and 'aria-labelledby="idle-warning-title"' in dialog
    assert 'aria-describedby="idle-warning-text"' in dialog
    assert 'data-warn-before="120"' in dialog and 'data-idle-timeout="1800"' in dialog
    assert ">Stay signed in</button>" in page
    assert re.search(r'<script src="/static/js/idle-warning\.js" defer></script>', page)
    assert "<script>" not in page and " onclick=" not in page


def test_the_warning_markup_holds_no_changing_time(teacher):
    """Pages stay byte-identical from one request to the next (a hidden student's 404 equals an unknown one's,
    T1.2): the script counts from the page load, so the markup carries no clock."""
    client = signed_in(teacher)
    start = timezone.now()
    pages = []
    for seconds in (0, 7, 59):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            pages.append(client.get(reverse("accounts:password-change")).content.decode())
    dialogs = [re.search(r'<dialog id="idle-warning".*?</dialog>', p, re.S).group(0) for p in pages]
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert len({csrf.sub("", d) for d in dialogs}) == 1


def test_signed_out_pages_have_no_warning():
    assert "idle-warning" not in Client().get(reverse("accounts:login")).content.decode()


def test_status_does_not_extend_the_session_but_stay_signed_in_does(teacher):
    """T9.6: asking how long is left is not activity; Stay signed in is, and the session then lives on."""
    client = signed_in(teacher)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        status = client.get(reverse("accounts:session-status"), HTTP_X_WAYPOINT_IDLE_NEUTRAL="1")
        assert status.status_code == 200
        assert 295 <= status.json()["seconds_left"] <= 301
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("accounts:session-status"), HTTP_X_WAYPOINT_IDLE_NEUTRAL="1").json()["seconds_left"] <= 61
        extended = client.post(reverse("accounts:session-extend"))
        assert extended.status_code == 200 and extended.json()["seconds_left"] == 1801  # ends once > 1800 s passed
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert client.get(reverse("accounts:password-change")).status_code == 200  # 21 idle minutes: still in


def test_without_stay_signed_in_the_session_ends_on_time_even_if_the_page_asked(teacher):
    """T5.3 kept: status and draft requests (idle-neutral) do not keep an idle session alive."""
    client = signed_in(teacher)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=28), tick=False):
        client.get(reverse("accounts:session-status"), HTTP_X_WAYPOINT_IDLE_NEUTRAL="1")
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get(reverse("accounts:password-change"))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_extending_needs_a_post_and_a_signed_in_person(teacher):
    assert Client().post(reverse("accounts:session-extend")).status_code == 302
    assert signed_in(teacher).get(reverse("accounts:session-extend")).status_code == 405

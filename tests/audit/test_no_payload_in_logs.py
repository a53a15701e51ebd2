"""T2.4 (ASVS 7.1.1, 7.1.2): access events and log lines carry identifiers, never what people wrote, their
passwords or their session keys. A day's worth of writes is done with marked text; the captured logs of every
logger (DEBUG and up) and every access event are then searched for the markers: 0 found."""

import logging
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AccessEvent
from family_portal.models import HighlightReply
from iep.models import IEPInput
from profiles.models import ProfileSection

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_logs_and_access_events_hold_no_text_passwords_or_session_keys(client, teacher, guardian, student, caplog,
                                                                       django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    markers = {name: f"MARKER-{name}-{uuid.uuid4().hex[:8]}" for name in
               ("wrong-password", "profile", "input", "highlight", "reply")}
    with django_capture_on_commit_callbacks(execute=True):
        # sign-in: a wrong password, then the right one (through the real form, axes and all)
        client.post(reverse("accounts:login"), {"username": teacher.email, "password": markers["wrong-password"]})
        client.post(reverse("accounts:login"), {"username": teacher.email, "password": settings.WAYPOINT_DEMO_PASSWORD})
        teacher_session = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.post(reverse("profiles:section-edit", args=[student.uuid, "strengths"]),
                    {"text": markers["profile"], "visibility": "family", "base_version": 1}, **HTMX)
        client.post(reverse("family_portal:student-highlights", args=[student.uuid]), {"text": markers["highlight"]})
        client.force_login(guardian)
        highlight = student.highlights.get()
        client.post(reverse("family_portal:highlight-reply", args=[student.uuid, highlight.pk]),
                    {f"h{highlight.pk}-text": markers["reply"]})
        client.post(reverse("family_portal:input-new", args=[student.uuid]),
                    {"kind": "concern", "text": markers["input"], "idempotency_key": uuid.uuid4()})
    # the writes happened (or this test would prove nothing)
    assert ProfileSection.objects.get(student=student, kind="strengths").text == markers["profile"]
    assert HighlightReply.objects.get().text == markers["reply"]
    assert IEPInput.objects.get().text == markers["input"]
    assert AccessEvent.objects.filter(student=student).count() >= 4
    assert caplog.records, "nothing was logged: the search below would be empty"

    secrets = [*markers.values(), settings.WAYPOINT_DEMO_PASSWORD, teacher_session]
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    events = "\n".join(str(row) for row in AccessEvent.objects.values_list())
    assert [s for s in secrets if s in logged] == []
    assert [s for s in secrets if s in events] == []

"""T4.1: text typed into every free-text field of the profile is shown escaped wherever it appears."""

import pytest
from django.urls import reverse

from profiles.models import ProfileSection
from profiles.packet import packet_html
from profiles.selectors import profile_for

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("x{n}")</script>',
    '"><svg onload=alert({n})>',
    "<img src=x onerror=alert({n})>",
    "{{{{7*7}}}} {{% debug %}} mark{n}",
]


def _payload(field: str, index: int) -> str:
    return f"{field}-" + PAYLOADS[index % len(PAYLOADS)].format(n=index)


def _fill_every_text_field(client, student, teacher, case_manager, student_user) -> list[str]:
    typed = []
    client.force_login(case_manager)  # may write every section, the restricted one included
    for index, kind in enumerate(k for k in ProfileSection.Kind.values if k != "about_me"):
        text = _payload(kind, index)
        response = client.post(reverse("profiles:section-edit", args=[student.uuid, kind]), {"text": text, "visibility": "student", "base_version": 1})
        assert response.status_code == 302, kind
        typed.append(text)
    goal = {"description": _payload("goal", 1), "kind": "academic", "owner": "student", "target_date": "", "status": "in_progress"}
    accommodation = {"category": "classroom", "description": _payload("acc", 2), "applies_in": _payload("where", 0),
                     "provided_by": _payload("who", 1), "is_active": "on"}  # fmt: skip
    assert client.post(reverse("profiles:goal-add", args=[student.uuid]), goal).status_code == 302
    assert client.post(reverse("profiles:accommodation-add", args=[student.uuid]), accommodation).status_code == 302
    typed += [goal["description"], accommodation["description"], accommodation["applies_in"], accommodation["provided_by"]]
    client.force_login(student_user)
    about_me = _payload("about", 0)
    assert client.post(reverse("profiles:about-me-edit", args=[student.uuid]), {"text": about_me, "base_version": 1}).status_code == 302
    return typed + [about_me]


def test_every_text_field_is_escaped_on_every_page(client, student, teacher, case_manager, student_user):
    typed = _fill_every_text_field(client, student, teacher, case_manager, student_user)
    client.force_login(case_manager)
    pages = {
        name: client.get(reverse(name, args=[student.uuid])).content.decode()
        for name in ("profiles:detail", "profiles:history", "profiles:packet", "profiles:meet")
    }
    pages["section fragment"] = client.get(reverse("profiles:section", args=[student.uuid, "strengths"]), HTTP_HX_REQUEST="true").content.decode()
    pages["pdf source"] = packet_html(request=None, student=student, profile=profile_for(student=student, viewer=case_manager, include_empty=False))
    unescaped = [(page, text) for page, body in pages.items() for text in typed if text in body and "<" in text]
    assert unescaped == []
    for marker in ("<script>", "<svg onload", "<img src=x"):
        assert all(marker not in body for body in pages.values()), marker
    assert "&lt;script&gt;alert(&quot;x0&quot;)&lt;/script&gt;" in pages["profiles:detail"]
    assert "{{7*7}} {% debug %} mark3" in pages["profiles:detail"]  # shown as typed, never evaluated
    # Evaluated, "{{7*7}}" would read "49": look for that exact text, not a bare "49" (UUIDs hold digits).
    evaluated = [text.replace("{{7*7}}", "49").replace("{% debug %}", "") for text in typed if "{{7*7}}" in text]
    assert evaluated and all(e not in body for e in evaluated for body in pages.values())

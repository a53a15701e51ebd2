"""Issue 17.1, 17.2 and 17.4 in a browser: the student's own home, one "now" on the family side, phones first.

- The student home names the next step and shows no student number, legal surname or plan label (390 and 1366 px).
- Overview and Learning name the same "now" for every child the demo parents see (and, by the server, for every
  student of the demo with a family).
- No element wider than the viewport at 320 px on the student's pages and the family's child pages.
Screenshots at 390 and 1366 px in English and Spanish go to $WAYPOINT_SHOTS when it is set (helpers look at them).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from roster.models import Guardianship, Student
from tests.e2e.test_reflow import OVERFLOW_JS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("WAYPOINT_SHOTS")
VIEWPORTS = [(390, 844), (1366, 900)]


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _spanish(page, user_email: str) -> None:
    """Spanish as each person asks for it: a parent's stored choice, a student's browser language."""
    from accounts.models import User

    User.objects.filter(email=user_email).update(preferred_language="es")
    host = urlsplit(page.url).hostname
    page.context.add_cookies([{"name": "django_language", "value": "es", "domain": host, "path": "/"}])


def _no_sideways_scroll(page, width: int = 320) -> list:
    page.set_viewport_size({"width": width, "height": 640})
    measured = page.evaluate(OVERFLOW_JS)
    return [] if measured["scrollWidth"] <= measured["clientWidth"] + 1 else [page.url, measured]


def test_the_student_home_names_her_next_step_and_no_student_number(signed_in_page):
    session = signed_in_page("student@demo.test")
    page = session.page
    student = Student.objects.get(user__email="student@demo.test")
    page.goto(reverse("roster:student-home"))
    assert page.url.endswith(reverse("me:home", args=[student.uuid]))
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        main = page.locator("main")
        assert main.get_by_role("heading", name="My next step").is_visible()
        assert page.locator("[data-my-next]").count() >= 1 and page.locator("[data-my-next]").first.is_visible()
        assert page.locator("[data-my-now]").first.is_visible()
        text = page.locator("body").inner_text()
        assert student.student_number not in text and "Student number" not in text
        assert student.last_name not in text and "Legal name" not in text and "Behind" not in text
        _shot(page, f"student-home-en-{width}")
    # every page she reaches fits a 320 px phone
    wide = []
    for name in ("me:home", "paths:path-detail", "profiles:detail", "iep:student-iep", "competencies:student-progress"):
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(reverse(name, args=[student.uuid]))
        wide += _no_sideways_scroll(page)
        if name != "me:home":
            for width, height in VIEWPORTS:
                page.set_viewport_size({"width": width, "height": height})
                _shot(page, f"student-{name.split(':')[1]}-en-{width}")
    assert wide == []
    _spanish(page, "student@demo.test")
    page.goto(reverse("me:home", args=[student.uuid]))
    assert page.get_by_role("heading", name="Mi próximo paso").is_visible(), page.locator("h2").all_inner_texts()
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        _shot(page, f"student-home-es-{width}")
    page.goto(reverse("paths:path-detail", args=[student.uuid]))
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "student-path-detail-es-390")
    assert session.problems.items == []


def _nows(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-now] [data-now-title]").all_inner_texts()]


@pytest.mark.parametrize("email", ["parent@demo.test", "parent2@demo.test"])
def test_overview_and_learning_name_the_same_now_for_each_child(signed_in_page, email):
    session = signed_in_page(email)
    page = session.page
    guardian_children = Student.objects.filter(guardianships__guardian__email=email).order_by("pk")
    assert guardian_children.exists()
    wide = []
    for child in guardian_children:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(reverse("family_portal:child", args=[child.uuid]))
        overview = _nows(page)
        wide += _no_sideways_scroll(page)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(reverse("family_portal:child-learning", args=[child.uuid]))
        learning = _nows(page)
        wide += _no_sideways_scroll(page)
        assert overview == learning, (child, overview, learning)
        text = page.locator("main").inner_text()
        assert "…" not in text or not re.search(r"\w…", text)  # nothing cut mid-word
        for name in ("child-goals", "child-about", "input-list", "access-record"):
            page.set_viewport_size({"width": 1366, "height": 900})
            page.goto(reverse(f"family_portal:{name}", args=[child.uuid]))
            wide += _no_sideways_scroll(page)
    assert wide == []
    if email == "parent@demo.test":
        child = guardian_children.first()
        for lang in ("en", "es"):
            if lang == "es":
                _spanish(page, email)
            for name in ("child", "child-learning", "child-goals"):
                page.goto(reverse(f"family_portal:{name}", args=[child.uuid]))
                for width, height in VIEWPORTS:
                    page.set_viewport_size({"width": width, "height": height})
                    _shot(page, f"family-{name}-{lang}-{width}")
        # the tab bar is compact on a phone: the page's content starts within the first screen
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(reverse("family_portal:child-learning", args=[child.uuid]))
        top = page.locator("#learning-heading").bounding_box()["y"]
        assert top < 600, top
    assert session.problems.items == []


def test_every_demo_student_with_a_family_has_one_now(demo_data):
    """Server side, every student of the demo that a family sees: Overview and Learning name the same now."""
    client = Client()
    checked = 0
    for link in Guardianship.objects.filter(is_active=True, may_access_records=True).select_related("student", "guardian"):
        client.force_login(link.guardian)
        pages = [client.get(reverse(f"family_portal:{n}", args=[link.student.uuid])) for n in ("child", "child-learning")]
        if any(p.status_code != 200 for p in pages):
            continue  # an adult student who keeps their own record
        nows = [re.findall(r"data-now-title>([^<]*)<", p.content.decode()) for p in pages]
        assert nows[0] == nows[1], (link.student, nows)
        checked += 1
    assert checked >= 2

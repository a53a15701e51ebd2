"""Issue 17.3 in a browser: the grid's cells carry their level's colour, its header stays in view while it scrolls,
and the teacher's start page shows what needs them with counts and links (Debian chromium)."""

import pytest
from django.urls import reverse

from roster.models import Section

from .axe import run_axe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_grid_cells_have_their_colour_and_the_header_stays_visible(signed_in_page, width):
    session = signed_in_page("teacher@demo.test")
    page = session.page
    page.set_viewport_size({"width": width, "height": 800})
    section = Section.objects.get(name="Grade 5 Math", teachers__email="teacher@demo.test")
    page.goto(reverse("competencies:section-grid", args=[section.pk]))
    mastered = page.locator("td.state-mastered").first
    assert mastered.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(30, 107, 52)"
    assert page.locator("td.state-near").first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 230, 138)"
    box = page.get_by_role("region", name="Mastery of 32 students")
    box.evaluate("e => { e.scrollTop = 600; e.scrollLeft = 400; }")
    header, box_top = page.locator(".mastery-grid thead th").first, box.bounding_box()["y"]
    assert abs(header.bounding_box()["y"] - box_top) < 2  # the header row is still at the top of the box
    name_cell = page.locator(".mastery-grid tbody th").nth(10)
    assert abs(name_cell.bounding_box()["x"] - box.bounding_box()["x"]) < 2  # the student column is still at the left
    assert run_axe(page).violations == []
    assert session.problems.items == []


def test_teacher_start_page_shows_counts_and_links(signed_in_page):
    session = signed_in_page("casemanager@demo.test")
    page = session.page
    page.goto(reverse("roster:staff-home"))
    needs = page.get_by_role("region", name="What needs you")
    assert needs.locator("#needs-goals-flagged h3").inner_text().endswith("goals flagged: their results are below the aim line")
    assert needs.locator("#needs-inputs-waiting h3").inner_text().split()[0].isdigit()
    needs.get_by_role("link", name="Open the queue").click()
    assert page.url.endswith(reverse("iep:queue"))
    page.go_back()
    assert run_axe(page).violations == []
    assert session.problems.items == []


PAGES = {
    "teacher@demo.test": ["paths-pacing-late", "grid-evidence"],
    "admin@demo.test": ["invitation-preview"],
    "director@demo.test": ["reports-progress"],
}


def _url(name: str) -> str:
    from competencies.models import SectionCompetency

    section = Section.objects.get(name="Grade 5 Math", teachers__email="teacher@demo.test")
    if name == "paths-pacing-late":
        return reverse("paths:section-pacing", args=[section.pk]) + "?sort=late"
    if name == "grid-evidence":
        competency = SectionCompetency.objects.filter(section=section).order_by("position").first().competency_id
        return reverse("competencies:section-evidence", args=[section.pk]) + f"?competency={competency}"
    if name == "invitation-preview":
        return reverse("roster:invitation-preview")
    return reverse("iep:reports-progress") + "?period=2026-Q3"


@pytest.mark.parametrize("email", sorted(PAGES))
def test_changed_pages_pass_axe(signed_in_page, email):
    """T9.1 on the pages issue 17.3 and 17.6 changed or added (the start page and the grid are checked above)."""
    session = signed_in_page(email)
    for name in PAGES[email]:
        session.page.goto(_url(name))
        result = run_axe(session.page)
        assert result.violations == [], (name, [str(v) for v in result.violations])
    assert session.problems.items == []


def test_recording_results_opens_a_students_accommodations(signed_in_page):
    """The compact control: one line per student says how many come from the plan; opening it shows them ticked."""
    session = signed_in_page("teacher@demo.test")
    page = session.page
    page.goto(_url("grid-evidence"))
    summary = page.locator("details.accommodations-used summary").filter(has_text="from the plan").first
    summary.click()
    details = page.locator("details.accommodations-used[open]").first
    assert details.locator("input:checked").count() >= 1
    level = page.locator("select[name^=level_]").first
    # The menu is wide enough for its longest label with its padding and arrow ("3 – Profic" was cut).
    assert level.evaluate("""e => { const c = document.createElement('canvas').getContext('2d'), s = getComputedStyle(e);
        c.font = s.font; const longest = Math.max(...[...e.options].map(o => c.measureText(o.text).width));
        return longest + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) <= e.clientWidth + 1; }""")
    assert session.problems.items == []

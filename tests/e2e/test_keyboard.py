"""T9.2: the parent-input and teacher-evidence journeys with the keyboard alone (issue #9).

Only page.keyboard is used after the page loads: Tab, Shift+Tab, Enter, Space, arrows and typing. At every
focus step the focused element must show a visible outline or box-shadow (computed style) and must not be
hidden under something else: `elementFromPoint` at its centre is the element itself or inside it (WCAG 2.4.7,
2.4.11). The skip link is the first stop and moves focus to <main>.
"""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.urls import reverse

from competencies.models import Evidence
from iep.models import IEPInput
from tests.e2e.conftest import PageProblems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120

FOCUS_JS = """async () => {
    // Bootstrap scrolls smoothly: let the scroll that brought the focused element into view finish first.
    const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
    let last = null, still = 0;
    for (let i = 0; i < 120 && still < 6; i++) {  // settled: six frames without moving (a smooth scroll may start late)
        await frame();
        const now = `${scrollX},${scrollY}`;
        still = now === last ? still + 1 : 0;
        last = now;
    }
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = !!style.boxShadow && style.boxShadow !== 'none';
    // Tab also stops on a date field's own calendar button, inside the browser's shadow DOM: the field is the active
    // element but not :focus, and the browser draws that button's ring itself (page CSS cannot reach or remove it).
    const pickerButton = el.tagName === 'INPUT' && /^(date|time|datetime-local|month|week)$/.test(el.type) && !el.matches(':focus');
    const box = el.getBoundingClientRect();
    // The centre of the part inside the viewport: a focusable region taller than the window is still seen.
    const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
    const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
    const x = (left + right) / 2, y = (top + bottom) / 2;
    const hit = document.elementFromPoint(x, y);
    const describe = n => n ? `${n.tagName.toLowerCase()}#${n.id}.${[...n.classList].join('.')}` : 'nothing';
    const labelled = el.labels && el.labels.length ? el.labels[0].innerText : '';
    return {
        tag: el.tagName.toLowerCase(),
        type: el.type || '',
        id: el.id,
        name: (el.getAttribute('aria-label') || labelled || el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
        visible_focus: outline || shadow || pickerButton,
        focus_style: `outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow}, `
            + `:focus-visible ${el.matches(':focus-visible')}, animations ${el.getAnimations().length}`,
        on_top: !!hit && (hit === el || el.contains(hit) || (el.labels && [...el.labels].some(l => l.contains(hit)))),
        in_main: !!el.closest('main'),
        size: [Math.round(box.width), Math.round(box.height)],
        checked: !!el.checked,
        hit: describe(hit) + ' at ' + [Math.round(x), Math.round(y)] + ' viewport ' + [innerWidth, innerHeight],
    };
}"""


@dataclass
class Keyboard:
    """Drives a page with keys only and checks every focus stop it passes."""

    page: object
    stops: int = 0
    trail: list[str] = field(default_factory=list)
    next_stop_in_main: bool = False
    defects: list[str] = field(default_factory=list)

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUS_JS)

    def check(self) -> dict | None:
        state = self.focused()
        if state is None:
            return None
        self.stops += 1
        self.trail.append(f"<{state['tag']}> {state['name'][:40]!r}")
        where = f"{self.page.url} <{state['tag']} id={state['id']!r}> {state['name']!r}"
        if not state["visible_focus"]:
            self.defects.append(f"no visible focus indicator: {where} ({state['focus_style']})")
        if not state["on_top"]:
            self.defects.append(f"focused element hidden under another element: {where} (on top: {state['hit']})")
        return state

    def press(self, key: str) -> dict | None:
        self.page.keyboard.press(key)
        state = self.check()
        if self.next_stop_in_main:
            assert state is not None and state["in_main"], f"after the skip link, {key} left <main>: {state}"
            self.next_stop_in_main = False
        return state

    def tab_to(self, matches, *, backwards: bool = False, limit: int = MAX_TABS) -> dict:
        """Tab (or Shift+Tab) until the focused element matches; every stop on the way is checked."""
        for _ in range(limit):
            state = self.press("Shift+Tab" if backwards else "Tab")
            if state is not None and matches(state):
                return state
        raise AssertionError(f"never reached the wanted element in {limit} presses on {self.page.url}; last stops: {self.trail[-12:]}")

    def activate(self, key: str = "Enter") -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.page.wait_for_load_state()

    def skip_to_main(self) -> None:
        """The first Tab stop is the skip link; Enter moves focus to <main>, and the next Tab stays inside it."""
        if self.page.url.endswith("#main"):
            # A GET form without an action keeps the address's #main (from the skip link): the browser has
            # already moved focus to <main>, which is where the skip link would take it.
            assert self.page.evaluate("() => document.activeElement.id") == "main"
        else:
            assert self.focused() is None, "a page just loaded should not have moved focus anywhere yet"
            first = self.press("Tab")
            assert first is not None and first["name"] == "Skip to main content", first
            self.page.keyboard.press("Enter")
        assert self.page.evaluate("() => document.activeElement.id") == "main"
        self.next_stop_in_main = True  # checked on the next key press: Tab from <main> stays inside it


def named(text: str, tag: str | None = None):
    return lambda state: state["name"] == text and (tag is None or state["tag"] == tag)


@pytest.fixture
def keyboard_page(browser, live_server, demo_data):
    contexts = []

    def open_signed_in(email: str) -> tuple[Keyboard, PageProblems]:
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        page.goto(reverse("accounts:login"))
        keys = Keyboard(page)
        keys.tab_to(lambda s: s["tag"] == "input" and s["type"] == "email")
        page.keyboard.type(email)
        keys.tab_to(lambda s: s["type"] == "password")
        page.keyboard.type(settings.WAYPOINT_DEMO_PASSWORD)
        keys.activate("Enter")
        assert not page.url.endswith(reverse("accounts:login")), f"keyboard sign-in failed for {email}"
        return keys, problems

    yield open_signed_in
    for context in contexts:
        context.close()


def test_parent_sends_input_to_the_iep_team_with_the_keyboard_alone(keyboard_page):
    """T9.2, parent input journey: portal home -> child -> write to the IEP team -> kind by arrows -> send."""
    keys, problems = keyboard_page("parent@demo.test")
    page = keys.page

    keys.skip_to_main()
    keys.tab_to(named("Maya Rivera", "a"))
    keys.activate()
    keys.skip_to_main()
    keys.tab_to(named("Write to the IEP team", "a"))
    keys.activate()
    keys.skip_to_main()
    first_radio = keys.tab_to(lambda s: s["type"] == "radio")
    assert first_radio["name"] == "Strengths seen at home"
    state = keys.press("ArrowDown")  # arrows move within the radio group and select
    assert (state["name"], state["checked"]) == ("Concern", True)
    keys.tab_to(lambda s: s["tag"] == "textarea")
    page.keyboard.type("Maya finds the reading homework very tiring in the evenings.")
    keys.tab_to(named("Send to the IEP team", "button"))
    # Back once and forward again: Shift+Tab must pass the same stops (here, the file field) with focus visible.
    keys.press("Shift+Tab")
    keys.tab_to(named("Send to the IEP team", "button"))
    keys.activate("Enter")

    assert page.get_by_role("heading", level=1).inner_text() == "Your message was received"
    sent = IEPInput.objects.get(text="Maya finds the reading homework very tiring in the evenings.")
    assert (sent.kind, sent.status, sent.submitted_by.email) == ("concern", "received", "parent@demo.test")
    print(f"\nT9.2 parent input journey: {keys.stops} focus stops checked, {len(keys.defects)} defects")
    assert keys.defects == []
    assert problems.items == []


def test_teacher_records_evidence_with_the_keyboard_alone(keyboard_page):
    """T9.2, teacher evidence journey: home -> mastery grid -> record results -> two students' levels and
    "Read aloud" with Space -> Shift+Tab back to the date field and Enter submits."""
    keys, problems = keyboard_page("teacher@demo.test")
    page = keys.page
    before = Evidence.objects.order_by("-pk").values_list("pk", flat=True).first()

    keys.skip_to_main()
    keys.tab_to(named("Mastery grid for Grade 5 Math", "a"))
    keys.activate()
    keys.skip_to_main()
    keys.tab_to(named("Record results for the class", "a"))
    keys.activate()
    keys.skip_to_main()
    keys.tab_to(named("Choose", "button"))
    keys.activate()
    keys.skip_to_main()
    recorded, ticked = [], {}
    while len(recorded) < 2:
        level = keys.tab_to(lambda s: s["tag"] == "select" and s["id"].startswith("id_level_"))
        page.keyboard.type("4")  # type-ahead picks "4 – ..." in the closed select
        assert page.evaluate("() => document.activeElement.value") == "4"
        # Each student's accommodations sit behind one summary, opened from the plan (issue 17.3): Enter opens it.
        keys.tab_to(lambda s: s["tag"] == "summary")
        page.keyboard.press("Enter")
        box = keys.tab_to(lambda s: s["type"] == "checkbox" and s["name"] == "Read aloud")
        if not box["checked"]:  # the plan may have ticked it already
            page.keyboard.press("Space")
        assert keys.check()["checked"]
        student_id = level["id"].removeprefix("id_level_")
        recorded.append(student_id)
        ticked[student_id] = sorted(page.evaluate(
            "(name) => [...document.querySelectorAll(`input[name='${name}']:checked`)].map(b => b.value)", f"acc_{student_id}"))
    # Shift+Tab back to the first student's "Read aloud" (still ticked), then Tab through the whole class to Save.
    back = keys.tab_to(lambda s: s["type"] == "checkbox" and s["name"] == "Read aloud" and s["id"].startswith(f"id_acc_{recorded[0]}_"),
                       backwards=True)
    assert back["checked"]
    keys.tab_to(named("Save the results", "button"), limit=600)
    keys.activate("Enter")

    assert "Saved 2 results" in page.locator("#messages").inner_text()
    rows = list(Evidence.objects.filter(pk__gt=before))
    assert sorted(str(e.student_id) for e in rows) == sorted(recorded)
    assert all(sorted(e.accommodations) == ticked[str(e.student_id)] and "read_aloud" in e.accommodations and e.score == 4
               for e in rows)
    print(f"\nT9.2 teacher evidence journey: {keys.stops} focus stops checked, {len(keys.defects)} defects")
    assert keys.defects == []
    assert problems.items == []


def test_keyboard_checks_report_planted_defects(browser):
    """The two focus checks are only worth something if they can fail: a link whose outline is removed and a
    button hidden under a fixed banner are both reported."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        "<!doctype html><html lang='en'><head><title>Planted</title><style>"
        "*:focus, *:focus-visible { outline: none !important; box-shadow: none !important; }"
        "#banner { position: fixed; top: 200px; left: 0; right: 0; height: 80px; background: #fff; }"
        "#under { position: absolute; top: 220px; left: 20px; }"
        "#ok:focus-visible { outline: 3px solid #000 !important; }"
        "</style></head><body><main><a id='ok' href='#a'>Fine</a> <a id='bare' href='#b'>No outline</a>"
        "<button id='under' type='button'>Hidden</button></main><div id='banner'>Banner</div></body></html>"
    )
    keys = Keyboard(page)
    assert keys.press("Tab")["id"] == "ok"
    assert keys.defects == []
    keys.press("Tab")
    keys.press("Tab")
    context.close()

    assert [d.split(":")[0] for d in keys.defects] == [
        "no visible focus indicator",  # #bare
        "no visible focus indicator",  # #under
        "focused element hidden under another element",  # #under
    ]


SHOW_WAYS = ("Write a paragraph", "Make a short video", "Present to the teacher")


def test_student_chooses_how_she_shows_learning_from_her_home_with_the_keyboard_alone(keyboard_page):
    """Issue 17.1 with T9.2: her home -> "Choose how I learn and show it" -> a way to show it -> save, keys only."""
    from paths.models import PathStep

    keys, problems = keyboard_page("student@demo.test")
    page = keys.page

    keys.skip_to_main()
    keys.tab_to(named("Choose how I learn and show it", "a"))
    keys.activate()
    keys.skip_to_main()
    # Tab enters the "show" group at its first (or chosen) way; arrows move within it and select (WAI-ARIA radios).
    state = keys.tab_to(lambda s: s["type"] == "radio" and s["name"].startswith(SHOW_WAYS))
    for _i in range(len(SHOW_WAYS)):
        if state["name"].startswith("Make a short video"):
            break
        state = keys.press("ArrowDown")
    assert state["name"].startswith("Make a short video") and state["checked"], state
    keys.tab_to(named("Save my choice", "button"))
    keys.activate("Enter")

    assert PathStep.objects.filter(path__student__user__email="student@demo.test", chosen_show__title="Make a short video").exists()
    print(f"\nT9.2 student choice journey: {keys.stops} focus stops checked, {len(keys.defects)} defects")
    assert keys.defects == []
    assert problems.items == []

"""T9.3: reflow and text spacing on every family-portal page and every student page (issue #9).

Crawled as the parent (her portal pages, both children) and as a teacher (every tab of a student's record
she can reach), one visit per URL pattern. Each page at 320 px wide and at 640 px (1280 px at 200% zoom):
the page never scrolls sideways, `scrollWidth <= clientWidth + 1` (WCAG 1.4.10; a wide table may scroll inside
its own focusable, named region). Then with the WCAG 1.4.12 text-spacing style injected, no element that hides
its overflow cuts off its text.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.e2e.test_accessibility import SKIPPED_PREFIXES, page_key

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = [(320, 640), (640, 360)]
MAX_PAGES = 40
TEXT_SPACING = (
    "*, *::before, *::after { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)
OVERFLOW_JS = """() => {
    const root = document.documentElement;
    const wide = [];
    if (root.scrollWidth > root.clientWidth + 1) {
        // Name the widest culprits: elements whose right edge passes the viewport, outside any scroll container.
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right > root.clientWidth + 1 && box.width > 0) {
                let inside = false;
                for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                    const s = getComputedStyle(p);
                    if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) { inside = true; break; }
                }
                if (!inside) wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} right=${Math.round(box.right)}`);
            }
        }
    }
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: wide.slice(-3)};
}"""
CLIPPED_JS = """() => {
    const clipped = [];
    for (const el of document.body.querySelectorAll('*')) {
        const s = getComputedStyle(el);
        const hides = v => v === 'hidden' || v === 'clip';
        if (!hides(s.overflowX) && !hides(s.overflowY)) continue;
        if (el.classList.contains('visually-hidden') || el.classList.contains('visually-hidden-focusable')) continue;
        if (el.clientWidth <= 1 || el.clientHeight <= 1 || s.display === 'none' || s.visibility === 'hidden') continue;
        if (!el.innerText || !el.innerText.trim()) continue;
        const cutX = hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
        const cutY = hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
        if (cutX || cutY) clipped.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} `
            + `(${cutX ? 'width' : 'height'}: ${cutX ? el.scrollWidth + '>' + el.clientWidth : el.scrollHeight + '>' + el.clientHeight}) `
            + JSON.stringify(el.innerText.trim().slice(0, 40)));
    }
    return clipped;
}"""
# Through the CSSOM, as a user style sheet or bookmarklet would: the page's strict CSP refuses a <style> tag.
ADD_TEXT_SPACING_JS = """css => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
SCROLL_REGIONS_JS = """() => [...document.querySelectorAll('*')].filter(el => {
    const s = getComputedStyle(el);
    return ['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1 && el !== document.documentElement && el !== document.body;
}).filter(el => !(el.getAttribute('tabindex') === '0' && el.getAttribute('role') === 'region' && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))))
  .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)"""


def links_under(page, origin: str, prefixes: tuple[str, ...]) -> list[str]:
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].filter(a => !a.hasAttribute('download')).map(a => a.href)")
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != origin or url.path.startswith(SKIPPED_PREFIXES) or url.path == reverse("accounts:logout"):
            continue
        if url.path.startswith(prefixes) and not url.path.endswith((".pdf", ".csv")) and "download" not in url.query:
            paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


def crawl(session, start: list[str], prefixes: tuple[str, ...]) -> dict[str, list[str]]:
    """Visit pages under `prefixes`, one per URL pattern, and return the defects found on each."""
    page, origin = session.page, session.base_url
    queue, seen, defects = list(start), set(), {}
    while queue and len(defects) < MAX_PAGES:
        path = queue.pop(0)
        key = page_key(urlsplit(path).path)
        if key in seen:
            continue
        seen.add(key)
        page.set_viewport_size({"width": 1280, "height": 720})
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        found = []
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            measured = page.evaluate(OVERFLOW_JS)
            if measured["scrollWidth"] > measured["clientWidth"] + 1:
                found.append(f"{width}px: page scrolls sideways ({measured['scrollWidth']} > {measured['clientWidth']}): {measured['culprits']}")
            for region in page.evaluate(SCROLL_REGIONS_JS):
                found.append(f"{width}px: {region} scrolls sideways but is not a focusable region with a name")
        page.evaluate(ADD_TEXT_SPACING_JS, TEXT_SPACING)
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            found.extend(f"{width}px, text spacing: text cut off in {item}" for item in page.evaluate(CLIPPED_JS))
        defects[page.url] = found
        queue.extend(p for p in links_under(page, origin, prefixes) if page_key(urlsplit(p).path) not in seen)
    return defects


def report(name: str, defects: dict[str, list[str]]) -> list[str]:
    print(f"\nT9.3 {name}: {len(defects)} pages at {', '.join(str(w) for w, _h in WIDTHS)} px, "
          f"{sum(map(len, defects.values()))} defects")
    failures = []
    for url, found in defects.items():
        for item in found:
            print(f"  {url}: {item}")
            failures.append(f"{url}: {item}")
    return failures


def test_family_portal_pages_reflow_and_keep_text_with_wider_spacing(signed_in_page):
    session = signed_in_page("parent@demo.test")
    defects = crawl(session, [reverse("family_portal:home")], ("/portal/", "/records/"))
    assert report("parent@demo.test family pages", defects) == []
    assert len(defects) >= 8  # home, welcome, choices, records, and each child's pages
    assert session.problems.items == []


def test_student_pages_reflow_and_keep_text_with_wider_spacing(signed_in_page):
    session = signed_in_page("teacher@demo.test")
    start = session.page.get_by_role("link", name="Maya Rivera", exact=True).first.get_attribute("href")
    defects = crawl(session, [start], ("/students/", "/records/"))
    assert report("teacher@demo.test student pages", defects) == []
    assert len(defects) >= 15  # every tab of the record and the pages behind them
    assert session.problems.items == []


def test_reflow_checks_report_planted_defects(browser):
    """Each check can fail: a fixed-width box, a wide table scrolling in an unnamed box, and text cut off
    under text spacing are all reported."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_content(
        "<!doctype html><html lang='en'><head><title>Planted</title><style>"
        "#wide { width: 500px; } #scroller { overflow-x: auto; } #scroller table { width: 900px; }"
        "#tight { height: 1.2em; overflow: hidden; width: 200px; }"
        "</style></head><body><main><div id='wide'>Too wide</div>"
        "<div id='scroller'><table><tr><td>cell</td></tr></table></div>"
        "<p id='tight'>A sentence long enough to wrap onto a second line once spacing grows.</p></main></body></html>"
    )
    wide = page.evaluate(OVERFLOW_JS)
    unnamed = page.evaluate(SCROLL_REGIONS_JS)
    page.evaluate(ADD_TEXT_SPACING_JS, TEXT_SPACING)
    clipped = page.evaluate(CLIPPED_JS)
    context.close()

    assert wide["scrollWidth"] > wide["clientWidth"] + 1 and any(c.startswith("div#wide") for c in wide["culprits"])
    assert unnamed == ["div."]
    assert [c.split(" ")[0] for c in clipped] == ["p#tight."]


def test_the_students_own_pages_reflow_and_keep_text_with_wider_spacing(signed_in_page):
    """Issue 17.4: every page the student reaches from her own home, at 320 px and with wider text spacing."""
    session = signed_in_page("student@demo.test")
    defects = crawl(session, [reverse("roster:student-home")], ("/students/", "/me/", "/sessions/"))
    assert report("student@demo.test own pages", defects) == []
    assert len(defects) >= 5  # her home, path, "how I learn best", goals, what she learned
    assert session.problems.items == []


@pytest.mark.parametrize("email", ["teacher@demo.test", "casemanager@demo.test", "director@demo.test",
                                   "principal@demo.test", "admin@demo.test"])
def test_staff_pages_reflow_and_keep_text_with_wider_spacing(signed_in_page, email):
    """Staff read Waypoint on a phone too (a teacher between classes, a director in a meeting): the pages each
    staff account reaches from its menu, one per URL pattern, reflow at 320 px; a wide table scrolls in its own
    named region (T9.3)."""
    session = signed_in_page(email)
    start = [session.page.url] + [urlsplit(href).path for href in session.page.eval_on_selector_all(
        "header nav a[href]", "links => links.map(a => a.href)")]
    prefixes = ("/staff/", "/students/", "/classes/", "/paths/", "/sessions/", "/iep/", "/mtss/", "/district/",
                "/educators/", "/credentials/")
    defects = crawl(session, start, prefixes)
    assert report(f"{email} staff pages", defects) == []
    assert len(defects) >= 6
    assert session.problems.items == []

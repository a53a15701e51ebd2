"""T9.1: axe on every page each demo account can reach, plus no dialogs, CSP refusals or script errors.
T4.2: the demo data is hostile here (`seed_demo --hostile`: script and markup payloads in every free-text
field), so the same crawl proves that no page runs what people typed: 0 dialogs, 0 CSP violations."""

from urllib.parse import urlsplit

import os

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.axe import AxeResult, run_axe
from tests.e2e.conftest import DEMO_EMAILS, PageProblems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_PAGES_PER_ROLE = 40


@pytest.fixture
def demo_data(transactional_db) -> None:
    """The demo district with hostile free text (overrides tests/e2e/conftest.py's demo_data for this module)."""
    call_command("seed_demo", i_know=True, hostile=True, stdout=open(os.devnull, "w"))
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/")
# Same-site GET links and GET forms. Links that act (hx-post and friends) or download are not pages.
LINKS_JS = """() => [
    ...[...document.querySelectorAll('a[href]')]
        .filter(a => !a.hasAttribute('download') && !['hx-post', 'hx-put', 'hx-patch', 'hx-delete', 'data-method'].some(x => a.hasAttribute(x)))
        .map(a => a.href),
    ...[...document.querySelectorAll('form')]
        .filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'get')
        .map(f => f.action),
]"""


def page_key(path: str) -> str:
    """One visit per URL pattern: ten students' pages are one page to check."""
    try:
        return resolve(path).route
    except Resolver404:
        return path


def crawlable_paths(page, origin: str) -> list[str]:
    logout = reverse("accounts:logout")
    paths = []
    for href in page.evaluate(LINKS_JS):
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != origin or not url.path:
            continue
        if url.path == logout or url.path.startswith(SKIPPED_PREFIXES):
            continue
        paths.append(url.path)
    return paths


def crawl(session) -> tuple[list[AxeResult], list[str], set[str], set[str]]:
    page, origin = session.page, session.base_url
    results, broken, seen = [], [], set()
    queue = ["/"]
    home_keys = None
    while queue and len(results) < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        key = page_key(path)
        if key in seen:
            continue
        seen.add(key)
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            # A file (PDF) is not a page. Error responses render as pages, so a download means the file was served.
            if "Download is starting" not in error.message:
                broken.append(f"{path}: {error.message.splitlines()[0]}")
            continue
        if response is None:
            continue
        if response.status >= 400:
            broken.append(f"{path}: HTTP {response.status}")
        landed = page_key(urlsplit(page.url).path)
        if landed != key:  # redirected, for example "/" to the role's start page
            if landed in seen:
                continue
            seen.add(landed)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        results.append(run_axe(page))
        if page.evaluate("() => document.body.innerText.includes('hostile-script')"):
            session.hostile_pages += 1  # the payload is shown as text: escaped, not run (T4.2)
        found = crawlable_paths(page, origin)
        if home_keys is None:
            home_keys = {page_key(p) for p in found}
        queue.extend(p for p in found if page_key(p) not in seen)
    return results, broken, home_keys or set(), seen


def report(email: str, results: list[AxeResult], problems: PageProblems, broken: list[str]) -> list[str]:
    print(f"\n{email}: {len(results)} pages")
    failures = []
    for result in results:
        print(f"  {result.url}: {len(result.violations)} violations, {result.incomplete} incomplete (review)")
        for violation in result.violations:
            print(f"    {violation}")
            failures.append(f"{result.url}: {violation}")
    failures.extend(problems.items)
    failures.extend(f"broken link {item}" for item in broken)
    for line in problems.items + broken:
        print(f"  {line}")
    return failures


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_every_reachable_page_passes_axe(signed_in_page, email):
    session = signed_in_page(email)
    session.hostile_pages = 0

    results, broken, home_keys, visited = crawl(session)
    print(f"{email}: hostile text shown as text on {session.hostile_pages} pages, 0 dialogs or CSP refusals allowed")

    assert report(email, results, session.problems, broken) == []
    assert home_keys - visited == set()  # every page linked from home was checked (T9.1)
    assert len(results) >= 2
    assert session.hostile_pages > 0, "no page showed the hostile demo text: T4.2 would prove nothing"


def test_harness_reports_planted_defects(signed_in_page):
    """The crawler's checks are only worth something if they can fail."""
    session = signed_in_page("teacher@demo.test")
    page = session.page
    planted = (
        "<!doctype html><html><head><title>Planted</title></head><body>"
        "<img src='/static/vendor/README.md'><script>window.planted = 1</script></body></html>"
    )
    page.route(
        "**/planted-defects/",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=planted, headers={"Content-Security-Policy": "script-src 'self'"}
        ),
    )

    page.goto("/planted-defects/")
    result = run_axe(page)

    assert {"image-alt", "landmark-one-main", "page-has-heading-one", "html-has-lang"} <= {v.rule for v in result.violations}
    assert page.evaluate("() => window.planted") is None
    assert [item for item in session.problems.items if "Content Security Policy" in item] != []

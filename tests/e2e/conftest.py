"""Browser harness: Debian's chromium driven by Playwright against pytest-django's live server."""

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

CHROMIUM = shutil.which("chromium")  # Debian's package, found on PATH (None when it is not installed)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_EMAILS = [
    "admin@demo.test",
    "director@demo.test",
    "principal@demo.test",
    "teacher@demo.test",
    "teacher2@demo.test",
    "casemanager@demo.test",
    "slp@demo.test",
    "parent@demo.test",
    "parent2@demo.test",
    "student@demo.test",
]


@pytest.fixture(scope="package", autouse=True)
def allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in this thread, so Django would
    # refuse ORM calls (quality.md, known trap 6). Only for this folder, and undone after it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(allow_orm_beside_playwright):
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing and CI=true: browser tests must run in CI (apt-get install chromium)")
        pytest.skip("browser tests skipped: chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def requests_finished_before_the_flush(request) -> Iterator[None]:
    """After each browser test (its contexts closed), wait until the live server has finished what it was
    still answering (a draft save, the idle warning's status question) before pytest-django's flush empties
    every table. On PostgreSQL the flush failed once while a request was still writing (CI, stop 25); on the
    embedded default the live server shares the test's one SQLite connection, and a flush run beside a request
    left the in-memory database's tables locked for every browser test after it (CI, stop 26).

    Each request the live server answers runs in a thread of its own (socketserver's ThreadingMixIn names it
    after process_request_thread); the browser's connections are closed with its contexts, so those threads end.
    """
    yield
    if "live_server" not in request.fixturenames:
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _live_server_requests():
        time.sleep(0.05)
    assert not _live_server_requests(), "the live server was still answering 15 s after the test's pages closed"


def _live_server_requests() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.is_alive() and "process_request_thread" in t.name]


@pytest.fixture
def demo_data(transactional_db) -> None:
    # pytest-django turns DEBUG off, and seed_demo refuses to run with DEBUG off unless told.
    call_command("seed_demo", i_know=True, stdout=open(os.devnull, "w"))


@dataclass
class PageProblems:
    """What a page did that no user should ever see: dialogs, CSP refusals, script errors, failed loads."""

    items: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.items.append(f"script error on {page.url}: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_dialog(self, dialog) -> None:
        self.items.append(f"dialog ({dialog.type}) on {dialog.page.url}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message) -> None:
        # Failed loads are reported by _on_response, with their URL (the console message has none).
        if message.text.startswith("Failed to load resource"):
            return
        if "Content Security Policy" in message.text or message.type == "error":
            self.items.append(f"console {message.type} on {message.page.url}: {message.text}")

    def _on_request_failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request itself, never a server or policy refusal (a CSP refusal
        # is reported on the console, a missing file by _on_response): a navigation that turns into a download (a
        # PDF), or anything still loading when the person moves to another page (an icon, the idle warning's
        # status question, an htmx swap). None of it is anything a user sees.
        if request.failure == "net::ERR_ABORTED":
            return
        self.items.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.items.append(f"{response.status} for {response.request.resource_type} {response.url}")


@dataclass
class SignedIn:
    page: object
    problems: PageProblems
    base_url: str


@pytest.fixture
def signed_in_page(browser, live_server, demo_data) -> Iterator[Callable[[str], SignedIn]]:
    """signed_in_page(email) -> a fresh browser context signed in through the real form."""
    contexts = []

    def sign_in(email: str) -> SignedIn:
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        page.goto(reverse("accounts:login"))
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(settings.WAYPOINT_DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert page.url.rstrip("/") != (live_server.url + reverse("accounts:login")).rstrip("/"), f"sign-in failed for {email}"
        return SignedIn(page=page, problems=problems, base_url=live_server.url)

    yield sign_in
    for context in contexts:
        context.close()

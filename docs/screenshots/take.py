"""Screenshots for the README: `make screenshots` (or `make run` in one shell, then this script)."""

import os
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = os.environ.get("WAYPOINT_BASE_URL", "http://127.0.0.1:8000")
OUT = Path(__file__).parent
DESK, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
# (account, start page, file, link to follow or None, viewport): teachers and directors at a desk, students and
# families on a phone, where they use Waypoint.
SHOTS = [
    ("teacher@demo.test", "/staff/", "teacher-home.png", None, DESK),
    ("teacher@demo.test", "/staff/", "mastery-grid.png", "Mastery grid for Grade 5 Math", DESK),
    ("director@demo.test", "/", "director-queue.png", None, DESK),
    ("parent@demo.test", "/", "family-child.png", "Maya Rivera", PHONE),
    ("student@demo.test", "/", "student-home.png", None, PHONE),
    ("principal@demo.test", "/mtss/", "mtss-student.png", "Noah Chen", DESK),
    ("principal@demo.test", "/mtss/", "mtss-school.png", None, DESK),
    ("parent2@demo.test", "/", "family-extra-help.png", ("Ava Martinez", "Extra help"), PHONE),
]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"])
        for email, start, name, link, viewport in SHOTS:
            page = browser.new_page(viewport=viewport)
            page.goto(BASE + "/sign-in/")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill("waypoint-demo")
            page.get_by_role("button", name="Sign in").click()
            page.goto(BASE + start)
            for text in (link,) if isinstance(link, str) else link or ():  # one link or several, in order
                page.get_by_role("link", name=text).first.click()
                page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / name))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()

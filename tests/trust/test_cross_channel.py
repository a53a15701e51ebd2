"""T1.6: cross-channel leaks. Search, the htmx partials, the CSV exports, every page a role reaches and the
weekly digest emails name only students the reader may see (FERPA 99.31(a)(1); ASVS 4.0.3 V4.2.1).

Who may see whom comes from the brute-force restatement of the rules (tests/trust/oracle.py), not from
roster/access.py. A "foreign" name is the full name of a demo student the role may not see (names shared with a
student the role may see are left out, they would prove nothing).
"""

import random
import string
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from family_portal.tasks import send_weekly_digests
from roster.models import Section, Student
from tests.trust.crawl import crawl
from tests.trust.oracle import World

pytestmark = pytest.mark.django_db

SEARCHES, SEED = 1000, 1106


def _full(s: Student) -> str:
    return f"{s.first_name} {s.last_name}"


def _foreign(world: World, user) -> set[str]:
    visible = {_full(s) for s in world.students if world.can_view(user, s)}
    return {_full(s) for s in world.students if not world.can_view(user, s)} - visible


def _leaks(body: str, foreign: set[str]) -> list[str]:
    return sorted(name for name in foreign if name in body or escape(name) in body)


def _search_strings(rng: random.Random, names: list[str]) -> list[str]:
    """Parts of real names (the interesting case: foreign ones included), single letters, random strings,
    SQL wildcards and odd characters."""
    pieces = []
    for _ in range(SEARCHES):
        kind = rng.randrange(5)
        if kind == 0:
            name = rng.choice(names)
            start = rng.randrange(len(name))
            pieces.append(name[start:start + rng.randint(1, 6)])
        elif kind == 1:
            pieces.append(rng.choice(names))
        elif kind == 2:
            pieces.append(rng.choice(string.ascii_letters))
        elif kind == 3:
            pieces.append("".join(rng.choice(string.ascii_lowercase + " ") for _ in range(rng.randint(2, 5))))
        else:
            pieces.append(rng.choice(["%", "_", "%a%", "' OR 1=1 --", "\\", "*", "a_b", "\u00e9", "  ", "Rivera%"]))
    return pieces


def test_search_partials_exports_pages_and_digests_name_only_visible_students(demo):
    """T1.6: for each of the 10 demo roles, 1,000 search strings (seeded, so a failure replays) on the student
    list, plus each plan filter; the class grid as an htmx partial and as CSV for every section of the
    district; every page a bounded crawl reaches (40 pages); and every weekly digest email. Figure: 0 foreign
    student names in any body or outgoing email."""
    world = World.load(timezone.localdate())
    rng = random.Random(SEED)
    names = [_full(s) for s in world.students]
    sections = list(Section.objects.values_list("pk", flat=True))
    leaks, requests = [], 0
    for email, user in sorted(demo.items()):
        foreign = _foreign(world, user)
        assert foreign, f"{email}: no foreign student in the demo, the test would prove nothing"
        client = Client(raise_request_exception=False)
        client.force_login(user)

        def check(channel: str, response, echo: str = "") -> None:
            nonlocal requests
            requests += 1
            assert response.status_code < 500, (email, channel, response.status_code)
            if response.status_code == 200 and not getattr(response, "streaming", False):
                body = response.content.decode(errors="replace")
                if echo:  # the search box shows what was typed: that is the reader's own text, not a leak
                    body = body.replace(f'value="{escape(echo)}"', "")
                leaks.extend((email, channel, name) for name in _leaks(body, foreign))

        student_list = reverse("roster:student-list")
        for q in _search_strings(rng, names):
            check(f"search {q!r}", client.get(student_list, {"q": q}), echo=q.strip()[:100])
        for plan in ["", *Student.Plan.values, "bogus"]:
            check(f"plan {plan!r}", client.get(student_list, {"plan": plan}))
        for pk in sections:
            check(f"grid partial {pk}", client.get(reverse("competencies:section-grid", args=[pk]), HTTP_HX_REQUEST="true"))
            check(f"grid csv {pk}", client.get(reverse("competencies:section-grid-csv", args=[pk])))
        for url, response in crawl(client, max_pages=40, per_route=2).pages.items():
            check(f"page {url}", response)

    today = timezone.localdate()
    send_weekly_digests(week=(today - timedelta(days=today.weekday())).isoformat())
    users = {u.email: u for u in type(next(iter(demo.values()))).objects.filter(email__in=[m.to[0] for m in mail.outbox])}
    digests = 0
    for message in mail.outbox:
        reader = users.get(message.to[0])
        if reader is None:
            continue
        digests += 1
        bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
        leaks.extend((reader.email, f"email {message.subject}", name)
                     for body in bodies for name in _leaks(body, _foreign(world, reader)))
    print(f"T1.6: {len(demo)} roles, {requests} requests, {digests} digest emails, {len(leaks)} foreign names")
    assert digests > 0, "no digest was sent: the email channel was not tested"
    assert leaks == [], sorted({(e, c.split(" ")[0]) for e, c, _ in leaks})

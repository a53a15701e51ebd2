"""T1.1 route coverage and T1.2 the GET matrix, on the demo district."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from roster.models import Student

from .matrix import ADMIN_NAMESPACE, MATRIX, PRINCIPALS, SEES, SIGNED_IN, SUBJECTS, Route, StudentRoute

pytestmark = pytest.mark.django_db

SUBJECT_SOURCED_IDS = {"maya": "demo-student-00", "other_family": "demo-student-02", "other_school": "demo-student-41"}


def route_names(resolver=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= route_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_route_is_in_the_matrix_and_no_entry_is_stale():
    names = {n for n in route_names() if not n.startswith(f"{ADMIN_NAMESPACE}:")}
    assert sorted(names - set(MATRIX)) == [], "routes missing from tests/security/matrix.py"
    assert sorted(set(MATRIX) - names) == [], "matrix entries with no route"


def expected_student_status(entry: StudentRoute, principal: str, subject: str) -> int:
    if principal == "anonymous":
        return 302
    if subject not in SEES[principal]:
        return 404
    acts_here = principal in entry.allowed_for(subject) and (entry.subjects is None or subject in entry.subjects)
    if not acts_here:
        return 403
    return (entry.ok_for or {}).get(principal, entry.ok)


def expected_status(entry: Route, principal: str) -> int:
    if principal == "anonymous":
        return entry.anonymous
    return entry.expect.get(principal, entry.other)


@pytest.fixture
def world(demo):
    students = {key: Student.objects.get(sourced_id=sid) for key, sid in SUBJECT_SOURCED_IDS.items()}
    accounts = {email.split("@")[0]: user for email, user in demo.items()}
    return {"students": students, "accounts": accounts}


def header_problems(response) -> list[str]:
    """T6.1: the security headers every response below 400 must carry."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    if not script_src or "unsafe-inline" in script_src or "unsafe-eval" in script_src:
        problems.append(f"script-src: {script_src!r}")
    if "frame-ancestors 'none'" not in csp and response.headers.get("X-Frame-Options") != "DENY":
        problems.append("framing allowed")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    problems += [f"{name}: {response.headers.get(name)!r}" for name, value in expected.items() if response.headers.get(name) != value]
    if response.wsgi_request.user.is_authenticated and "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append("authenticated page may be cached")
    return problems


def client_for(world, principal: str) -> Client:
    client = Client()
    if principal != "anonymous":
        client.force_login(world["accounts"][principal])
    return client


def test_matrix_get_statuses(world):
    """T1.2 and T6.1: every route x 11 principals (x 3 subjects for student routes), 0 unexpected statuses,
    and the security headers on every response below 400."""
    clients = {p: client_for(world, p) for p in PRINCIPALS}
    unexpected, requests = [], 0
    for name, entry in sorted(MATRIX.items()):
        for principal in PRINCIPALS:
            if isinstance(entry, StudentRoute):
                for subject in SUBJECTS:
                    student = world["students"][subject]
                    kwargs = {"student_id": student.uuid, **(entry.extra_kwargs(world, student) if entry.extra_kwargs else {})}
                    url = reverse(name, kwargs=kwargs)
                    response = getattr(clients[principal], entry.method.lower())(url)
                    requests += 1
                    want = expected_student_status(entry, principal, subject)
                    if response.status_code != want:
                        unexpected.append((name, principal, subject, response.status_code, want))
                    if response.status_code < 400 and (problems := header_problems(response)):
                        unexpected.append((name, principal, subject, "headers", problems))
            else:
                url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None) + entry.query
                response = clients[principal].get(url)
                requests += 1
                want = expected_status(entry, principal)
                if response.status_code != want:
                    unexpected.append((name, principal, "-", response.status_code, want))
                if response.status_code < 400 and (problems := header_problems(response)):
                    unexpected.append((name, principal, "-", "headers", problems))
    print(f"access matrix: {len(MATRIX)} routes, {requests} requests")
    assert unexpected == []


@pytest.mark.parametrize("principal", ["teacher", "parent", "director", "anonymous"])
def test_admin_site_is_closed_to_everyone_but_the_district_admin(world, principal):
    response = client_for(world, principal).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("admin:login"))


def test_admin_site_opens_for_the_district_admin(world):
    assert client_for(world, "admin").get(reverse("admin:index")).status_code == 200


def _owner_requests(world):
    """Each GET route of the matrix once, as a principal it is meant for (the first allowed, by name)."""
    for name, entry in sorted(MATRIX.items()):
        if isinstance(entry, StudentRoute):
            if entry.method != "GET":
                continue
            for subject in SUBJECTS:
                owners = sorted(p for p in entry.allowed_for(subject) if subject in SEES.get(p, set()))
                if owners and (entry.subjects is None or subject in entry.subjects) and entry.ok == 200:
                    student = world["students"][subject]
                    kwargs = {"student_id": student.uuid, **(entry.extra_kwargs(world, student) if entry.extra_kwargs else {})}
                    yield name, owners[0], reverse(name, kwargs=kwargs)
                    break
        else:
            owners = sorted(p for p, status in entry.expect.items() if status == 200 and p != "anonymous")
            if owners:
                yield name, owners[0], reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None) + entry.query


def test_p1_every_route_answers_its_owner_in_at_most_12_queries(world):
    """P1 (issue 19: only the family pages asserted it): every GET route of the matrix, requested as a person
    it is for, answers 200 in at most 12 database queries (the session and the user included)."""
    clients = {p: client_for(world, p) for p in SIGNED_IN}
    for client in clients.values():
        client.get(reverse("accounts:home"))  # the first request of a session settles its one-off rows
    counts, over = [], []
    for name, principal, url in _owner_requests(world):
        with CaptureQueriesContext(connection) as queries:
            response = clients[principal].get(url)
        counts.append((len(queries), name))
        if response.status_code != 200 or len(queries) > 12:
            over.append((name, principal, response.status_code, len(queries)))
    print(f"P1: {len(counts)} routes as their owner, most queries {max(counts)}; over 12: {over}")
    assert len(counts) >= 90  # every GET route that someone may open (93 at issue 19)
    assert over == []

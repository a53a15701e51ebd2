"""T1.3: a POST to any student route by a principal who may not act changes no field of any row (a hash of
every table, so an UPDATE is caught as well as an INSERT); without a CSRF token, 403."""

import hashlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from audit.models import AccessEvent
from roster.models import Student

from .matrix import MATRIX, PRINCIPALS, SEES, StudentRoute
from .test_access_matrix import SUBJECT_SOURCED_IDS

pytestmark = pytest.mark.django_db

# Rows that a denied request is expected to write: its own audit event and the test client's session.
EXPECTED_WRITES = {AccessEvent, apps.get_model("sessions", "Session")}


def table_fingerprints() -> dict[str, str]:
    """Every field of every row of every table, hashed per table: an UPDATE changes it as surely as an INSERT."""
    fingerprints = {}
    for model in apps.get_models():
        if model in EXPECTED_WRITES:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256()
        for row in model._base_manager.order_by("pk").values_list(*columns):
            digest.update(repr(row).encode())
        fingerprints[model._meta.label] = digest.hexdigest()
    return fingerprints


def test_unauthorised_posts_to_student_routes_change_nothing(demo):
    students = {key: Student.objects.get(sourced_id=sid) for key, sid in SUBJECT_SOURCED_IDS.items()}
    accounts = {email.split("@")[0]: user for email, user in demo.items()}
    clients = {p: Client() for p in PRINCIPALS}
    for principal, client in clients.items():
        if principal != "anonymous":
            client.force_login(accounts[principal])  # signing in writes its own rows (session, sign-in log)
    before = table_fingerprints()
    wrong = []
    for name, entry in sorted(MATRIX.items()):
        if not isinstance(entry, StudentRoute):
            continue
        for principal in PRINCIPALS:
            for subject, student in students.items():
                if principal != "anonymous" and subject in SEES[principal] and principal in entry.allowed_for(subject):
                    continue  # allowed: not this test's business
                client = clients[principal]
                extra = entry.extra_kwargs({"students": students, "accounts": accounts}, student) if entry.extra_kwargs else {}
                response = client.post(reverse(name, kwargs={"student_id": student.uuid, **extra}), {"text": "x" * 20})
                if response.status_code not in (302, 403, 404):
                    wrong.append((name, principal, subject, response.status_code))
    assert wrong == []
    changed = {label for label, digest in table_fingerprints().items() if before[label] != digest}
    assert changed == set()


def test_post_without_csrf_token_is_refused(demo):
    maya = Student.objects.get(sourced_id="demo-student-00")
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo["teacher@demo.test"])
    for name, entry in MATRIX.items():
        if isinstance(entry, StudentRoute):
            extra = entry.extra_kwargs({"students": {"maya": maya}}, maya) if entry.extra_kwargs else {}
            response = client.post(reverse(name, kwargs={"student_id": maya.uuid, **extra}), {"text": "x"})
            assert response.status_code == 403, name


@pytest.mark.parametrize(("language", "heading"), [("en", "This page had expired, so nothing was sent"),
                                                   ("es", "Esta página había caducado, así que no se envió nada")])
def test_a_refused_form_gets_waypoints_own_page_in_the_readers_language(settings, teacher, student, language, heading):
    """Issue 15.9: with DEBUG off, a CSRF failure showed Django's stock English page ("More information is
    available with DEBUG=True"). Now it is a branded page, translated, saying what to do; nothing changed."""
    settings.DEBUG = False
    teacher.preferred_language = language
    teacher.save()
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    client.force_login(teacher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("profiles:section-edit", args=[student.uuid, "strengths"]), {"text": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert heading in html and "DEBUG" not in html
    assert f'<html lang="{language}"' in html

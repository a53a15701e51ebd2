"""T2: the door writes exactly one AccessEvent per student request, allowed or denied, and fails closed."""

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

from audit.models import AccessEvent, AppendOnlyError
from roster.models import Student
from tests.security.matrix import MATRIX, SEES, StudentRoute

pytestmark = pytest.mark.django_db

STUDENT_ROUTES = sorted(name for name, entry in MATRIX.items() if isinstance(entry, StudentRoute))


@pytest.fixture
def maya(demo):
    return Student.objects.get(sourced_id="demo-student-00")


def _url(name, student, world=None):
    entry = MATRIX[name]
    extra = entry.extra_kwargs({"students": {"maya": student}}, student) if entry.extra_kwargs else {}
    return reverse(name, kwargs={"student_id": student.uuid, **extra})


def test_each_student_route_writes_exactly_one_event_when_allowed(demo, maya):
    """T2.1, every student route in the matrix (one demo district for all of them: seeding is the slow part)."""
    wrong = []
    for route in STUDENT_ROUTES:
        entry = MATRIX[route]
        principals = sorted(p for p in entry.allowed_for("maya") if "maya" in SEES[p] and _acts_on_maya(entry))
        if not principals:  # only where no demo account may act on Maya: choosing and downloading her own
            # credentials (she is under her district's age; tests/credentials/test_student_choice.py checks the event),
            # writing to a support team (her reading plan ended when her IEP began)
            assert route.startswith("credentials:mine-") or route == "family_portal:support-input-new", (
                f"{route}: nobody in the demo may act on Maya")
            continue
        principal = principals[0]
        user = demo[f"{principal}@demo.test"]
        client = Client()
        client.force_login(user)
        before = AccessEvent.objects.count()
        response = getattr(client, entry.method.lower())(_url(route, maya))
        events = list(AccessEvent.objects.order_by("pk")[before:])
        got = [(e.user, e.student, e.route_name, e.outcome, e.ip_address) for e in events]
        if response.status_code != entry.ok or got != [(user, maya, route, "allowed", "127.0.0.1")]:
            wrong.append((route, principal, response.status_code, got))
    assert wrong == []


def test_each_student_route_writes_one_denied_event_for_an_outsider(demo, maya):
    """T2.1: denied requests are logged too, exactly once."""
    client = Client()
    client.force_login(demo["teacher2@demo.test"])
    wrong = []
    for route in STUDENT_ROUTES:
        before = AccessEvent.objects.count()
        response = getattr(client, MATRIX[route].method.lower())(_url(route, maya))
        got = list(AccessEvent.objects.order_by("pk")[before:].values_list("user__email", "student", "outcome"))
        if response.status_code != 404 or got != [("teacher2@demo.test", maya.pk, "denied")]:
            wrong.append((route, response.status_code, got))
    assert wrong == []


def _acts_on_maya(entry) -> bool:
    subjects = getattr(entry, "subjects", None)
    return subjects is None or "maya" in subjects


def test_door_fails_closed_when_the_event_cannot_be_written(demo, maya, monkeypatch):
    """T2.2: no event, no data."""

    def broken(**kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr("roster.decorators.record_access", broken)
    client = Client(raise_request_exception=False)
    client.force_login(demo["teacher@demo.test"])
    response = client.get(reverse("roster:student-detail", args=[maya.uuid]))
    assert response.status_code == 500
    assert "Maya" not in response.content.decode()


def test_events_cannot_be_changed_or_deleted(demo, maya):
    """T2.3 (model guard; the PostgreSQL trigger is tested in test_append_only_pg)."""
    client = Client()
    client.force_login(demo["teacher@demo.test"])
    client.get(reverse("roster:student-detail", args=[maya.uuid]))
    event = AccessEvent.objects.get()
    event.route_name = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AccessEvent.objects.get().route_name == "roster:student-detail"


def test_queryset_writes_cannot_change_or_delete_events_on_any_database(demo, maya):
    """T2.3 (issue 19): `update()`, `bulk_update()` and a queryset `delete()` skip the model's save() and
    delete(); on SQLite, with no trigger, they rewrote the trail. The queryset refuses them everywhere."""
    client = Client()
    client.force_login(demo["teacher@demo.test"])
    client.get(reverse("roster:student-detail", args=[maya.uuid]))
    event = AccessEvent.objects.get()
    event.route_name = "tampered"
    for write in (lambda: AccessEvent.objects.update(route_name="tampered"),
                  lambda: AccessEvent.objects.bulk_update([event], ["route_name"]),
                  lambda: AccessEvent.objects.filter(pk=event.pk).delete(),
                  lambda: AccessEvent.objects.all()._raw_delete(AccessEvent.objects.db)):
        with pytest.raises(AppendOnlyError):
            write()
    assert list(AccessEvent.objects.values_list("route_name", flat=True)) == ["roster:student-detail"]


@pytest.mark.pg
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL leg only (the trigger exists only there)")
def test_append_only_trigger_refuses_update_and_delete_on_postgresql(demo, maya):
    """T2.3 [pg]: 0 rows altered, even by a bulk queryset call that skips the model."""
    client = Client()
    client.force_login(demo["teacher@demo.test"])
    client.get(reverse("roster:student-detail", args=[maya.uuid]))
    from django.db import transaction

    # Raw SQL, past the model and its queryset guards: only the trigger stands in the way.
    for sql in ("UPDATE audit_accessevent SET route_name = 'tampered'", "DELETE FROM audit_accessevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert list(AccessEvent.objects.values_list("route_name", flat=True)) == ["roster:student-detail"]

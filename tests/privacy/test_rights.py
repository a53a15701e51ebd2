"""T3.5 guardianship and age rules over every family route; T3.6 the 300.623(d) list equals the policy oracle."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from privacy import selectors
from roster.models import Guardianship, Student
from tests.security.matrix import MATRIX, StudentRoute
from tests.trust.oracle import World

from .conftest import client_as

pytestmark = pytest.mark.django_db

FAMILY_ROUTES = {name: e for name, e in MATRIX.items() if isinstance(e, StudentRoute) and "parent" in e.allowed}


def _status(client, name, entry, student) -> int:
    kwargs = {"student_id": student.uuid, **(entry.extra_kwargs(None, student) if entry.extra_kwargs else {})}
    url = reverse(name, kwargs=kwargs)
    return (client.post(url) if entry.ok == 405 else client.get(url)).status_code


def _statuses(client, student) -> dict[str, int]:
    return {name: _status(client, name, entry, student) for name, entry in FAMILY_ROUTES.items()}


def test_guardian_without_the_right_to_records_gets_404_on_every_family_route(demo, maya):
    """T3.5: may_access_records=False -> 404 on all family routes (family_portal and privacy)."""
    assert len(FAMILY_ROUTES) >= 12
    Guardianship.objects.filter(guardian=demo["parent@demo.test"], student=maya).update(may_access_records=False)
    assert set(_statuses(client_as(demo["parent@demo.test"]), maya).values()) == {404}


def test_at_eighteen_rights_move_to_the_student(demo, maya):
    """T3.5: at 18 (not a dependent) the parent gets 404 everywhere and the student reaches her own rights pages;
    marked dependent (FERPA 99.31(a)(8)) the parent's access returns."""
    Student.objects.filter(pk=maya.pk).update(date_of_birth=timezone.localdate() - timedelta(days=365 * 18 + 10))
    maya.refresh_from_db()
    assert set(_statuses(client_as(demo["parent@demo.test"]), maya).values()) == {404}
    own = client_as(demo["student@demo.test"])
    for name in ["privacy:export", "privacy:disclosures", "privacy:amendments"]:
        assert own.get(reverse(name, args=[maya.uuid])).status_code == 200, name
    Student.objects.filter(pk=maya.pk).update(is_dependent_adult=True)
    assert client_as(demo["parent@demo.test"]).get(reverse("family_portal:child", args=[maya.uuid])).status_code == 200


def test_a_minor_student_does_not_hold_the_rights_yet(demo, maya):
    assert client_as(demo["student@demo.test"]).get(reverse("privacy:export", args=[maya.uuid])).status_code == 403


def test_staff_with_access_list_equals_the_policy_oracle(demo):
    """T3.6: the IDEA 300.623(d) list == staff for whom the T1.5 oracle opens at least one student of the
    district, plus the district administrators (admin site)."""
    world = World.load(timezone.localdate())
    director = demo["director@demo.test"]
    district_id = director.assignments.get(role="sped_director").district_id
    students = [s for s in world.students if s.school.district_id == district_id]
    staff = User.objects.exclude(role__in=["guardian", "student"])
    expected = {u.pk for u in staff if u.is_active and any(world.works_with(u, s) for s in students)}
    expected |= {demo["admin@demo.test"].pk}
    listed = selectors.staff_with_pii_access(district_ids=[district_id])
    assert {entry.user.pk for entry in listed} == expected
    page = client_as(director).get(reverse("privacy:pii-staff")).content.decode()
    assert "Samir Haddad" in page and "Speech-language pathologist" in page and "Lucia" not in page

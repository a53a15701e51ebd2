"""T4.4 open redirects, T7.2 double submit, T8.7 beat run twice: cross-app checks of promises each app makes."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from family_portal.models import NotificationPreference, WeeklyDigest
from family_portal.tasks import send_weekly_digests
from iep.models import IEPInput
from tests.factories.family_portal import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

EVIL = ["https://evil.test/", "//evil.test/", "/\\evil.test", "https:evil.test", "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_redirects_off_site(teacher, target):
    """T4.4: ?next= pointing off site -> the local home (ASVS 4.0.3 V5.1.5)."""
    client = Client()
    response = client.post(f"{reverse('accounts:login')}?next={target}", {"username": teacher.email, "password": "waypoint-demo"})
    assert response.status_code == 302
    assert response.url.startswith("/") and not response.url.startswith("//") and "evil" not in response.url


@pytest.mark.parametrize("target", EVIL)
def test_family_language_switch_never_redirects_off_site(student, guardian, target):  # a parent of a child (issue 19.2)
    client = Client()
    client.force_login(guardian)
    response = client.post(reverse("accounts:language"), {"language": "es", "next": target})
    assert response.status_code == 302 and response.url == reverse("accounts:home")


def test_the_same_family_form_posted_twice_saves_one_input(student, guardian):
    """T7.2: the same form token (idempotency key) posted twice -> 1 row, and both posts answer 302."""
    NotificationPreferenceFactory(user=guardian, frequency=NotificationPreference.Frequency.WEEKLY)
    client = Client()
    client.force_login(guardian)
    form = {"kind": "concern", "text": "Worried about reading at home.", "idempotency_key": str(uuid.uuid4())}
    url = reverse("family_portal:input-new", args=[student.uuid])
    answers = [client.post(url, form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].url == answers[1].url
    assert IEPInput.objects.filter(student=student, submitted_by=guardian).count() == 1


def test_weekly_digest_run_twice_sends_one_per_family(student, guardian, mailoutbox):
    """T8.7: the beat job twice for the same week -> 1 digest per family (unique (family, week))."""
    NotificationPreferenceFactory(user=guardian, frequency=NotificationPreference.Frequency.WEEKLY)
    today = timezone.localdate()
    monday = (today - timedelta(days=today.weekday())).isoformat()
    send_weekly_digests(week=monday)
    send_weekly_digests(week=monday)
    assert WeeklyDigest.objects.filter(family=guardian).count() == 1
    assert [m.to for m in mailoutbox].count([guardian.email]) == 1

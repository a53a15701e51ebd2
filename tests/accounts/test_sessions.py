"""T5.3: sessions end after 30 idle minutes and 12 hours in all; the key changes at sign-in."""

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_session_key_changes_at_sign_in(client, teacher):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("accounts:login"), {"username": "teacher@school.test", "password": "waypoint-demo"})
    assert client.session.session_key != before


def test_idle_for_31_minutes_goes_to_sign_in_with_next_kept(client, teacher):
    with time_machine.travel("2026-11-24 09:00", tick=False) as clock:
        client.force_login(teacher)
        assert client.get(reverse("roster:staff-home")).status_code == 200
        clock.shift(29 * 60)
        assert client.get(reverse("roster:staff-home")).status_code == 200
        clock.shift(31 * 60)
        response = client.get(reverse("roster:student-list"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:login") + "?next=/students/"
    assert "_auth_user_id" not in client.session


def test_twelve_hours_is_the_absolute_limit_even_when_active(client, teacher):
    with time_machine.travel("2026-11-24 07:00", tick=False) as clock:
        client.force_login(teacher)
        for _ in range(25):  # active every 29 minutes for just over 12 hours
            clock.shift(29 * 60)
            response = client.get(reverse("roster:staff-home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_old_cookie_is_dead_after_sign_out(client, teacher):
    client.force_login(teacher)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    client.cookies["sessionid"] = cookie
    assert client.get(reverse("roster:staff-home")).status_code == 302

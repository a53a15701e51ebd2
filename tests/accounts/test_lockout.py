"""Brute force: django-axes (quality.md T5.2)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_sixth_attempt_is_locked_even_with_the_right_password_and_unlocks_after_15_minutes(teacher):
    """T5.2: locked after 5, 429 with a plain-language page, unlocked after 15 min."""
    client = Client()
    for _ in range(4):
        assert sign_in(client, teacher.email, "wrong password!!").status_code == 200
    assert sign_in(client, teacher.email, "wrong password!!").status_code == 429  # the 5th failure locks
    locked = sign_in(client, teacher.email, settings.WAYPOINT_DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "Too many tries" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = sign_in(client, teacher.email, settings.WAYPOINT_DEMO_PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(teacher.pk)


def test_another_person_behind_the_same_address_is_not_locked(teacher, case_manager):
    """T5.2: lockout is by username and address together: 0 collateral lockouts behind one school NAT."""
    client = Client()
    for _ in range(6):
        sign_in(client, teacher.email, "wrong password!!")
    response = sign_in(Client(), case_manager.email, settings.WAYPOINT_DEMO_PASSWORD)
    assert response.status_code == 302

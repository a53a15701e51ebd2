"""Families sign in with a one-use link sent to their own email (issue 22, T5): short-lived, one use, bound to
the account, rate-limited, in their language, counted by the same lockout as passwords."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import Lockout, User
from sso.models import SignInLink

pytestmark = pytest.mark.django_db


def _ask(client, email, capture):
    with capture(execute=True):
        return client.post("/sign-in/link/", {"email": email})


def _link_path() -> str:
    return re.search(r"http://[^/\s]+(/sign-in/link/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_link_signs_in_once(client, family, django_capture_on_commit_callbacks):
    response = _ask(client, "Parent@Family.test", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/sign-in/link/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["parent@family.test"]
    path = _link_path()
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not SignInLink.objects.filter(token_hash__contains=token).exists()  # only a hash is kept

    assert client.get(path).status_code == 200  # opening the link (or a mail scanner) spends nothing
    response = client.post(path)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(family.pk)

    client.logout()
    response = client.post(path)
    assert response.status_code == 404 and "_auth_user_id" not in client.session
    assert client.get(path).status_code == 404


def test_link_expires_after_fifteen_minutes(client, family, django_capture_on_commit_callbacks):
    _ask(client, family.email, django_capture_on_commit_callbacks)
    path = _link_path()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(path)
    assert response.status_code == 404 and "_auth_user_id" not in client.session


def test_email_is_in_the_family_language(client, family, django_capture_on_commit_callbacks):
    User.objects.filter(pk=family.pk).update(preferred_language="es")
    _ask(client, family.email, django_capture_on_commit_callbacks)
    assert "enlace" in mail.outbox[0].subject.lower()


@pytest.mark.parametrize("who", ["nobody@nowhere.test", "teacher@school.test", "not-accepted"])
def test_answer_never_says_whether_the_email_has_an_account(client, teacher, guardian, who,
                                                            django_capture_on_commit_callbacks):
    """T5.5: an unknown email, a staff email and a family that never accepted its invitation all get the same
    page, and no email."""
    email = guardian.email if who == "not-accepted" else who
    response = _ask(client, email, django_capture_on_commit_callbacks)
    assert response["Location"] == "/sign-in/link/sent/" and mail.outbox == []


def test_at_most_three_links_in_fifteen_minutes(client, family, django_capture_on_commit_callbacks):
    for _ in range(5):
        _ask(client, family.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3 and SignInLink.objects.count() == 3


def test_deactivated_family_cannot_use_its_link(client, family, django_capture_on_commit_callbacks):
    _ask(client, family.email, django_capture_on_commit_callbacks)
    User.objects.filter(pk=family.pk).update(is_active=False)
    assert client.post(_link_path()).status_code == 404 and "_auth_user_id" not in client.session


def test_refused_links_lock_the_account_like_wrong_passwords(client, family, settings,
                                                             django_capture_on_commit_callbacks):
    """T5.2: five refused uses of the account's links lock it out (django-axes), the owner is told once, and
    even a fresh valid link is refused until the lockout ends."""
    _ask(client, family.email, django_capture_on_commit_callbacks)
    used = _link_path()
    client.post(used)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(used)
    assert Lockout.objects.filter(user=family).count() == 1
    assert any("parent@family.test" in m.to for m in mail.outbox[1:])
    _ask(client, family.email, django_capture_on_commit_callbacks)
    response = client.post(_link_path())
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_sign_in_page_offers_the_link(client):
    assert 'href="/sign-in/link/"' in client.get("/sign-in/").content.decode()


def test_a_family_whose_guardianship_ended_gets_no_link(client, family, django_capture_on_commit_callbacks):
    """A family account is decided by the roster (an active guardianship), never by User.role (issue 19)."""
    from roster.models import Guardianship

    Guardianship.objects.filter(guardian=family).update(is_active=False)
    _ask(client, family.email, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not SignInLink.objects.exists()

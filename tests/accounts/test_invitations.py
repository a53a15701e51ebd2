"""Invitations: signed, single-use, expiring links; bulk invite; re-send (issue #8, quality.md T5)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import invitations
from accounts.models import Invitation, User

pytestmark = pytest.mark.django_db
PASSWORD = "a quiet river at dawn"


@pytest.fixture
def admin(demo):
    return demo["admin@demo.test"]


def families_without_password() -> int:
    return User.objects.filter(email__startswith="family.", password__startswith="!").count()


def link_from(message) -> str:
    return re.search(r"http://[^\s]+/welcome/[^\s]+/", message.body).group(0).split("8000", 1)[1]


def invite_all(client, admin, django_capture_on_commit_callbacks):
    """As the district administrator does it: look at the list first (the preview), then confirm that list."""
    client.force_login(admin)
    listed = [str(person.pk) for person in client.get(reverse("roster:invitation-preview")).context["people"]]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("roster:invitation-send-all"), {"person": listed})


def test_bulk_invite_emails_everyone_without_a_password_once(client, admin, django_capture_on_commit_callbacks):
    expected = families_without_password()
    assert expected == 57  # the demo district's family accounts
    accepted = Invitation.objects.count()  # the demo parents' own (roster/demo.py)
    invite_all(client, admin, django_capture_on_commit_callbacks)
    assert Invitation.objects.count() == accepted + expected
    assert len(mail.outbox) == expected
    assert mail.outbox[0].subject == "Your Waypoint account is ready"
    mail.outbox.clear()
    invite_all(client, admin, django_capture_on_commit_callbacks)  # nobody is invited twice
    assert (Invitation.objects.count(), len(mail.outbox)) == (accepted + expected, 0)


def test_guardian_accepts_sets_password_and_language_and_is_signed_in(client, admin, django_capture_on_commit_callbacks):
    invite_all(client, admin, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    guardian = User.objects.get(email=message.to[0])
    client.logout()
    url = link_from(message)
    page = client.get(url)
    assert page.status_code == 200 and "Language for Waypoint and its emails" in page.content.decode()
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD, "language": "es"})
    assert response.status_code == 302 and response.url == reverse("accounts:home")
    guardian.refresh_from_db()
    assert guardian.check_password(PASSWORD) and guardian.preferred_language == "es"
    assert client.get(reverse("roster:family-home")).status_code == 200
    assert Invitation.objects.get(user=guardian).state == "accepted"


def test_reused_link_is_refused_and_changes_nothing(client, admin, django_capture_on_commit_callbacks):
    invite_all(client, admin, django_capture_on_commit_callbacks)
    url, guardian_email = link_from(mail.outbox[0]), mail.outbox[0].to[0]
    client.logout()
    client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD, "language": "en"})
    client.logout()
    second = client.post(url, {"new_password1": "another long password", "new_password2": "another long password", "language": "es"})
    assert second.status_code == 404 and "This link no longer works" in second.content.decode()
    guardian = User.objects.get(email=guardian_email)
    assert guardian.check_password(PASSWORD) and guardian.preferred_language == "en"


def test_tampered_link_is_refused(client, admin, django_capture_on_commit_callbacks):
    invite_all(client, admin, django_capture_on_commit_callbacks)
    url = link_from(mail.outbox[0])
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = url.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    client.logout()
    response = client.post(forged, {"new_password1": PASSWORD, "new_password2": PASSWORD, "language": "en"})
    assert response.status_code == 404
    assert families_without_password() == 57


def test_expired_link_is_refused(client, admin, django_capture_on_commit_callbacks):
    invite_all(client, admin, django_capture_on_commit_callbacks)
    url = link_from(mail.outbox[0])
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=Invitation.VALID_DAYS, minutes=1)):
        response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD, "language": "en"})
        assert response.status_code == 404
        assert Invitation.objects.filter(user__email=mail.outbox[0].to[0]).get().state == "expired"
    assert families_without_password() == 57


def test_resend_sends_a_new_link_and_the_old_one_stops_working(client, admin, django_capture_on_commit_callbacks):
    invite_all(client, admin, django_capture_on_commit_callbacks)
    old_url, email = link_from(mail.outbox[0]), mail.outbox[0].to[0]
    invitation = Invitation.objects.get(user__email=email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster:invitation-resend", args=[invitation.pk]))
    assert [m.to for m in mail.outbox] == [[email]]
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(link_from(mail.outbox[0])).status_code == 200


def test_staff_accept_page_has_no_language_question(admin):
    teacher = User.objects.create_user("new.teacher@demo.test", None, role=User.Role.TEACHER)
    (invitation,) = invitations.invite(users=[teacher], invited_by=admin)
    from django.test import Client

    page = Client().get(reverse("accounts:invitation-accept", args=[invitations.token_for(invitation)]))
    assert page.status_code == 200 and "Language for Waypoint" not in page.content.decode()


@pytest.mark.parametrize("item_count", [1, 3])
def test_invitation_list_query_count(client, admin, item_count, django_assert_num_queries):
    """P1 / T10: the same number of queries with 1 and 3 invitations."""
    people = list(User.objects.filter(email__startswith="family.").order_by("pk")[:item_count])
    accepted = Invitation.objects.count()  # the demo parents' own (roster/demo.py)
    invitations.invite(users=people, invited_by=admin)
    client.force_login(admin)
    with django_assert_num_queries(7):  # + the person's standing, from relationships (issue 19.2)
        response = client.get(reverse("roster:invitation-list"))
    assert len(response.context["page"].object_list) == accepted + item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_invitation_preview_query_count(client, admin, item_count, django_assert_num_queries):
    """P1 / T10: the check page before a mass invitation costs the same with 1 and 3 people to invite."""
    waiting = User.objects.filter(email__startswith="family.", password__startswith="!").order_by("pk")
    keep = list(waiting.values_list("pk", flat=True)[:item_count])
    waiting.exclude(pk__in=keep).update(is_active=False)  # only `item_count` people are left to invite
    client.force_login(admin)
    with django_assert_num_queries(5):
        response = client.get(reverse("roster:invitation-preview"))
    assert sorted(p.pk for p in response.context["people"]) == sorted(keep)


def test_mass_invitation_shows_who_and_the_email_in_each_language_first(client, admin, django_capture_on_commit_callbacks):
    """Issue 17.6: the button leads to a list and a preview of the email per language; nothing is sent by looking."""
    ids = list(User.objects.filter(email__startswith="family.", password__startswith="!").order_by("pk").values_list("pk", flat=True)[:3])
    User.objects.filter(pk__in=ids).update(preferred_language="es")
    client.force_login(admin)
    listing = client.get(reverse("roster:invitation-list")).content.decode()
    assert reverse("roster:invitation-preview") in listing and "See who and the email before inviting 57 people" in listing
    page = client.get(reverse("roster:invitation-preview"))
    html = page.content.decode()
    assert len(page.context["people"]) == 57 and html.count('name="person"') == 57
    assert sorted(p["lang"] for p in page.context["previews"]) == ["en", "es"]
    assert "Your Waypoint account is ready" in html and "Su cuenta de Waypoint" in html
    assert "Yes, invite these 57 people" in html
    assert (Invitation.objects.filter(accepted_at__isnull=True).count(), len(mail.outbox)) == (0, 0)


def test_mass_invitation_refuses_a_list_that_changed_and_says_so(client, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    listed = [str(person.pk) for person in client.get(reverse("roster:invitation-preview")).context["people"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster:invitation-send-all"), {"person": listed[:-1]}, follow=True)
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("error", "Nothing was sent: the list of people to invite changed since you looked at it. Check the new list, "
                  "then confirm again.")]
    assert (Invitation.objects.filter(accepted_at__isnull=True).count(), len(mail.outbox)) == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster:invitation-send-all"), {"person": listed}, follow=True)
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [("success", "57 invitations are on their way.")]

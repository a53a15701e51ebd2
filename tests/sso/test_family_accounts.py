"""Families may link their own Google or Microsoft account after accepting their invitation and sign in with it
(issue 22 item 4, quality.md T5, T1). A provider without a district never matches anyone by email: only the
link its owner made, signed in, counts; the link is in the account's trail and emailed to its owner."""

import pytest
from django.core import mail
from django.test import Client

from accounts.models import SecurityEvent, User
from roster.models import Guardianship
from sso.models import IdentityProvider, LinkedIdentity
from tests.factories.accounts import UserFactory

from .conftest import make_provider, sign_in_at_provider, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_google(identity_provider):
    return make_provider(None, identity_provider, kind=IdentityProvider.Kind.GOOGLE, name="Google")


def _link(client, provider) -> str:
    response = client.get(f"/account/sign-in-methods/link/{provider.pk}/")
    assert response.status_code == 302, response.content[:300]
    return sign_in_at_provider(response["Location"], "family")


def test_parent_links_her_google_account_then_signs_in_with_it(client, family, family_google,
                                                                django_capture_on_commit_callbacks):
    client.force_login(family)
    page = client.get("/account/sign-in-methods/").content.decode()
    assert "Link your Google" in page and f"/account/sign-in-methods/link/{family_google.pk}/" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_link(client, family_google))
    assert response.status_code == 302 and response["Location"] == "/account/sign-in-methods/"
    link = LinkedIdentity.objects.get(user=family)
    assert link.provider == family_google and link.issuer == family_google.issuer_url
    assert SecurityEvent.objects.filter(user=family, kind=SecurityEvent.Kind.SSO_LINKED).exists()
    assert mail.outbox and mail.outbox[-1].to == [family.email]
    page = client.get("/account/sign-in-methods/").content.decode()
    assert "Link your Google" not in page and "Unlink Google" in page

    fresh = Client()
    sign_in_page = fresh.get("/sign-in/").content.decode()
    assert "Family members: sign in with the account you linked" in sign_in_page
    response = fresh.get(sign_in_at_provider(start(fresh, family_google), "family"))
    assert response.status_code == 302 and fresh.session["_auth_user_id"] == str(family.pk)


def test_an_unlinked_personal_account_signs_no_one_in_even_with_the_same_verified_email(client, family,
                                                                                          family_google):
    """T1: the provider says parent@family.test, verified; that is Pat's Waypoint email, but she never linked it."""
    response = client.get(sign_in_at_provider(start(client, family_google), "family"))
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    assert "This Google account is not linked to Waypoint" in response.content.decode()
    assert not LinkedIdentity.objects.exists()


@pytest.mark.parametrize("role", [User.Role.TEACHER, User.Role.STUDENT])
def test_staff_and_students_cannot_link_a_personal_account(client, family_google, role, school):
    client.force_login(UserFactory(role=role))
    assert "Link your" not in client.get("/account/sign-in-methods/").content.decode()
    assert client.get(f"/account/sign-in-methods/link/{family_google.pk}/").status_code == 404
    assert not LinkedIdentity.objects.exists()


def test_a_district_provider_cannot_be_linked_from_the_family_page(client, family, school, identity_provider):
    district_provider = make_provider(school.district, identity_provider)
    client.force_login(family)
    assert client.get(f"/account/sign-in-methods/link/{district_provider.pk}/").status_code == 404


def test_the_link_is_finished_only_by_the_account_that_started_it(client, family, family_google, other_guardian):
    client.force_login(family)
    callback = _link(client, family_google)
    client.force_login(other_guardian)  # someone else signs in on this browser meanwhile
    response = client.get(callback)
    assert response.status_code == 400
    assert not LinkedIdentity.objects.exists()


def test_an_account_linked_to_someone_else_is_not_moved(client, family, family_google, other_guardian, student):
    Guardianship.objects.create(guardian=other_guardian, student=student)
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Invitation

    Invitation.objects.create(user=other_guardian, nonce="o", expires_at=timezone.now() + timedelta(days=1),
                              accepted_at=timezone.now())
    client.force_login(family)
    client.get(_link(client, family_google))
    other = Client()
    other.force_login(other_guardian)
    response = other.get(_link(other, family_google), follow=True)
    assert "already linked to another Waypoint account" in response.content.decode()
    assert list(LinkedIdentity.objects.values_list("user", flat=True)) == [family.pk]


def test_a_parent_whose_guardianships_ended_cannot_sign_in_with_her_linked_account(client, family, family_google):
    client.force_login(family)
    client.get(_link(client, family_google))
    client.logout()
    Guardianship.objects.filter(guardian=family).update(is_active=False)
    response = client.get(sign_in_at_provider(start(client, family_google), "family"))
    assert response.status_code == 403 and "_auth_user_id" not in client.session

"""Single sign-on through a real OpenID Connect provider on loopback (tests/sso/provider: django-oauth-toolkit),
authorization code with PKCE, driven by the Django test client (Waypoint) and requests (the person at the
provider). quality.md T5 (sign-in), T1 (nobody gets in who the roster does not know)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import SecurityEvent, User
from roster.models import RosterIdentity, StaffAssignment
from sso.models import IdentityProvider, LinkedIdentity
from tests.factories.accounts import UserFactory
from tests.factories.roster import SchoolFactory, StaffAssignmentFactory, StudentFactory

from .conftest import make_provider, sign_in_at_provider, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_teacher(school):
    user = UserFactory(role=User.Role.TEACHER, email="teacher@district.test", first_name="Tess")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
    return user


@pytest.fixture
def sso_student(school):
    user = UserFactory(role=User.Role.STUDENT, email="maya@students.district.test")
    StudentFactory(school=school, user=user, sourced_id="stu-0001", first_name="Maya")
    return user


def _session_user(client):
    return client.session.get("_auth_user_id")


def test_teacher_signs_in_by_verified_email_and_is_linked(client, school, sso_teacher, identity_provider,
                                                          django_capture_on_commit_callbacks):
    """T5: the whole flow: PKCE (S256), state and nonce sent; the ID token's signature and claims checked;
    matched by verified email, then linked by (iss, sub); the link is in her trail and emailed to her."""
    provider = make_provider(school.district, identity_provider)
    authorize = start(client, provider, next_url="/account/sign-in-methods/")
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["scope"] == ["openid email profile"]

    callback = sign_in_at_provider(authorize, "teacher")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(callback)

    assert response.status_code == 302 and response["Location"] == "/account/sign-in-methods/"
    assert _session_user(client) == str(sso_teacher.pk)
    link = LinkedIdentity.objects.get(user=sso_teacher)
    assert link.issuer == identity_provider.issuer and link.subject
    assert SecurityEvent.objects.filter(user=sso_teacher, kind=SecurityEvent.Kind.SSO_LINKED).count() == 1
    assert [m.to for m in mail.outbox] == [["teacher@district.test"]]
    page = client.get("/account/sign-in-methods/")
    assert "District Google" in page.content.decode()

    # The second time, the link decides (the email is not looked at again), and nothing new is written.
    client.logout()
    response = client.get(sign_in_at_provider(start(client, provider), "teacher"))
    assert response.status_code == 302 and _session_user(client) == str(sso_teacher.pk)
    assert SecurityEvent.objects.filter(user=sso_teacher).count() == 1


def test_student_signs_in_by_roster_identifier(client, school, sso_student, identity_provider):
    provider = make_provider(school.district, identity_provider, match_by=IdentityProvider.Match.ROSTER_ID,
                             match_claim="sourced_id", name="District Clever")
    response = client.get(sign_in_at_provider(start(client, provider), "student"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert _session_user(client) == str(sso_student.pk)


def test_staff_roster_identifier_matches_through_roster_identity(client, school, sso_teacher, identity_provider):
    RosterIdentity.objects.create(district=school.district, user=sso_teacher, sourced_id="stu-0001")
    provider = make_provider(school.district, identity_provider, match_by=IdentityProvider.Match.ROSTER_ID,
                             match_claim="sourced_id")
    client.get(sign_in_at_provider(start(client, provider), "student"))
    assert _session_user(client) == str(sso_teacher.pk)


def test_unknown_person_gets_no_access_page_and_no_account(client, school, sso_teacher, identity_provider):
    """Accounts come from the roster only (issue 22): nothing is created for someone the district has not added."""
    provider = make_provider(school.district, identity_provider)
    users = User.objects.count()
    response = client.get(sign_in_at_provider(start(client, provider), "stranger"))
    assert response.status_code == 403
    assert "Your district has not given you access to Waypoint" in response.content.decode()
    assert _session_user(client) is None
    assert User.objects.count() == users and not LinkedIdentity.objects.exists()


def test_unverified_email_matches_no_one(client, school, sso_teacher, identity_provider):
    provider = make_provider(school.district, identity_provider)
    response = client.get(sign_in_at_provider(start(client, provider), "unverified"))
    assert response.status_code == 403 and _session_user(client) is None


def test_person_of_another_district_is_not_matched(client, school, identity_provider):
    """The same email in another district's roster does not let a provider of this district in."""
    elsewhere = UserFactory(role=User.Role.TEACHER, email="teacher@district.test")
    elsewhere_school = SchoolFactory()  # its own district
    StaffAssignmentFactory(user=elsewhere, district=elsewhere_school.district, school=elsewhere_school,
                           role=StaffAssignment.Role.TEACHER)
    provider = make_provider(school.district, identity_provider)
    response = client.get(sign_in_at_provider(start(client, provider), "teacher"))
    assert response.status_code == 403 and _session_user(client) is None


def test_deactivated_account_is_refused_even_when_linked(client, school, sso_teacher, identity_provider):
    provider = make_provider(school.district, identity_provider)
    client.get(sign_in_at_provider(start(client, provider), "teacher"))
    client.logout()
    User.objects.filter(pk=sso_teacher.pk).update(is_active=False)  # a roster import turned the account off
    response = client.get(sign_in_at_provider(start(client, provider), "teacher"))
    assert response.status_code == 403 and "turned off" in response.content.decode()
    assert _session_user(client) is None


def test_student_turned_off_by_the_roster_is_refused(client, school, sso_student, identity_provider):
    from roster.models import Student

    Student.objects.filter(user=sso_student).update(is_active=False)
    provider = make_provider(school.district, identity_provider, match_by=IdentityProvider.Match.ROSTER_ID,
                             match_claim="sourced_id")
    response = client.get(sign_in_at_provider(start(client, provider), "student"))
    assert response.status_code == 403 and _session_user(client) is None


def test_replayed_state_is_refused(client, school, sso_teacher, identity_provider, caplog):
    """A state works once: the same redirect back (state and code) a second time signs no one in."""
    provider = make_provider(school.district, identity_provider)
    callback = sign_in_at_provider(start(client, provider), "teacher")
    assert client.get(callback).status_code == 302
    client.logout()
    response = client.get(callback)
    assert response.status_code == 400 and _session_user(client) is None
    assert "unknown, used or expired state" in caplog.text


def test_state_from_another_browser_is_refused(client, school, sso_teacher, identity_provider):
    from django.test import Client

    provider = make_provider(school.district, identity_provider)
    callback = sign_in_at_provider(start(client, provider), "teacher")
    other = Client()
    assert other.get(callback).status_code == 400 and other.session.get("_auth_user_id") is None


def test_expired_id_token_is_refused(client, school, sso_teacher, identity_provider, caplog):
    """The provider's ID tokens last 120 s; Waypoint's clock five minutes on (the flow itself lasts 10)."""
    provider = make_provider(school.district, identity_provider)
    callback = sign_in_at_provider(start(client, provider), "teacher")
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        response = client.get(callback)
    assert response.status_code == 400 and _session_user(client) is None
    assert "id_token claims" in caplog.text and "expired" in caplog.text


def test_provider_answering_for_another_issuer_is_refused(client, school, sso_teacher, identity_provider, caplog):
    """The district set an issuer; the provider found there says it is another one: refused before leaving."""
    wrong = identity_provider.issuer.replace("127.0.0.1", "localhost")
    provider = make_provider(school.district, identity_provider, issuer=wrong)
    response = client.get(f"/sign-in/with/{provider.pk}/")
    assert response.status_code == 502 and _session_user(client) is None
    assert "discovery issuer" in caplog.text


def test_provider_mfa_counts_as_two_step_only_when_trusted(client, school, sso_teacher, identity_provider):
    """T5.4: a district requiring two-step for staff; the provider says amr=mfa. Trusted: no Waypoint code.
    Not trusted: Waypoint's own second step still applies."""
    school.district.requires_staff_two_factor = True
    school.district.save()
    provider = make_provider(school.district, identity_provider)
    client.get(sign_in_at_provider(start(client, provider), "teacher"))
    assert "/account/two-factor/" in client.get("/", follow=True).redirect_chain[-1][0]

    client.logout()
    provider.trust_mfa_claims = True
    provider.save()
    client.get(sign_in_at_provider(start(client, provider), "teacher"))
    final = client.get("/", follow=True).redirect_chain[-1][0]
    assert "two-factor" not in final


def test_district_requiring_sso_turns_passwords_off(client, school, sso_teacher, identity_provider):
    make_provider(school.district, identity_provider, required_for_staff=True)
    response = client.post("/sign-in/", {"username": "teacher@district.test", "password": "wrong password"})
    assert "do not match" in response.content.decode()  # a wrong password says nothing about SSO
    from django.conf import settings

    response = client.post("/sign-in/", {"username": "teacher@district.test", "password": settings.WAYPOINT_DEMO_PASSWORD})
    assert response.status_code == 200 and _session_user(client) is None
    assert "signs you in with District Google" in response.content.decode()


def test_sign_out_ends_the_session_and_offers_the_providers(client, school, sso_teacher, identity_provider):
    provider = make_provider(school.district, identity_provider)
    client.get(sign_in_at_provider(start(client, provider), "teacher"))
    response = client.post("/sign-out/")
    assert response.status_code == 200 and _session_user(client) is None
    page = response.content.decode()
    assert "Sign out of District Google too" in page
    url = response.context["elsewhere"]["url"]
    assert url.startswith(f"{identity_provider.issuer}/logout/") and "id_token_hint=" in url
    assert requests.get(url, allow_redirects=False, timeout=10).status_code in (200, 302)


def test_unlinking_is_recorded_and_shown(client, school, sso_teacher, identity_provider):
    provider = make_provider(school.district, identity_provider)
    client.get(sign_in_at_provider(start(client, provider), "teacher"))
    link = LinkedIdentity.objects.get(user=sso_teacher)
    response = client.post(f"/account/sign-in-methods/{link.pk}/unlink/", follow=True)
    assert not LinkedIdentity.objects.exists()
    assert SecurityEvent.objects.filter(user=sso_teacher, kind=SecurityEvent.Kind.SSO_UNLINKED).count() == 1
    assert "unlinked" in response.content.decode()


def test_someone_elses_link_cannot_be_removed(client, school, sso_teacher, identity_provider, teacher):
    provider = make_provider(school.district, identity_provider)
    link = LinkedIdentity.objects.create(user=sso_teacher, provider=provider, issuer=provider.issuer_url, subject="1")
    client.force_login(teacher)
    client.post(f"/account/sign-in-methods/{link.pk}/unlink/")
    assert LinkedIdentity.objects.filter(pk=link.pk).exists()


def test_sign_in_page_lists_the_district_providers_first(client, school, identity_provider):
    make_provider(school.district, identity_provider)
    make_provider(school.district, identity_provider, name="Hidden", enabled=False)
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with District Google" in page and "Hidden" not in page
    assert page.index("Sign in with District Google") < page.index('name="password"')


def test_district_requiring_sso_for_students_turns_their_passwords_off(client, school, sso_student, sso_teacher,
                                                                       identity_provider):
    """Students only: a teacher of the same district still signs in with her password."""
    from django.conf import settings

    make_provider(school.district, identity_provider, required_for_students=True)
    client.post("/sign-in/", {"username": sso_student.email, "password": settings.WAYPOINT_DEMO_PASSWORD})
    assert _session_user(client) is None
    client.post("/sign-in/", {"username": sso_teacher.email, "password": settings.WAYPOINT_DEMO_PASSWORD})
    assert _session_user(client) == str(sso_teacher.pk)

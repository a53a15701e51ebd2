"""SAML 2.0 sign-in (SP-initiated: AuthnRequest by HTTP-Redirect, Response by HTTP-POST to the ACS) through the
same IdentityProvider, LinkedIdentity and services.match as OpenID Connect. The identity provider is pysaml2's
own, with a key pair made in the test. quality.md T5 (sign-in), T1 (nobody gets in who the roster does not know)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.utils import timezone

from accounts.models import SecurityEvent, User
from roster.models import StaffAssignment
from sso.models import IdentityProvider, LinkedIdentity
from tests.factories.accounts import UserFactory
from tests.factories.roster import StaffAssignmentFactory, StudentFactory

from .saml_idp import IDP_ENTITY_ID, SSO_URL, SamlTestProvider

pytestmark = pytest.mark.django_db
EMAIL = "urn:oid:0.9.2342.19200300.100.1.3"  # mail, as most IdPs name it (pysaml2 reads it as "mail")


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.WAYPOINT_PUBLIC_URL = "http://testserver"


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    return SamlTestProvider(tmp_path_factory.mktemp("saml"))


@pytest.fixture
def sso_teacher(school):
    user = UserFactory(role=User.Role.TEACHER, email="teacher@district.test", first_name="Tess")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
    return user


def make_provider(district, idp, **fields) -> IdentityProvider:
    values = {"kind": IdentityProvider.Kind.OIDC, "protocol": IdentityProvider.Protocol.SAML,
              "name": "District ADFS", "issuer": IDP_ENTITY_ID, "saml_sso_url": SSO_URL,
              "saml_certificate": idp.certificate, "saml_emails_verified": True, **fields}
    provider = IdentityProvider(district=district, **values)
    provider.full_clean()
    provider.save()
    return provider


def start(client, provider, idp, next_url: str = "") -> tuple[str, str]:
    """Press the provider's button: Waypoint redirects to the IdP with an AuthnRequest. (request ID, RelayState)"""
    response = client.get(f"/sign-in/with/{provider.pk}/", {"next": next_url} if next_url else {})
    assert response.status_code == 302 and response["Location"].startswith(SSO_URL)
    relay_state = parse_qs(urlparse(response["Location"]).query)["RelayState"][0]
    return idp.request_id(response["Location"]), relay_state


def post(client, saml_response: str, relay_state: str):
    """The IdP's page POSTs to the ACS (no CSRF token); the browser follows the 303 with a GET."""
    posted = client.post("/sign-in/saml/acs/", {"SAMLResponse": saml_response, "RelayState": relay_state})
    assert posted.status_code == 303, posted.content[:300]
    return client.get(posted["Location"])


def _session_user(client):
    return client.session.get("_auth_user_id")


def test_signed_assertion_signs_in_and_links(client, school, sso_teacher, idp):
    """T5: matched by the district's email attribute (the district vouches for the IdP's emails), then linked
    by (IdP entity ID, NameID) in the same LinkedIdentity as OpenID Connect; the second time the link decides."""
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp, next_url="/account/sign-in-methods/")
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    assert response.status_code == 302 and response["Location"] == "/account/sign-in-methods/"
    assert _session_user(client) == str(sso_teacher.pk)
    link = LinkedIdentity.objects.get(user=sso_teacher)
    assert (link.issuer, link.subject, link.provider_id) == (IDP_ENTITY_ID, "nameid-tess", provider.pk)
    assert SecurityEvent.objects.filter(user=sso_teacher, kind=SecurityEvent.Kind.SSO_LINKED).count() == 1

    client.logout()
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "changed@elsewhere.test"}), relay)
    assert response.status_code == 302 and _session_user(client) == str(sso_teacher.pk)


def test_signed_response_is_accepted_too(client, school, sso_teacher, idp):
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}, sign_assertion=False,
                              sign_response=True), relay)
    assert _session_user(client) == str(sso_teacher.pk)


def test_student_signs_in_by_roster_identifier_attribute(client, school, idp):
    user = UserFactory(role=User.Role.STUDENT, email="maya@students.district.test")
    StudentFactory(school=school, user=user, sourced_id="stu-0001")
    provider = make_provider(school.district, idp, match_by=IdentityProvider.Match.ROSTER_ID,
                             match_claim="employeeNumber", saml_emails_verified=False)
    request_id, relay = start(client, provider, idp)
    post(client, idp.response(request_id, "nameid-maya", {"employeeNumber": "stu-0001"}), relay)
    assert _session_user(client) == str(user.pk)


def test_email_is_not_trusted_unless_the_district_says_so(client, school, sso_teacher, idp):
    provider = make_provider(school.district, idp, saml_emails_verified=False)
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    assert response.status_code == 403 and _session_user(client) is None


def test_unknown_person_gets_no_access_page_and_no_account(client, school, sso_teacher, idp):
    provider = make_provider(school.district, idp)
    users = User.objects.count()
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-x", {EMAIL: "stranger@district.test"}), relay)
    assert response.status_code == 403
    assert "Your district has not given you access to Waypoint" in response.content.decode()
    assert _session_user(client) is None and User.objects.count() == users and not LinkedIdentity.objects.exists()


def test_deactivated_account_is_refused(client, school, sso_teacher, idp):
    User.objects.filter(pk=sso_teacher.pk).update(is_active=False)
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    assert response.status_code == 403 and "turned off" in response.content.decode()
    assert _session_user(client) is None


def _refused(client, response, caplog, reason: str):
    assert response.status_code == 400 and _session_user(client) is None
    assert "SAML" in caplog.text and reason in caplog.text, caplog.text[-600:]
    assert not LinkedIdentity.objects.exists()


def test_unsigned_response_is_refused(client, school, sso_teacher, idp, caplog):
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"},
                                         sign_assertion=False, sign_response=False), relay)
    _refused(client, response, caplog, "Neither the response nor the assertions are signed")


def test_response_signed_with_another_key_is_refused(client, school, sso_teacher, idp, tmp_path, caplog):
    """Same entity ID, another key pair: the signature does not verify against the district's certificate."""
    impostor = SamlTestProvider(tmp_path, name="impostor")
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    response = post(client, impostor.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    _refused(client, response, caplog, "Failed to verify signature")


def test_sha1_signature_is_refused(client, school, sso_teacher, idp, caplog):
    from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1

    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"},
                                         sign_alg=SIG_RSA_SHA1, digest_alg=DIGEST_SHA1), relay)
    _refused(client, response, caplog, "weak algorithm")


def test_altered_assertion_is_refused(client, school, sso_teacher, idp, caplog):
    """A correctly signed assertion for a stranger, its email changed on the way to a teacher's: refused."""
    import base64

    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    signed = base64.b64decode(idp.response(request_id, "nameid-x", {EMAIL: "stranger@district.test"})).decode()
    assert "stranger@district.test" in signed
    altered = base64.b64encode(signed.replace("stranger@district.test", "teacher@district.test").encode()).decode()
    response = post(client, altered, relay)
    _refused(client, response, caplog, "Failed to verify signature")


def test_wrapped_assertion_is_refused(client, school, sso_teacher, idp, caplog):
    """Signature wrapping: an unsigned forged assertion for the teacher placed before the IdP's signed one for a
    stranger (the signed one still verifies): refused, never read."""
    import base64
    import re

    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    signed = base64.b64decode(idp.response(request_id, "nameid-x", {EMAIL: "stranger@district.test"})).decode()
    assertion = re.search(r"<(\w+:)?Assertion\b.*</(\w+:)?Assertion>", signed, re.S).group(0)
    forged = re.sub(r"<ds:Signature.*?</ds:Signature>", "", assertion, flags=re.S)
    forged = re.sub(r'ID="[^"]+"', 'ID="id-forged"', forged, count=1).replace("stranger@district.test",
                                                                             "teacher@district.test")
    wrapped = signed.replace(assertion, forged + assertion)
    assert wrapped.count("Assertion ") >= 2 and "id-forged" in wrapped
    response = post(client, base64.b64encode(wrapped.encode()).decode(), relay)
    _refused(client, response, caplog, "Invalid number of assertions")


def test_wrong_audience_is_refused(client, school, sso_teacher, idp, caplog):
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"},
                                         audience="https://another-app.example/"), relay)
    _refused(client, response, caplog, "AudienceRestrictions conditions not satisfied")


def test_expired_assertion_is_refused(client, school, sso_teacher, idp, caplog):
    """The IdP's assertions last 5 minutes; Waypoint's clock 8 minutes on (its own flow lasts 10)."""
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    saml_response = idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"})
    with time_machine.travel(timezone.now() + timedelta(minutes=8)):
        response = post(client, saml_response, relay)
    _refused(client, response, caplog, "too old")


def test_response_to_another_request_is_refused(client, school, sso_teacher, idp, caplog):
    """InResponseTo must be the AuthnRequest this session sent (IdP-initiated or forged ids are refused)."""
    provider = make_provider(school.district, idp)
    _, relay = start(client, provider, idp)
    response = post(client, idp.response("id-not-ours", "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    _refused(client, response, caplog, "Unsolicited response")


def test_replayed_response_is_refused(client, school, sso_teacher, idp, caplog):
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    saml_response = idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"})
    assert post(client, saml_response, relay).status_code == 302
    client.logout()
    response = post(client, saml_response, relay)
    assert response.status_code == 400 and _session_user(client) is None
    assert "unknown, used or expired SAML RelayState" in caplog.text
    # Nor with a sign-in started afresh: its AuthnRequest has another ID than the response's InResponseTo.
    _, relay = start(client, provider, idp)
    response = post(client, saml_response, relay)
    assert response.status_code == 400 and _session_user(client) is None and "Unsolicited response" in caplog.text


def test_response_in_another_browser_is_refused(client, school, sso_teacher, idp):
    from django.test import Client

    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    other = Client()
    response = post(other, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    assert response.status_code == 400 and other.session.get("_auth_user_id") is None


def test_parked_response_works_once(client, school, sso_teacher, idp):
    provider = make_provider(school.district, idp)
    request_id, relay = start(client, provider, idp)
    posted = client.post("/sign-in/saml/acs/", {"SAMLResponse": idp.response(request_id, "nameid-tess",
                                                                                {EMAIL: "teacher@district.test"}),
                                                 "RelayState": relay})
    assert client.get(posted["Location"]).status_code == 302
    client.logout()
    assert client.get(posted["Location"]).status_code == 400


def test_acs_without_a_response_is_refused(client):
    assert client.post("/sign-in/saml/acs/", {}).status_code == 400


def test_acs_post_sets_no_cookie(client, settings):
    """The IdP's cross-site POST carries no session cookie (SameSite=Lax): answering it with a new session or
    CSRF cookie would replace the browser's own, and the GET that follows would lose the sign-in under way."""
    posted = client.post("/sign-in/saml/acs/", {"SAMLResponse": "PHg+", "RelayState": "r"})
    assert posted.status_code == 303 and posted["Location"].startswith("/sign-in/saml/acs/")
    assert settings.SESSION_COOKIE_NAME not in posted.cookies and settings.CSRF_COOKIE_NAME not in posted.cookies


def test_provider_with_a_broken_certificate_signs_no_one_in(client, school, sso_teacher, idp, caplog):
    provider = make_provider(school.district, idp)
    IdentityProvider.objects.filter(pk=provider.pk).update(
        saml_certificate="-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----")
    request_id, relay = start(client, provider, idp)
    response = post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    _refused(client, response, caplog, "SAML response")


def test_provider_mfa_context_counts_only_when_trusted(client, school, sso_teacher, idp):
    """The AuthnContextClassRef stands in for OpenID Connect's acr: it counts if the district lists it."""
    school.district.requires_staff_two_factor = True
    school.district.save()
    mfa = "http://schemas.microsoft.com/claims/multipleauthn"
    provider = make_provider(school.district, idp, trust_mfa_claims=True, mfa_acr_values=mfa)
    request_id, relay = start(client, provider, idp)
    post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}), relay)
    assert "/account/two-factor/" in client.get("/", follow=True).redirect_chain[-1][0]
    client.logout()
    request_id, relay = start(client, provider, idp)
    post(client, idp.response(request_id, "nameid-tess", {EMAIL: "teacher@district.test"}, context=mfa), relay)
    assert "two-factor" not in client.get("/", follow=True).redirect_chain[-1][0]


def test_sp_metadata_gives_entity_id_and_acs(client):
    response = client.get("/sign-in/saml/metadata/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/samlmetadata+xml")
    body = response.content.decode()
    assert 'entityID="http://testserver/sign-in/saml/metadata/"' in body
    assert 'Location="http://testserver/sign-in/saml/acs/"' in body and "HTTP-POST" in body


def test_saml_provider_needs_its_fields_and_a_district(school, idp):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_provider(school.district, idp, saml_certificate="")
    with pytest.raises(ValidationError):
        make_provider(None, idp)

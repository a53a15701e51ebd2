from urllib.parse import urljoin, urlparse

import pytest
import requests

from sso.models import IdentityProvider
from tests.sso.oidc_server import CLIENT_ID, PASSWORD, TestIdentityProvider

CALLBACK = "http://testserver/sign-in/sso/callback/"
AFTER_SIGN_OUT = "http://testserver/sign-in/"
SECRET_ENV = "WAYPOINT_SSO_TEST_SECRET"


@pytest.fixture(scope="session")
def identity_provider():
    provider = TestIdentityProvider([CALLBACK, AFTER_SIGN_OUT])
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def _client_secret(monkeypatch):
    from tests.sso.oidc_server import CLIENT_SECRET

    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)


@pytest.fixture
def family(guardian, student):  # a family account is one with a child on the roster (an active guardianship)
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Invitation

    Invitation.objects.create(user=guardian, nonce="n", expires_at=timezone.now() + timedelta(days=1),
                              accepted_at=timezone.now())
    return guardian


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def make_provider(district, identity_provider, **fields) -> IdentityProvider:
    values = {"kind": IdentityProvider.Kind.OIDC, "name": "District Google", "issuer": identity_provider.issuer,
              "client_id": CLIENT_ID, "client_secret_env": SECRET_ENV, **fields}
    return IdentityProvider.objects.create(district=district, **values)


def sign_in_at_provider(authorize_url: str, username: str) -> str:
    """What a person does at the provider: its sign-in form, then back to Waypoint. Returns Waypoint's callback
    URL (path and query) that the provider redirected to."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    assert "/login/" in page.url, page.text[:500]
    answer = browser.post(page.url, data={"username": username, "password": PASSWORD,
                                          "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"]},
                          headers={"Referer": page.url}, allow_redirects=False, timeout=10)
    location = answer.headers["Location"]
    while not location.startswith("http://testserver"):
        answer = browser.get(urljoin(page.url, location), allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        location = answer.headers["Location"]
    parsed = urlparse(location)
    return f"{parsed.path}?{parsed.query}"


def start(client, provider, next_url: str = "") -> str:
    response = client.get(f"/sign-in/with/{provider.pk}/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content[:300]
    return response["Location"]

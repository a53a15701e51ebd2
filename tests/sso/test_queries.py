"""P1/T10: the sign-in page and the sign-in methods page keep their query count as providers and links grow."""

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from accounts import security_events
from accounts.models import SecurityEvent
from sso.models import IdentityProvider, LinkedIdentity
from tests.factories.roster import DistrictFactory

pytestmark = pytest.mark.django_db


def _providers(district, count):
    start = IdentityProvider.objects.count()
    return [IdentityProvider.objects.create(district=district, kind=IdentityProvider.Kind.GOOGLE, name=f"Provider {n}",
                                            client_id="c", client_secret_env="X") for n in range(start, start + count)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_sign_in_page_queries_do_not_grow_with_providers(client, school):
    _providers(school.district, 1)
    one = _queries(client, "/sign-in/")
    _providers(school.district, 4)
    _providers(DistrictFactory(), 3)
    assert _queries(client, "/sign-in/") == one <= 12


def test_sign_in_methods_queries_do_not_grow_with_links(client, teacher, school):
    client.force_login(teacher)
    providers = _providers(school.district, 5)
    LinkedIdentity.objects.create(user=teacher, provider=providers[0], issuer="i", subject="s0")
    security_events.record(user=teacher, kind=SecurityEvent.Kind.SSO_LINKED, ip_address="127.0.0.1")
    one = _queries(client, "/account/sign-in-methods/")
    for i, provider in enumerate(providers[1:], start=1):
        LinkedIdentity.objects.create(user=teacher, provider=provider, issuer="i", subject=f"s{i}")
        security_events.record(user=teacher, kind=SecurityEvent.Kind.SSO_LINKED, ip_address="127.0.0.1")
    assert _queries(client, "/account/sign-in-methods/") == one <= 12
    assert "P" in client.get("/account/sign-in-methods/").content.decode()

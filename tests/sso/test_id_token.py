"""The ID token checks one by one (T5): tokens signed here with a key of our own, its public half published
as the provider's keys. A token that fails any check signs no one in."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from sso import oidc
from sso.models import IdentityProvider

ISSUER = "https://idp.example.test"
JWKS_URI = "https://idp.example.test/jwks"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(school):
    cache.set(f"sso:jwks:{JWKS_URI}", KeySet([KEY]).as_dict(private=False), 60)
    return IdentityProvider(district=school.district, kind=IdentityProvider.Kind.OIDC, name="IdP", issuer=ISSUER,
                            client_id="waypoint", client_secret_env="X")


def _token(key=KEY, alg="RS256", **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "s1", "aud": "waypoint", "exp": now + 300, "iat": now, "nonce": "n1", **changes}
    return jwt.encode({"alg": alg, "kid": "k1"}, claims, key)


def _verify(provider, token, nonce="n1"):
    return oidc.verify_id_token(provider=provider, id_token=token, jwks_uri=JWKS_URI, nonce=nonce)


def test_a_good_token_passes(provider):
    assert _verify(provider, _token())["sub"] == "s1"


@pytest.mark.parametrize("changes", [
    {"iss": "https://attacker.example.test"},
    {"aud": "another-client"},
    {"aud": ["waypoint", "another-client"]},  # several audiences and no azp naming Waypoint
    {"exp": int(time.time()) - 120},
    {"nonce": "replayed"},
], ids=["wrong issuer", "wrong audience", "no azp", "expired", "wrong nonce"])
def test_a_token_with_a_wrong_claim_is_refused(provider, changes):
    with pytest.raises(oidc.SignInRefused):
        _verify(provider, _token(**changes))


@pytest.mark.parametrize("claim", ["sub", "exp", "nonce", "iss", "aud"])
def test_a_token_missing_a_claim_is_refused(provider, claim):
    token = _token()
    claims = jwt.decode(token, KEY).claims
    del claims[claim]
    with pytest.raises(oidc.SignInRefused):
        _verify(provider, jwt.encode({"alg": "RS256", "kid": "k1"}, claims, KEY))


def test_a_token_signed_by_another_key_is_refused(provider, monkeypatch):
    monkeypatch.setattr(oidc, "_get_json", lambda url: KeySet([KEY]).as_dict(private=False))
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(oidc.SignInRefused):
        _verify(provider, _token(key=other))


def test_an_hmac_token_made_with_the_public_key_is_refused(provider):
    """The classic algorithm confusion: HS256 keyed with the provider's public key."""
    claims = jwt.decode(_token(), KEY).claims
    header = _b64(json.dumps({"alg": "HS256", "kid": "k1"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = _b64(hmac.new(KEY.as_pem(private=False), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    with pytest.raises(oidc.SignInRefused):
        _verify(provider, f"{header}.{payload}.{signature}")


def test_an_unsigned_token_is_refused(provider):
    claims = jwt.decode(_token(), KEY).claims
    token = f"{_b64(json.dumps({'alg': 'none'}).encode())}.{_b64(json.dumps(claims).encode())}."
    with pytest.raises(oidc.SignInRefused):
        _verify(provider, token)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

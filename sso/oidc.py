"""OpenID Connect, authorization code flow with PKCE, through Authlib.

`start` builds the provider's authorization URL and keeps (state -> provider, nonce, PKCE verifier) in the
session; `finish` takes that entry out (a state works once), exchanges the code, and checks the ID token:
signature against the provider's published keys, issuer, audience, expiry, nonce. Anything wrong raises
`SignInRefused`, and nothing is signed in."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from django.core.cache import cache

from .models import IdentityProvider

FLOWS = "sso_flows"  # session key: state -> flow
FLOW_SECONDS = 600  # a sign-in at the provider must come back within 10 minutes
MAX_OPEN_FLOWS = 5
HTTP_TIMEOUT = 10
METADATA_SECONDS = 3600
CLOCK_LEEWAY = 60
ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]  # never "none", never HMAC with a public key


class SignInRefused(Exception):
    """The provider's answer cannot be trusted or used. `reason` goes to the log, never to the page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    provider: IdentityProvider
    claims: dict
    id_token: str
    next_url: str
    linking_user_id: int | None = None  # set when a signed-in family member is linking their own account


def metadata(provider: IdentityProvider) -> dict:
    """The provider's discovery document (cached an hour). Its issuer must be the one the district set."""
    key = f"sso:metadata:{provider.issuer_url}"
    found = cache.get(key)
    if found is None:
        found = _get_json(f"{provider.issuer_url}/.well-known/openid-configuration")
        if found.get("issuer", "").rstrip("/") != provider.issuer_url:
            raise SignInRefused(f"discovery issuer {found.get('issuer')!r} is not {provider.issuer_url!r}")
        cache.set(key, found, METADATA_SECONDS)
    return found


def _keys(provider: IdentityProvider, jwks_uri: str, refresh: bool = False):
    key = f"sso:jwks:{jwks_uri}"
    found = None if refresh else cache.get(key)
    if found is None:
        found = _get_json(jwks_uri)
        cache.set(key, found, METADATA_SECONDS)
    return KeySet.import_key_set(found)


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(f"{url}: {error}") from error


def _client(provider: IdentityProvider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(provider.client_id, provider.client_secret(), scope="openid email profile",
                         redirect_uri=redirect_uri, code_challenge_method="S256")


def start(*, session, provider: IdentityProvider, redirect_uri: str, next_url: str,
          linking_user_id: int | None = None) -> str:
    """The URL to send the person to. Several tabs may be signing in at once; old flows are dropped.
    `linking_user_id`: the flow links the provider's account to this signed-in account instead of signing in."""
    meta = metadata(provider)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = _client(provider, redirect_uri).create_authorization_url(
        meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier)
    remember_flow(session, FLOWS, state, {"provider": provider.pk, "nonce": nonce, "verifier": verifier,
                                          "next": next_url, "linking": linking_user_id})
    return url


def remember_flow(session, key: str, state: str, flow: dict) -> None:
    """Keep a sign-in under way in the session (OpenID Connect and SAML); the oldest and expired are dropped."""
    now = time.time()
    flows = {s: f for s, f in session.get(key, {}).items() if now - f["at"] < FLOW_SECONDS}
    flows = dict(sorted(flows.items(), key=lambda item: item[1]["at"])[-(MAX_OPEN_FLOWS - 1):])
    flows[state] = {**flow, "at": now}
    session[key] = flows


def take_flow(session, key: str, state: str) -> dict | None:
    """The flow under `state`, taken out whatever happens next (a state works once); None if unknown or expired."""
    flows = dict(session.get(key, {}))
    flow = flows.pop(state or "", None)
    session[key] = flows
    if flow is None or time.time() - flow["at"] >= FLOW_SECONDS:
        return None
    return flow


def finish(*, session, params, redirect_uri: str, now: float | None = None) -> Answer:
    """Check the provider's redirect back and return the ID token's claims, or raise SignInRefused."""
    flow = take_flow(session, FLOWS, params.get("state", ""))
    if flow is None:
        raise SignInRefused("unknown, used or expired state")
    if params.get("error"):
        raise SignInRefused(f"provider answered {params.get('error')}")
    provider = IdentityProvider.objects.select_related("district").filter(pk=flow["provider"], enabled=True).first()
    if provider is None or not params.get("code"):
        raise SignInRefused("provider gone or no code")
    meta = metadata(provider)
    try:
        token = _client(provider, redirect_uri).fetch_token(
            meta["token_endpoint"], grant_type="authorization_code", code=params["code"],
            code_verifier=flow["verifier"], timeout=HTTP_TIMEOUT)
    except Exception as error:  # the token endpoint's refusal or a network failure
        raise SignInRefused(f"token endpoint: {error}") from error
    id_token = token.get("id_token")
    if not id_token:
        raise SignInRefused("no id_token")
    claims = verify_id_token(provider=provider, id_token=id_token, jwks_uri=meta["jwks_uri"], nonce=flow["nonce"],
                             now=now)
    return Answer(provider=provider, claims=claims, id_token=id_token, next_url=flow["next"],
                  linking_user_id=flow.get("linking"))


def verify_id_token(*, provider: IdentityProvider, id_token: str, jwks_uri: str, nonce: str,
                    now: float | None = None) -> dict:
    """Signature against the provider's keys (re-fetched once if it rotated them), then iss, aud (and azp),
    exp, iat and nonce (joserfc)."""
    token = None
    for refresh in (False, True):
        try:
            token = jwt.decode(id_token, _keys(provider, jwks_uri, refresh=refresh), algorithms=ALGORITHMS)
            break
        except (JoseError, ValueError) as error:
            if refresh:
                raise SignInRefused(f"id_token signature: {error}") from error
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(now if now is not None else time.time()), leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": provider.issuer_url},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise SignInRefused(f"id_token claims: {error}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SignInRefused("id_token azp")
    return dict(claims)


def end_session_url(*, provider: IdentityProvider, id_token: str, after: str) -> str | None:
    """The provider's own sign-out (RP-initiated logout), when it publishes one."""
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except SignInRefused:
        return None
    if not endpoint:
        return None
    from urllib.parse import urlencode

    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": after, "client_id": provider.client_id})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

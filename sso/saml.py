"""SAML 2.0 Web Browser SSO, SP-initiated, through pysaml2 (which checks signatures with the `xmlsec1` binary).

`start` sends an AuthnRequest by HTTP-Redirect and keeps (RelayState -> provider, request ID) in the session,
like the OpenID Connect flows; `finish` takes that entry out (it works once) and checks the Response that the
identity provider POSTed to the Assertion Consumer Service: signed (the Response or its assertion) by the
certificate the district entered, issued by the provider's entity ID, Audience = Waypoint's entity ID,
Destination = the ACS, within NotBefore/NotOnOrAfter, and InResponseTo = the request this session sent.
Anything wrong raises `SignInRefused`. The claims handed to services.match are the NameID as `sub`, the
assertion's attributes (first value each) and, for matching by email, `email` with `email_verified` only when
the district says the provider's emails are its own: the same matching and linking as OpenID Connect."""

from __future__ import annotations

import base64
import re
import secrets
import shutil
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from .models import IdentityProvider
from .oidc import SignInRefused, remember_flow, take_flow

FLOWS = "sso_saml_flows"  # session key: RelayState -> flow
PARKED_SECONDS = 120
MAX_RESPONSE_CHARS = 200_000
XMLSEC = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"  # Debian's xmlsec1 package
ALGORITHM = re.compile(r"""Algorithm=["']([^"']+)""")
WEAK = re.compile(r"(sha1|md5|ripemd160)$", re.I)
PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


@dataclass(frozen=True)
class Answer:
    provider: IdentityProvider
    claims: dict
    next_url: str


def base_url(request) -> str:
    return settings.WAYPOINT_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


def sp_entity_id(request) -> str:
    """Waypoint's entity ID: its metadata URL, one for the whole deployment."""
    return base_url(request) + reverse("sso:saml-metadata")


def acs_url(request) -> str:
    return base_url(request) + reverse("sso:saml-acs")


def _idp_metadata(provider: IdentityProvider) -> str:
    """The provider's metadata, written from the three things the district entered."""
    keys = "".join(
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{_attr(''.join(body.split()))}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        for body in PEM.findall(provider.saml_certificate))
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{_attr(provider.issuer_url)}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f'{keys}<md:SingleSignOnService Binding="{BINDING_HTTP_REDIRECT}" '
        f'Location="{_attr(provider.saml_sso_url)}"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>")


def _config(request, provider: IdentityProvider | None = None) -> SPConfig:
    config = SPConfig()
    config.load({
        "entityid": sp_entity_id(request),
        "xmlsec_binary": XMLSEC,
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,
        "service": {"sp": {
            "name": "Waypoint",
            "endpoints": {"assertion_consumer_service": [(acs_url(request), BINDING_HTTP_POST)]},
            "allow_unsolicited": False,  # IdP-initiated sign-in is refused: InResponseTo must be ours
            "authn_requests_signed": False,
            "want_response_signed": False,
            "want_assertions_signed": False,
            "want_assertions_or_response_signed": True,  # IdPs sign one or the other; unsigned is refused
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
        }},
        "metadata": {"inline": [_idp_metadata(provider)] if provider else []},
    })
    return config


def sp_metadata(request) -> str:
    """Waypoint's SP metadata (XML) for the districts' IT: entity ID, persistent NameID, the ACS (HTTP-POST).
    Written here rather than by pysaml2, whose metadata would advertise every algorithm xmlsec1 knows (MD5 too)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{_attr(sp_entity_id(request))}">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" '
        'AuthnRequestsSigned="false" WantAssertionsSigned="true">'
        f"<md:NameIDFormat>{NAMEID_FORMAT_PERSISTENT}</md:NameIDFormat>"
        f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{_attr(acs_url(request))}" index="0" '
        'isDefault="true"/></md:SPSSODescriptor></md:EntityDescriptor>\n')


def _attr(value: str) -> str:
    return escape(value)  # & < > " ' as XML character references


def start(*, session, request, provider: IdentityProvider, next_url: str) -> str:
    """The provider's URL carrying the AuthnRequest (HTTP-Redirect binding)."""
    relay_state = secrets.token_urlsafe(32)
    try:
        client = Saml2Client(_config(request, provider))
        request_id, info = client.prepare_for_authenticate(
            entityid=provider.issuer_url, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT)
    except Exception as error:  # the district's settings do not make a usable provider (certificate, URL)
        raise SignInRefused(f"SAML provider settings: {type(error).__name__}: {error}") from error
    remember_flow(session, FLOWS, relay_state, {"provider": provider.pk, "request": request_id, "next": next_url})
    return dict(info["headers"])["Location"]


def park(data) -> str | None:
    """The ACS's POST keeps the Response for a short while under a random key (see views.saml_acs)."""
    response, relay_state = data.get("SAMLResponse", ""), data.get("RelayState", "")
    if not response or len(response) > MAX_RESPONSE_CHARS or len(relay_state) > 200:
        return None
    key = secrets.token_urlsafe(32)
    cache.set(f"sso:saml:parked:{key}", {"response": response, "relay_state": relay_state}, PARKED_SECONDS)
    return key


def unpark(key: str) -> dict | None:
    found = cache.get(f"sso:saml:parked:{key}")
    return found if found is not None and cache.delete(f"sso:saml:parked:{key}") else None  # one use


def _weak_algorithm(response: str) -> str | None:
    """SHA-1 and MD5 signatures or digests are refused (xmlsec1 would still accept them)."""
    try:
        xml = base64.b64decode(response, validate=False).decode("utf-8", "replace")
    except ValueError:
        return None  # pysaml2 refuses what is not base64 XML
    return next((found for found in ALGORITHM.findall(xml) if WEAK.search(found)), None)


def finish(*, session, request, response: str, relay_state: str) -> Answer:
    flow = take_flow(session, FLOWS, relay_state)
    if flow is None:
        raise SignInRefused("unknown, used or expired SAML RelayState")
    provider = IdentityProvider.objects.select_related("district").filter(
        pk=flow["provider"], enabled=True, protocol=IdentityProvider.Protocol.SAML).first()
    if provider is None:
        raise SignInRefused("provider gone")
    if weak := _weak_algorithm(response):
        raise SignInRefused(f"SAML response signed with a weak algorithm: {weak}")
    client = Saml2Client(_config(request, provider))
    try:
        answer = client.parse_authn_request_response(response, BINDING_HTTP_POST,
                                                     outstanding={flow["request"]: flow["next"]})
    except Exception as error:  # pysaml2 raises many kinds: signature, audience, time, InResponseTo, XML
        raise SignInRefused(f"SAML response: {type(error).__name__}: {error}") from error
    if answer is None or answer.issuer() != provider.issuer_url or answer.in_response_to != flow["request"]:
        raise SignInRefused("SAML response not for this request or provider")
    if answer.name_id is None or not (answer.name_id.text or "").strip():
        raise SignInRefused("SAML assertion without a NameID")
    return Answer(provider=provider, claims=claims(provider, answer), next_url=flow["next"])


def claims(provider: IdentityProvider, answer) -> dict:
    """What services.match reads, built from the checked assertion. pysaml2 gives well-known attributes their
    friendly names (urn:oid:0.9.2342.19200300.100.1.3 -> mail, Microsoft's .../claims/emailaddress ->
    emailAddress, urn:oid:2.16.840.1.113730.3.1.3 -> employeeNumber); others keep the name the provider sent."""
    found = {name: values[0] for name, values in answer.ava.items() if values and isinstance(values[0], str)}
    found["sub"] = answer.name_id.text.strip()
    if provider.match_by == IdentityProvider.Match.EMAIL:
        found["email"] = found.get(provider.match_claim) if provider.match_claim else (
            found.get("email") or found.get("mail") or found.get("emailAddress"))
        found["email_verified"] = provider.saml_emails_verified
    context = answer.authn_info()
    if context:
        found["acr"] = context[0][0]  # the AuthnContextClassRef, for the district's two-step values
    return found


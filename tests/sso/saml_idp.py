"""A SAML 2.0 identity provider for the tests: pysaml2's own IdP (saml2.server.Server) with a key pair made
here with `cryptography`, answering Waypoint's AuthnRequests with signed (or deliberately wrong) Responses."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from sso.saml import XMLSEC

IDP_ENTITY_ID = "https://idp.district.test/saml/metadata"
SSO_URL = "https://idp.district.test/saml/sso"
SP_ENTITY_ID = "http://testserver/sign-in/saml/metadata/"
ACS_URL = "http://testserver/sign-in/saml/acs/"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def key_pair(folder: Path, name: str) -> tuple[Path, Path, str]:
    """An RSA key and a self-signed certificate (files for pysaml2; the PEM for the district's form)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256()))
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_file.write_text(pem)
    return key_file, cert_file, pem


def sp_metadata() -> str:
    return (f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{SP_ENTITY_ID}">'
            '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{ACS_URL}" index="0"/>'
            "</md:SPSSODescriptor></md:EntityDescriptor>")


class SamlTestProvider:
    def __init__(self, folder: Path, name: str = "idp", entity_id: str = IDP_ENTITY_ID):
        self.key_file, self.cert_file, self.certificate = key_pair(folder, name)
        config = IdPConfig()
        config.load({
            "entityid": entity_id,
            "xmlsec_binary": XMLSEC,  # the one the product uses (sso.saml)
            "key_file": str(self.key_file), "cert_file": str(self.cert_file),
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)]},
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                       "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"}},
            }},
            "metadata": {"inline": [sp_metadata()]},
        })
        self.server = Server(config=config)

    def request_id(self, location: str) -> str:
        """The AuthnRequest Waypoint redirected the browser with (checked like an IdP would)."""
        query = parse_qs(urlparse(location).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        return request.message.id

    def response(self, in_response_to: str, subject: str, attributes: dict | None = None, *,
                 audience: str = SP_ENTITY_ID, sign_assertion: bool = True, sign_response: bool = False,
                 context: str = PASSWORD_CONTEXT, sign_alg: str = SIG_RSA_SHA256, digest_alg: str = DIGEST_SHA256) -> str:
        """A base64 SAMLResponse, as the IdP's page would POST it to the ACS (RSA-SHA256 unless told)."""
        response = self.server.create_authn_response(
            identity=attributes or {}, in_response_to=in_response_to, destination=ACS_URL,
            sp_entity_id=audience, name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={"class_ref": context, "authn_auth": IDP_ENTITY_ID},
            sign_assertion=sign_assertion, sign_response=sign_response, sign_alg=sign_alg, digest_alg=digest_alg)
        return base64.b64encode(str(response).encode()).decode()

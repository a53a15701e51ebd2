"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data Integrity EdDSA Cryptosuites v1.0).

Sign and verify: the document and the proof options are each canonicalised (RDF Dataset Canonicalization,
RDFC-1.0 = URDNA2015) and hashed with SHA-256; the Ed25519 signature covers proof hash + document hash. JSON-LD
contexts are read from the copies in credentials/spec/contexts only: no context is ever fetched.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _
from pyld import jsonld
from pyld.documentloader.frozen import FrozenDocumentLoader

CONTEXTS = Path(__file__).parent / "spec" / "contexts"
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": CONTEXTS / "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": CONTEXTS / "ob-v3p0-context-3.0.3.json",
    # Read when verifying a CLR 2.0 learner record (the spec's signed test vector names both).
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": CONTEXTS / "clr-v2p0-context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": CONTEXTS / "ob-v3p0-extensions.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
ED25519_MULTICODEC = b"\xed\x01"


class ProofError(Exception):
    """The proof is missing, malformed, made with an unknown key, or does not match the document."""


def _loader():
    return FrozenDocumentLoader(documents=dict(CONTEXT_FILES))


def canonize(document: dict) -> str:
    """The RDFC-1.0 canonical N-Quads of `document`; refuses contexts not held locally."""
    try:
        return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                           "documentLoader": _loader(), "safe": True})
    except jsonld.JsonLdError as error:
        raise ProofError(_("The document cannot be read as JSON-LD: %(error)s") % {"error": error}) from error


def multikey(public: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return "z" + base58.b58encode(ED25519_MULTICODEC + public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ProofError(_("The key is not base58btc multibase"))
    raw = base58.b58decode(value[1:])
    if not raw.startswith(ED25519_MULTICODEC) or len(raw) != 34:
        raise ProofError(_("The key is not an Ed25519 multikey"))
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def _hash_data(unsecured: dict, options: dict) -> bytes:
    options = {**options, "@context": unsecured["@context"]}
    return (hashlib.sha256(canonize(options).encode()).digest()
            + hashlib.sha256(canonize(unsecured).encode()).digest())


def sign(document: dict, private: Ed25519PrivateKey, verification_method: str, created: str) -> dict:
    """`document` with a DataIntegrityProof added."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signature = private.sign(_hash_data(unsecured, options))
    # A list: the OB 3.0 schema types `proof` as an array.
    return {**copy.deepcopy(unsecured), "proof": [{**options, "proofValue": "z" + base58.b58encode(signature).decode()}]}


def verify(document: dict, resolve_key: Callable[[str], Ed25519PublicKey | None]) -> dict:
    """Check every eddsa-rdfc-2022 proof of `document`; returns the document without its proof. `resolve_key`
    turns a verificationMethod into the trusted public key, or None when it is not trusted."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    if not proofs:
        raise ProofError(_("The document has no proof"))
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    for proof in proofs:
        if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
            raise ProofError(_("Unsupported proof: %(proof)s") % {"proof": json.dumps(proof)[:120]})
        if proof.get("proofPurpose") != "assertionMethod":
            raise ProofError(_("The proof is not for assertionMethod"))
        public = resolve_key(str(proof.get("verificationMethod", "")))
        if public is None:
            raise ProofError(_("The proof's key %(key)r is not a key of a trusted issuer") % {"key": proof.get("verificationMethod")})
        value = str(proof.get("proofValue", ""))
        if not value.startswith("z"):
            raise ProofError(_("The proof value is not base58btc multibase"))
        options = {key: item for key, item in proof.items() if key != "proofValue"}
        try:
            public.verify(base58.b58decode(value[1:]), _hash_data(unsecured, options))
        except (InvalidSignature, ValueError) as error:
            raise ProofError(_("The signature does not match the document")) from error
    return unsecured

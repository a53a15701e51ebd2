"""Signing keys per district: the private half from a key file or the environment, never from the database.

Each issuer has one active key per algorithm (RS256, the algorithm every OB 3.0 verifier must support, and
Ed25519, which also signs the Data Integrity proof of the .json copy). Rotating a key retires the old one but
keeps it in the published JWK set, so credentials signed before the rotation still verify by their `kid`.

Where private keys come from, in order: the environment variable WAYPOINT_CREDENTIAL_KEY_<NAME> (a PEM, NAME in
capitals with dashes as underscores), then the file CREDENTIALS_KEY_DIR/<name>.pem. With CREDENTIALS_DEV_KEYS on
(the embedded development default, and tests) a missing key is created in the key folder; in production a
missing key is an ImproperlyConfigured error that says what to do.
"""

from __future__ import annotations

import os
import secrets
import warnings
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from joserfc.errors import SecurityWarning
from joserfc.jwk import KeySet, OKPKey, RSAKey

from .models import IssuerProfile, SigningKey

ALGORITHMS = (IssuerProfile.Algorithm.RS256, IssuerProfile.Algorithm.EDDSA)
# RFC 9864 names EdDSA over Ed25519 "Ed25519"; OB 3.0 and most wallets still write EdDSA. Both are accepted.
VERIFY_ALGORITHMS = ["RS256", "EdDSA", "Ed25519"]


class MissingKey(ImproperlyConfigured):
    pass


@contextmanager
def quiet_eddsa():
    """joserfc warns on the name EdDSA (RFC 9864); the OB 3.0 spec uses it, so it is expected here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        yield


def _generate(algorithm: str):
    if algorithm == IssuerProfile.Algorithm.RS256:
        return RSAKey.generate_key(2048, private=True)
    return OKPKey.generate_key("Ed25519", private=True)


def _env_name(name: str) -> str:
    return "WAYPOINT_CREDENTIAL_KEY_" + name.upper().replace("-", "_")


def _key_path(name: str) -> Path:
    return Path(settings.CREDENTIALS_KEY_DIR) / f"{name}.pem"


def _write_private(name: str, pem: bytes) -> None:
    folder = Path(settings.CREDENTIALS_KEY_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _key_path(name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def _read_private(key: SigningKey):
    pem = os.environ.get(_env_name(key.name))
    if pem is None and _key_path(key.name).exists():
        pem = _key_path(key.name).read_text()
    if pem is None:
        raise MissingKey(
            f"No private key for signing key {key.name!r} of {key.issuer}: set {_env_name(key.name)} to its PEM or put "
            f"{_key_path(key.name)} in place (CREDENTIALS_KEY_DIR), or rotate the issuer's keys with "
            f"`manage.py rotate_credential_keys --district {key.issuer.district_id}`.")
    model = RSAKey if key.algorithm == IssuerProfile.Algorithm.RS256 else OKPKey
    return model.import_key(pem, parameters={"kid": key.kid, "alg": key.algorithm, "use": "sig"})


@transaction.atomic
def create_key(issuer: IssuerProfile, algorithm: str) -> SigningKey:
    """A new active key for `algorithm`: the private half to the key folder, the public half to the database; the
    issuer's previous key of that algorithm is retired (and stays published)."""
    now = timezone.now()
    issuer.keys.filter(algorithm=algorithm, retired_at__isnull=True).update(retired_at=now)
    name = f"district-{issuer.district_id}-{algorithm.lower()}-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
    kid = f"{issuer.jwks_url}#{name}"
    private = _generate(algorithm)
    public = private.as_dict(private=False) | {"kid": kid, "alg": algorithm, "use": "sig"}
    key = SigningKey.objects.create(issuer=issuer, name=name, kid=kid, algorithm=algorithm, public_jwk=public)
    _write_private(name, private.as_pem(private=True))
    return key


def rotate(issuer: IssuerProfile) -> list[SigningKey]:
    return [create_key(issuer, algorithm) for algorithm in ALGORITHMS]


def active_key(issuer: IssuerProfile, algorithm: str) -> SigningKey:
    key = issuer.keys.filter(algorithm=algorithm, retired_at__isnull=True).first()
    if key is None:
        if not settings.CREDENTIALS_DEV_KEYS:
            raise MissingKey(f"{issuer} has no active {algorithm} signing key: run "
                             f"`manage.py rotate_credential_keys --district {issuer.district_id}` with CREDENTIALS_KEY_DIR set.")
        key = create_key(issuer, algorithm)
    return key


def private_key(key: SigningKey):
    """The private key for `key`; in development a key whose file is gone (a fresh checkout) is replaced."""
    try:
        return _read_private(key)
    except MissingKey:
        if not settings.CREDENTIALS_DEV_KEYS:
            raise
    fresh = create_key(key.issuer, key.algorithm)
    return _read_private(fresh)


def signing_key(issuer: IssuerProfile, algorithm: str):
    """(SigningKey row, private joserfc key) for the issuer's active key of `algorithm`."""
    key = active_key(issuer, algorithm)
    private = private_key(key)
    if private.kid != key.kid:
        key = issuer.keys.get(kid=private.kid)
    return key, private


def jwks(issuer: IssuerProfile) -> dict:
    """The issuer's published JWK set: every key it ever signed with, retired ones included."""
    return {"keys": [key.public_jwk for key in issuer.keys.all()]}


def published_key_set() -> KeySet:
    """Every issuer's public keys, for verifying here without the network."""
    return KeySet.import_key_set({"keys": list(SigningKey.objects.values_list("public_jwk", flat=True))})

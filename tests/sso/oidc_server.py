"""The test identity provider (tests/sso/provider) as a subprocess on a free loopback port."""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.infra.servers import free_port, wait_for

REPO = Path(__file__).resolve().parents[2]
CLIENT_ID = "waypoint-test-client"
CLIENT_SECRET = "waypoint-test-secret-0123456789"  # nosec B105: the test provider's only client
PASSWORD = "provider-password"  # nosec B105

# People the provider knows. Waypoint's demo-like accounts are made by each test; `stranger` has none.
PEOPLE = {
    "teacher": {"claims": {"email": "teacher@district.test", "email_verified": True, "name": "Tess Teacher",
                           "amr": ["pwd", "mfa"]}},
    "student": {"claims": {"email": "maya.student@district.test", "email_verified": True,
                           "sourced_id": "stu-0001"}},
    "stranger": {"claims": {"email": "stranger@elsewhere.test", "email_verified": True, "sourced_id": "nobody"}},
    "unverified": {"claims": {"email": "teacher@district.test", "email_verified": False}},
    # A parent's own Google account, with the same verified email as her Waypoint account (tests/sso/conftest.py).
    "family": {"claims": {"email": "parent@family.test", "email_verified": True, "name": "Pat Parent"}},
}


def _rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


class TestIdentityProvider:
    """Start with the redirect URIs Waypoint will use; `issuer` is what its tokens and discovery say."""

    __test__ = False

    def __init__(self, redirect_uris: list[str]):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/o"
        self.base = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="waypoint-idp-"))
        env = {
            **os.environ,
            "PROVIDER_DB": str(self.workdir / "provider.sqlite3"),
            "PROVIDER_RSA_KEY": _rsa_pem(),
            "PROVIDER_ISSUER": self.issuer,
            "PROVIDER_PEOPLE": json.dumps({name: {**p, "password": PASSWORD} for name, p in PEOPLE.items()}),
            "PROVIDER_CLIENT": json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                           "redirect_uris": redirect_uris}),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.log = open(self.workdir / "provider.log", "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "tests.sso.provider.serve", str(self.port)],
                                        cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=1).status == 200,
                     "the test identity provider", 60)
        except Exception:
            self.stop()
            raise RuntimeError((self.workdir / "provider.log").read_text()[-3000:])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()

"""The password, session and cookie policy of the production settings, read from a production process
(quality.md T5.1, T5.3, T6.2). Each assertion names one setting, so weakening any one of them (dropping the
common-password validator, SameSite=None, plain cookie names, a shorter idle limit) fails here.

The policy is read in a subprocess started with production environment variables, because the test
process runs with DEBUG on and a fast hasher (tests/conftest.py) and would check the wrong values."""

import json
import secrets
import string

import pytest

from tests.infra.test_deploy_check import manage, production_env

PROBE = """
import json
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

def accepted(password):
    try:
        validate_password(password)
    except ValidationError:
        return False
    return True

hasher = get_hasher()
names = ("SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "SESSION_COOKIE_AGE", "SESSION_ENGINE", "WAYPOINT_IDLE_TIMEOUT",
         "CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE")
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "hasher": {"algorithm": hasher.algorithm, "iterations": getattr(hasher, "iterations", None)},
    "accepted": {password: accepted(password) for password in PASSWORDS},
}))
"""

LOWER = string.ascii_lowercase
PASSWORDS = {  # random letters, so only the rule under test can refuse them
    "11 characters": "".join(secrets.choice(LOWER) for _ in range(11)),
    "12 characters, lowercase only (no composition rule)": "".join(secrets.choice(LOWER) for _ in range(12)),
    "64 characters": "".join(secrets.choice(LOWER) for _ in range(64)),
    "128 characters": "".join(secrets.choice(LOWER) for _ in range(128)),
    "129 characters": "".join(secrets.choice(LOWER) for _ in range(129)),
    "on the common list": "qwerty123456",
}
EXPECTED = {  # accepted?
    "11 characters": False,
    "12 characters, lowercase only (no composition rule)": True,
    "64 characters": True,
    "128 characters": True,
    "129 characters": False,
    "on the common list": False,
}


@pytest.fixture(scope="module")
def production():
    probe = f"PASSWORDS = {list(PASSWORDS.values())!r}\n{PROBE}"
    result = manage("shell", "-c", probe, env=production_env())
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    facts["accepted"] = {label: facts["accepted"][password] for label, password in PASSWORDS.items()}
    return facts


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_t5_1_password_policy(production, label):
    """T5.1 (ASVS 2.1.1, 2.1.2, 2.1.7, 2.1.9): 12 to 128 characters, no composition rule, common list refused."""
    assert production["accepted"][label] is EXPECTED[label]


def test_t5_1_passwords_are_stored_with_a_slow_hash(production):
    """T5.1 (ASVS 2.4): PBKDF2 at 1,000,000 iterations or more (Django 5.2's default), or Argon2."""
    hasher = production["hasher"]
    assert hasher["algorithm"] == "argon2" or (hasher["algorithm"] == "pbkdf2_sha256" and hasher["iterations"] >= 1_000_000)


@pytest.mark.parametrize(("name", "expected"), [
    ("SESSION_COOKIE_SECURE", True),
    ("SESSION_COOKIE_HTTPONLY", True),
    ("SESSION_COOKIE_SAMESITE", "Lax"),
    ("SESSION_ENGINE", "django.contrib.sessions.backends.db"),
    ("CSRF_COOKIE_SECURE", True),
    ("CSRF_COOKIE_SAMESITE", "Lax"),
])
def test_t5_3_session_and_csrf_cookies(production, name, expected):
    """T5.3 (ASVS 3.4.1-3.4.3): Secure, HttpOnly, SameSite=Lax; sessions in the database (they outlive Redis)."""
    assert production["settings"][name] == expected


@pytest.mark.parametrize("name", ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME"])
def test_t5_3_cookies_carry_the_host_prefix(production, name):
    """T5.3 (ASVS 3.4.4): `__Host-` names, so no subdomain can set or overwrite them."""
    assert production["settings"][name].startswith("__Host-")


def test_t5_3_session_lifetimes(production):
    """T5.3 (ASVS 3.3.2, level 2): 12 hours at most, 30 minutes idle at most."""
    assert 0 < production["settings"]["SESSION_COOKIE_AGE"] <= 12 * 3600
    assert 0 < production["settings"]["WAYPOINT_IDLE_TIMEOUT"] <= 30 * 60

"""Two-factor sign-in: an authenticator app (TOTP) with one-time backup codes, through django-otp.

Whether a person must use it is decided above accounts (a district setting read by roster);
this module only sets devices up and checks codes.
"""

import secrets
from dataclasses import dataclass
from base64 import b32encode

import segno

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

BACKUP_CODE_COUNT = 10


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up: reused until confirmed, so a reload shows the same key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as a QR code image (an SVG data URI: no extra request, allowed by the CSP)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def base32_key(device: TOTPDevice) -> str:
    """The same key to type by hand, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_authenticator(*, user: User, token: str) -> Enrolment | None:
    """Confirm the pending authenticator with a first code. Returns the device and fresh backup codes, or None.

    - checks the code against the unconfirmed device (a used code cannot be used again: django-otp
      keeps the last time step);
    - confirms it, removes any older authenticator, and replaces the backup codes.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    return Enrolment(device=device, backup_codes=replace_backup_codes(user=user))


def replace_backup_codes(*, user: User) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Backup codes"})
    static.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def verify_code(*, user: User, token: str):
    """The device that accepts this code (authenticator or an unused backup code), or None."""
    token = _digits(token)
    if not token:
        return None
    for device in devices_for_user(user, for_verify=True):
        if device.verify_token(token):
            return device
    return None


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())[:8]

"""Two-factor sign-in: an authenticator app (TOTP) with one-time backup codes, through django-otp.

Whether a person must use it is decided above accounts (a district setting read by roster);
this module only sets devices up and checks codes.
"""

import secrets
from base64 import b32encode
from dataclasses import dataclass

import segno

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import security_events
from .models import SecurityEvent, User

BACKUP_CODE_COUNT = 10
# Wrong codes one sign-in may enter before it is ended and the password asked again. django-otp's own
# throttling (a wait of 1, 2, 4, 8... seconds after each failure, kept on the device) holds across sign-ins.
MAX_CODE_TRIES = 5


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
def confirm_authenticator(*, user: User, token: str, ip_address: str | None = None) -> Enrolment | None:
    """Confirm the pending authenticator with a first code. Returns the device and fresh backup codes, or None.

    - checks the code against the unconfirmed device (a used code cannot be used again: django-otp
      keeps the last time step);
    - only then removes the older authenticator, and replaces the backup codes;
    - writes the change to the account's trail and emails the owner.
    Replacing an authenticator needs a verified sign-in and the password again: the view asks both
    (`reauthenticate`), because a password alone must never be enough to swap the second step.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(_digits(token)):
        return None
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0] > 0
    device.confirmed = True
    device.save()
    kind = SecurityEvent.Kind.AUTHENTICATOR_REPLACED if replaced else SecurityEvent.Kind.TWO_FACTOR_ON
    security_events.record(user=user, kind=kind, ip_address=ip_address)
    return Enrolment(device=device, backup_codes=replace_backup_codes(user=user))


def reauthenticate(*, user: User, secret: str) -> bool:
    """The account's password, or one of its unused backup codes (used up by this check)."""
    if secret and user.check_password(secret):
        return True
    digits = _digits(secret)
    if len(digits) != 8 or digits != secret.strip().replace(" ", ""):
        return False
    return any(device.verify_token(digits) for device in StaticDevice.objects.filter(user=user, confirmed=True))


def seconds_to_wait(user: User) -> int:
    """0 when a code can be tried now; else how long django-otp's throttling asks to wait for every device."""
    waits = []
    for device in devices_for_user(user, for_verify=True):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return 0
        until = (data or {}).get("locked_until")
        waits.append(max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1)
    return min(waits, default=0)


def record_too_many_codes(*, user: User, ip_address: str | None) -> None:
    """A sign-in that knew the password and failed the second step: the owner must hear of it."""
    security_events.record(user=user, kind=SecurityEvent.Kind.WRONG_CODES, ip_address=ip_address)


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
    return "".join(ch for ch in token if ch in "0123456789")[:8]

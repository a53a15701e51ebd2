"""One-use sign-in links for families (quality.md T5): emailed to the account's own address, in its language.

- only family accounts (guardians) that are active and have accepted their invitation (a password set);
- 15 minutes, one use, bound to the account; only a SHA-256 of the token is stored;
- at most 3 links an account in 15 minutes; asking never says whether the email has an account;
- a used, expired or unknown link counts as a failed sign-in for django-axes (the same lockout as passwords),
  and a locked-out account cannot use a link either.
The email goes after commit through a task carrying the token (the row keeps only its hash), so a lost task
is not resent: the person asks again.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.lockouts import coarse_network
from accounts.models import User
from accounts.owner_email import send_to_owner
from notifications.outbox import send_once
from .models import SignInLink
from .policy import is_family_account

MAX_LINKS = 3
WINDOW = timedelta(minutes=15)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def eligible(email: str) -> User | None:
    """A family account (roster's standing: an active guardianship, never User.role) that accepted its invitation."""
    user = User.objects.filter(email=email.strip().lower()).first()
    return user if is_family_account(user) else None


def request_link(*, email: str, ip_address: str | None) -> SignInLink | None:
    """Make and queue a link when the email is a family account that may have one now; else nothing."""
    user = eligible(email)
    if user is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per account
        if SignInLink.objects.filter(user=user, created_at__gt=now - WINDOW).count() >= MAX_LINKS:
            return None
        token = secrets.token_urlsafe(32)
        link = SignInLink.objects.create(user=user, token_hash=_hash(token), created_at=now,
                                         expires_at=now + timedelta(minutes=SignInLink.VALID_MINUTES),
                                         network=coarse_network(ip_address))
        transaction.on_commit(lambda: _queue(link.pk, token), robust=True)
    return link


def _queue(link_id: int, token: str) -> None:
    from .tasks import send_sign_in_link

    send_sign_in_link.delay(link_id=link_id, token=token)


def send(*, link_id: int, token: str) -> bool:
    link = SignInLink.objects.select_related("user").get(pk=link_id)
    url = settings.WAYPOINT_BASE_URL.rstrip("/") + reverse("sso:link-sign-in", kwargs={"token": token})

    def deliver() -> None:
        send_to_owner(link.user, "sign_in_link", lambda: {
            "url": url, "minutes": SignInLink.VALID_MINUTES})

    return send_once(SignInLink.objects.filter(pk=link_id, used_at=None), "sent_at", deliver, to=[link.user.email])


def find(token: str) -> SignInLink | None:
    """The link of this token, whatever its state (None: no such link)."""
    if not token or len(token) > 100:
        return None
    return SignInLink.objects.select_related("user").filter(token_hash=_hash(token)).first()


def usable(link: SignInLink | None) -> bool:
    return (link is not None and link.used_at is None and link.expires_at > timezone.now()
            and link.user.is_active)


def use(*, token: str, request) -> User | None:
    """Spend the link (once, even with two clicks at the same time) and return its account, or None. A refused
    link is a failed sign-in of its account for django-axes."""
    link = find(token)
    if usable(link) and SignInLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now()) == 1:
        return link.user
    if link is not None:
        user_login_failed.send(sender=__name__, credentials={"username": link.user.email}, request=request)
    return None

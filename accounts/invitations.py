"""Invitations: a signed, single-use, expiring first sign-in link for accounts an import created."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications import outbox

from .models import Invitation, User

logger = logging.getLogger(__name__)
SALT = "accounts.invitation"


def token_for(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a link names, or None if the link is tampered, reused, replaced or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=Invitation.VALID_DAYS))
    except signing.BadSignature:  # includes SignatureExpired
        return None
    invitation = Invitation.objects.select_related("user").filter(pk=data.get("i")).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("n", ""))):
        return None
    if invitation.state != "pending" or not invitation.user.is_active:
        return None
    return invitation


def invite(*, users: Iterable[User], invited_by: User) -> list[Invitation]:
    """Open an invitation for each active person who has no password and no open invitation; email after commit."""
    now = timezone.now()
    with transaction.atomic():
        candidates = [u for u in users if u.is_active and not u.has_usable_password()]
        open_ids = set(Invitation.objects.filter(user__in=candidates, accepted_at=None).values_list("user_id", flat=True))
        created = Invitation.objects.bulk_create(
            [Invitation(user=u, invited_by=invited_by, nonce=secrets.token_hex(16), expires_at=now + timedelta(days=Invitation.VALID_DAYS))
             for u in candidates if u.pk not in open_ids]
        )
        ids = list(Invitation.objects.filter(user__in=[i.user for i in created], accepted_at=None).values_list("pk", flat=True))
        transaction.on_commit(lambda: _queue(ids), robust=True)
    return created


def resend(*, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working) valid for another VALID_DAYS days."""
    with transaction.atomic():
        invitation.nonce = secrets.token_hex(16)
        invitation.expires_at = timezone.now() + timedelta(days=Invitation.VALID_DAYS)
        invitation.save(update_fields=["nonce", "expires_at"])
        transaction.on_commit(lambda: _queue([invitation.pk]), robust=True)
    return invitation


def _queue(ids: list[int]) -> None:
    from .tasks import task_send_invitations

    task_send_invitations.delay(invitation_ids=ids)


def render_invitation(*, user: User, link: str) -> tuple[str, str]:
    """The invitation email (subject, body) in the person's language: what is sent, and what the district
    administrator previews before sending (the preview passes a stand-in for the link)."""
    with translation.override(user.preferred_language):
        context = {"user": user, "link": link, "days": Invitation.VALID_DAYS}
        subject = render_to_string("accounts/emails/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/emails/invitation.txt", context)
    return subject, body


def send_invitation(*, invitation: Invitation, base_url: str) -> bool:
    """Email the current link once: claim it with a conditional UPDATE, release the claim if sending fails.
    A mail server that says no is recorded (T8.6): for now, raised for the task to retry; for good, shown
    to the district administrator, whose "Send again" queues this again."""
    owed = Invitation.objects.filter(pk=invitation.pk, nonce=invitation.nonce, accepted_at=None).exclude(
        sent_nonce=invitation.nonce
    )
    if owed.update(sent_nonce=invitation.nonce, sent_at=timezone.now(), send_count=F("send_count") + 1) != 1:
        return False  # already sent by an earlier try, replaced by a newer link, or accepted
    user = invitation.user
    link = base_url.rstrip("/") + reverse("accounts:invitation-accept", kwargs={"token": token_for(invitation)})
    subject, body = render_invitation(user=user, link=link)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as error:
        Invitation.objects.filter(pk=invitation.pk, sent_nonce=invitation.nonce).update(
            sent_nonce=invitation.sent_nonce, send_count=F("send_count") - 1
        )
        if not isinstance(error, OSError):  # connection errors and every smtplib.SMTPException
            raise
        failure = outbox.record_failure(kind=INVITATION_EMAIL, object_id=invitation.pk, to=[user.email], error=error)
        if failure.state == failure.State.RETRYING:
            raise outbox.TransientEmailError(f"invitation #{invitation.pk}: {failure.error}") from error
        return False
    outbox.forget_retries(kind=INVITATION_EMAIL, object_id=invitation.pk)
    return True


INVITATION_EMAIL = outbox.kind_of(Invitation, "sent_at")


def _send_again(invitation_id: int) -> None:
    _queue([invitation_id])


outbox.on_send_again(INVITATION_EMAIL, _send_again)


@transaction.atomic
def accept(*, invitation: Invitation, password: str, language: str | None) -> User:
    """Set the password (and a guardian's language) and close the invitation, once.

    - claims the invitation with a conditional UPDATE: a second submit of the same link changes nothing."""
    claimed = Invitation.objects.filter(pk=invitation.pk, nonce=invitation.nonce, accepted_at=None).update(accepted_at=timezone.now())
    if claimed != 1:
        raise InvitationUsed
    user = invitation.user
    user.set_password(password)
    fields = ["password"]
    if language:
        user.preferred_language = language
        fields.append("preferred_language")
    user.save(update_fields=fields)
    return user


class InvitationUsed(Exception):
    pass

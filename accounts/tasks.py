import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from . import invitations
from .models import Invitation

logger = logging.getLogger(__name__)


@shared_task(name="accounts.send_invitations", autoretry_for=(SMTPException,), retry_backoff=True, max_retries=5)
def task_send_invitations(*, invitation_ids: list[int]) -> None:
    for invitation in Invitation.objects.select_related("user").filter(pk__in=invitation_ids, accepted_at=None):
        invitations.send_invitation(invitation=invitation, base_url=settings.WAYPOINT_BASE_URL)

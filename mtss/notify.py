"""Families are told, in their language, when their child starts or changes a tier 2 or 3 support (issue 20.6):
an outbox row per family reader (roster.access.family_readers), sent once by a task (notifications.outbox)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.outbox import send_once, sweep, unsent
from roster.access import family_readers

from .models import FamilyNotice, SupportPlan

logger = logging.getLogger(__name__)


def tell_family(plan: SupportPlan, change: str) -> int:
    """Queue the email to each family reader of the plan's student, after the transaction commits."""
    readers = family_readers(plan.student)
    FamilyNotice.objects.bulk_create([FamilyNotice(plan=plan, guardian=user, change=change) for user in readers])
    if readers:
        from . import tasks  # noqa: PLC0415 (tasks import this module)

        transaction.on_commit(lambda: tasks.send_family_notices.delay(plan_id=plan.pk), robust=True)
    return len(readers)


def send_family_notices(*, plan_id: int) -> int:
    """Send each pending email about one plan, once. Returns how many were sent now."""
    pending = unsent(FamilyNotice.objects.filter(plan_id=plan_id), "sent_at").select_related(
        "guardian", "plan__student", "plan__intervention", "plan__interventionist")
    return sum(_send(notice) for notice in pending)


def _send(notice: FamilyNotice) -> int:
    plan, reader = notice.plan, notice.guardian
    link = settings.WAYPOINT_BASE_URL.rstrip("/") + reverse("family_portal:child-supports",
                                                             kwargs={"student_id": plan.student.uuid})
    context = {"reader": reader, "plan": plan, "student": plan.student, "notice": notice, "link": link}
    with translation.override(reader.preferred_language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("mtss/emails/plan_subject.txt", context).split())
        body = render_to_string("mtss/emails/plan.txt", context)
    return int(send_once(FamilyNotice.objects.filter(pk=notice.pk), "sent_at",
                         lambda: send_mail(subject, body, None, [reader.email]), to=[reader.email]))


def sweep_outbox() -> int:
    """Send every family email still pending (a broker that was down dropped its task)."""
    plans = unsent(FamilyNotice.objects.all(), "sent_at").values_list("plan_id", flat=True).distinct()
    return sweep(plans, lambda pk: send_family_notices(plan_id=pk), "MTSS family emails")

"""The family part of a teacher's start page (roster.start_page): families' replies to the teacher's highlights."""

from datetime import date, timedelta

from django.db.models import Count, Window
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from roster.access import visible_students
from roster.start_page import SHOWN, Entry, NeedsYou, register

from .models import HighlightReply

RECENT_DAYS = 14


@register(order=20)
def family_replies(user: User, today: date) -> list[NeedsYou]:
    """Replies from families in the last RECENT_DAYS to highlights this person posted: 1 query."""
    replies = HighlightReply.objects.filter(highlight__author=user, created_at__date__gte=today - timedelta(days=RECENT_DAYS),
                                            highlight__student__in=visible_students(user))
    shown = list(replies.annotate(total=Window(Count("pk"))).select_related("highlight__student")
                 .order_by("-created_at", "-pk")[:SHOWN])  # the newest few, each row carrying the count: one query
    if not shown:
        return []
    count = shown[0].total
    return [NeedsYou(
        key="family-replies", count=count,
        label=ngettext("%(n)d family reply to your highlights in the last %(days)d days",
                       "%(n)d family replies to your highlights in the last %(days)d days", count) % {"n": count, "days": RECENT_DAYS},
        url=reverse("family_portal:student-highlights", args=[shown[0].highlight.student.uuid]), link_text=_("Read the newest"),
        entries=[Entry(r.highlight.student.display_name, r.text[:80],
                       reverse("family_portal:student-highlights", args=[r.highlight.student.uuid])) for r in shown])]

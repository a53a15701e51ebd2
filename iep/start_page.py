"""The IEP team's part of a staff member's start page (roster.start_page): goals flagged, family input waiting,
annual reviews and re-evaluations due soon, for the students on their caseload."""

from datetime import date, timedelta

from django.db.models import Count, Exists, Prefetch, Window
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from roster.access import has_caseload, reviews_anyone, visible_students
from roster.start_page import SHOWN, Entry, NeedsYou, register

from .models import Goal, IEPInput, IEPPlan, ProgressPoint
from .selectors import reviewable_students, status_of

DUE_SOON_DAYS = 60


def _caseload(user: User):
    """The students on the user's caseload (case manager or service provider) that the door lets them see."""
    return visible_students(user).filter(caseload_entries__staff=user, caseload_entries__is_active=True)


def flagged_goals(user: User) -> list[Goal]:
    """Current goals of the caseload whose one status (iep.status) says the team should look: 2 queries."""
    goals = (Goal.objects.filter(plan__is_current=True, plan__student__in=_caseload(user))
             .select_related("plan__student").order_by("plan__student__last_name", "plan__student__first_name", "pk")
             .prefetch_related(Prefetch("points", queryset=ProgressPoint.objects.order_by("measured_on"))))
    return [goal for goal in goals if status_of(goal, list(goal.points.all())).needs_a_look]


@register(order=10)
def iep_needs(user: User, today: date) -> list[NeedsYou]:
    # Most teachers have no caseload and review no one's inputs: for them the answer is known without asking (P2).
    items = []
    if has_caseload(user):
        items += _flagged(user)
    if reviews_anyone(user):
        items += _waiting(user)
    if has_caseload(user):
        items += _due(user, today)
    return items


def _flagged(user: User) -> list[NeedsYou]:
    flagged = flagged_goals(user)
    if not flagged:
        return []
    return [NeedsYou(
        key="goals-flagged", count=len(flagged),
        label=ngettext("%(n)d goal flagged: its results are below the aim line",
                       "%(n)d goals flagged: their results are below the aim line", len(flagged)) % {"n": len(flagged)},
        url=reverse("iep:student-iep", args=[flagged[0].plan.student.uuid]), link_text=_("Open the first one"),
        entries=[Entry(g.plan.student.display_name, g.get_area_display(),
                       reverse("iep:goal-detail", args=[g.plan.student.uuid, g.pk])) for g in flagged[:SHOWN]])]


def _waiting(user: User) -> list[NeedsYou]:
    # The first few and, on each row, how many there are in all (a window count): one query. The uncorrelated EXISTS
    # is answered once, first: for someone who reviews no one's inputs now, PostgreSQL stops there instead of walking
    # every open input of the district in date order (27 ms at district scale: bench/README.md).
    reviewed = reviewable_students(user).filter(pk__in=visible_students(user))
    waiting = list(IEPInput.objects.filter(Exists(reviewed), student__in=reviewed, team=IEPInput.Team.IEP,
                                           status__in=IEPInput.OPEN_STATUSES)
                   .annotate(total=Window(Count("pk"))).select_related("student").order_by("created_at", "pk")[:SHOWN])
    if not waiting:
        return []
    count = waiting[0].total
    return [NeedsYou(
        key="inputs-waiting", count=count,
        label=ngettext("%(n)d family input waiting for an answer", "%(n)d family inputs waiting for an answer",
                       count) % {"n": count},
        url=reverse("iep:queue"), link_text=_("Open the queue"),
        entries=[Entry(i.student.display_name, _("sent %(day)s") % {"day": date_format(i.created_at.date())},
                       reverse("iep:input-detail", args=[i.student.uuid, i.pk])) for i in waiting])]


def _due(user: User, today: date) -> list[NeedsYou]:
    until = today + timedelta(days=DUE_SOON_DAYS)
    plans = list(IEPPlan.objects.filter(is_current=True, student__in=_caseload(user))
                 .select_related("student").order_by("annual_review_due", "pk"))
    items = []
    for key, field in (("reviews-due", "annual_review_due"), ("reevaluations-due", "reevaluation_due")):
        due = sorted((p for p in plans if getattr(p, field) and getattr(p, field) <= until), key=lambda p: getattr(p, field))
        if not due:
            continue
        words = {"n": len(due), "days": DUE_SOON_DAYS}
        if key == "reviews-due":
            label = ngettext("%(n)d annual review due within %(days)d days",
                             "%(n)d annual reviews due within %(days)d days", len(due)) % words
        else:
            label = ngettext("%(n)d re-evaluation due within %(days)d days",
                             "%(n)d re-evaluations due within %(days)d days", len(due)) % words
        items.append(NeedsYou(
            key=key, count=len(due), label=label,
            url=reverse("iep:student-iep", args=[due[0].student.uuid]), link_text=_("Open the soonest"),
            entries=[Entry(p.student.display_name, _late_or_due(getattr(p, field), today),
                           reverse("iep:student-iep", args=[p.student.uuid])) for p in due[:SHOWN]]))
    return items


def _late_or_due(day: date, today: date) -> str:
    if day < today:
        return _("late since %(day)s") % {"day": date_format(day)}
    return _("due %(day)s") % {"day": date_format(day)}

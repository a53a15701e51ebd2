"""The evaluations that referrals started, as a deadline source of the IEP deadlines dashboard and the review queue
(iep.deadline_sources; registered in MtssConfig.ready(), since iep may not import mtss)."""

from datetime import date

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Sum, Value, When, Window
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from iep.deadline_sources import DeadlineGroup, DeadlineRow
from iep.models import IEPPlan
from roster.access import mtss_students

from .models import Referral


def evaluations_due(user: User, *, today: date, until: date, school_id: int | None = None,
                    shown: int | None = 0) -> DeadlineGroup:
    """Evaluations due by `until` or already late, from referrals with the parent's consent, of the students `user`
    may see through `mtss.view` (roster.access.mtss_students). A student whose IEP has started is evaluated: the
    deadline is met and leaves the list. One query: the rows with their counts (a window), or the counts alone."""
    referrals = (Referral.objects.filter(student__in=mtss_students(user), evaluation_due__isnull=False,
                                         evaluation_due__lte=until)
                 .exclude(Exists(IEPPlan.objects.filter(student=OuterRef("student"), is_current=True))))
    if school_id is not None:
        referrals = referrals.filter(student__school_id=school_id)
    late = Sum(Case(When(evaluation_due__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()))
    if shown == 0:
        counts = referrals.aggregate(count=Count("pk"), late=late)
        rows, count, late_count = [], counts["count"], counts["late"] or 0
    else:
        found = list(referrals.select_related("student__school")
                     .annotate(total=Window(Count("pk")), late_total=Window(late))
                     .order_by("evaluation_due", "pk")[:shown])
        what = _("Evaluation due (referral from the MTSS team)")
        rows = [DeadlineRow(student=r.student, what=what, due=r.evaluation_due, today=today,
                            url=reverse("mtss:student", args=[r.student.uuid])) for r in found]
        count, late_count = (found[0].total, found[0].late_total or 0) if found else (0, 0)
    return DeadlineGroup(key="mtss-evaluations", heading=_("Evaluations after a referral"),
                         caption=_("Evaluations due after the MTSS team's referral, soonest first"),
                         rows=rows, count=count, late=late_count)

"""Small groups from support plans, for a class's Small groups page (paths.group_sources; registered in
MtssConfig.ready(), since paths may not import mtss): the class's students with an active tier 2 or 3 plan in the
same area, tier and intervention, in groups no larger than the intervention's group size."""

from collections import defaultdict

from django.utils.translation import gettext as _

from paths.group_sources import SourcedGroup
from paths.grouping import split_evenly
from roster.models import Section, Student

from .models import SupportPlan


def support_groups(section: Section, students: dict[int, Student]) -> list[SourcedGroup]:
    """One query. A plan of one student alone makes no group: it stays one-to-one."""
    plans = (SupportPlan.objects.filter(student_id__in=list(students), is_active=True).select_related("intervention")
             .order_by("area", "tier", "intervention__name", "student_id"))
    together: dict[tuple, list[SupportPlan]] = defaultdict(list)
    for plan in plans:
        together[(plan.area, plan.tier, plan.intervention_id)].append(plan)
    groups = []
    for members in together.values():
        if len(members) < 2:
            continue
        first, intervention = members[0], members[0].intervention
        heading = _("%(area)s, tier %(tier)s: %(intervention)s") % {
            "area": first.get_area_display(), "tier": first.tier, "intervention": intervention.name}
        # The dose in the plan page's words (templates/mtss/plan.html), one msgid for both.
        detail = _("groups up to %(size)s, %(times)s sessions a week of %(minutes)s minutes") % {
            "times": intervention.sessions_per_week, "minutes": intervention.minutes, "size": intervention.group_size}
        ordered = sorted((students[plan.student_id] for plan in members),
                         key=lambda s: (s.last_name, s.first_name, s.pk))
        groups.extend(SourcedGroup(heading=heading, detail=detail, students=chunk, focus=intervention.name)
                      for chunk in split_evenly(ordered, intervention.group_size))
    return groups

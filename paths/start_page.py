"""The paths part of a teacher's start page (roster.start_page): students behind on their path, per class."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from roster.start_page import Entry, NeedsYou, register

from . import pacing
from .models import PathStep
from .selectors import sections_for_paths


@register(order=40)
def behind_on_paths(user: User, today: date) -> list[NeedsYou]:
    """One line per class taught with students behind: 1 query whatever the number of classes and students."""
    steps = (PathStep.objects.filter(path__section__in=sections_for_paths(user).filter(teachers=user), path__is_active=True)
             .values_list("path_id", "path__section_id", "path__section__name", "target_date", "finished_on", "status")
             .order_by("path_id", "position", "pk"))
    paths: dict[int, tuple[int, list[pacing.StepDates]]] = {}
    names: dict[int, str] = {}
    for path_id, section_id, section_name, target, finished, status in steps:
        names[section_id] = section_name
        done = finished if status in PathStep.DONE else None
        paths.setdefault(path_id, (section_id, []))[1].append(pacing.StepDates(target, done))
    behind: dict[int, int] = {}
    for section_id, dates in paths.values():
        if pacing.pace(dates, today).status == pacing.BEHIND:
            behind[section_id] = behind.get(section_id, 0) + 1
    return [NeedsYou(key=f"behind-{section_id}", count=n,
                     label=ngettext("%(n)d student behind on their path in %(class)s",
                                    "%(n)d students behind on their path in %(class)s", n) % {"n": n, "class": names[section_id]},
                     url=reverse("paths:section-pacing", args=[section_id]) + "?sort=late",
                     link_text=_("See path pacing"))
            for section_id, n in sorted(behind.items(), key=lambda pair: names[pair[0]])]

"""THE status of an IEP goal: one rule, one function, for every page, chart, PDF, email and digest (issue 16.3).

`goal_status` judges a goal's results against its aim line with the decision rule (monitoring.decide) and
returns a small value: on track, not on track (with the rule that said so) or not enough data. Every channel
words that one value for its reader (staff precise, family plain, the student kind), so a goal never shows two
statuses. The flag that tells the case manager a goal needs a look is `needs_a_look`: the same value.

Pure: plain dates and numbers in, no models, no database (tests/iep/test_status.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import monitoring


class Status(str, Enum):
    ON_TRACK = "on_track"
    NOT_ON_TRACK = "not_on_track"
    NOT_ENOUGH_DATA = "not_enough_data"


class Audience(str, Enum):
    STAFF = "staff"
    FAMILY = "family"
    STUDENT = "student"


@dataclass(frozen=True)
class GoalStatus:
    status: Status
    rule: monitoring.Decision  # what the decision rule found: the reason for the status
    results: int  # how many results were judged
    window: int = monitoring.DECISION_WINDOW

    @property
    def needs_a_look(self) -> bool:
        """The goal is flagged: the case manager is told, the staff pages say so."""
        return self.status == Status.NOT_ON_TRACK

    def label(self, audience: str = Audience.STAFF) -> str:
        """The status in two or three words, for a badge or a list."""
        return _label(self.status, Audience(audience))

    def reason(self, audience: str = Audience.STAFF) -> str:
        """Why, in one sentence: the decision rule that decided it, in the reader's words."""
        return _reason(self, Audience(audience))


def goal_status(*, baseline: Decimal | float, baseline_date: date, target: Decimal | float, target_date: date,
                results: Sequence[tuple[date, Decimal | float]]) -> GoalStatus:
    """The goal's one status from its measures and its results (date, value), in any order."""
    aim = monitoring.aim_line(baseline=float(baseline), target=float(target),
                              days_to_goal=(target_date - baseline_date).days)
    xy = [((day - baseline_date).days, float(value)) for day, value in results]
    rule = monitoring.decide(xy, aim, higher_is_better=target > baseline)
    status = {monitoring.Decision.NOT_ENOUGH_DATA: Status.NOT_ENOUGH_DATA,
              monitoring.Decision.BELOW_AIM: Status.NOT_ON_TRACK}.get(rule, Status.ON_TRACK)
    return GoalStatus(status=status, rule=rule, results=len(xy))


def _label(status: Status, audience: Audience) -> str:
    if status == Status.NOT_ENOUGH_DATA:
        return _("Not enough results yet")
    if status == Status.ON_TRACK:
        return _("On track")
    if audience == Audience.STAFF:
        return _("Not on track: needs a look")
    return _("Not on track yet")


def _reason(value: GoalStatus, audience: Audience) -> str:
    n, rule = value.window, value.rule
    Decision = monitoring.Decision
    if audience == Audience.STAFF:
        if rule == Decision.NOT_ENOUGH_DATA:
            return ngettext("%(results)s result so far; the decision rule needs at least %(n)s.",
                            "%(results)s results so far; the decision rule needs at least %(n)s.",
                            value.results) % {"results": value.results, "n": n}
        if rule == Decision.BELOW_AIM:
            return _("The last %(n)s results in a row are below the aim line: the team should change the "
                     "instruction.") % {"n": n}
        if rule == Decision.ABOVE_AIM:
            return _("The last %(n)s results in a row are above the aim line: the team may raise the goal.") % {"n": n}
        return _("The last %(n)s results are not all on one side of the aim line.") % {"n": n}
    if audience == Audience.STUDENT:
        if rule == Decision.NOT_ENOUGH_DATA:
            return _("Your teachers need a few more results before they can tell how it is going.")
        if rule == Decision.BELOW_AIM:
            return _("Your last few results are under the line you are aiming for. Your teachers will try a new "
                     "way to help you.")
        if rule == Decision.ABOVE_AIM:
            return _("Your last few results are above the line you are aiming for. Great work!")
        return _("Your results are close to the line you are aiming for. Keep going!")
    if rule == Decision.NOT_ENOUGH_DATA:
        return _("There are not enough results yet to tell how it is going (at least %(n)s are needed).") % {"n": n}
    if rule == Decision.BELOW_AIM:
        return _("The last %(n)s results are below the planned progress. The team is looking at how to help, "
                 "and will change the teaching.") % {"n": n}
    if rule == Decision.ABOVE_AIM:
        return _("The last %(n)s results are above the planned progress.") % {"n": n}
    return _("The results are close to the planned progress.")

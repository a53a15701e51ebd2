"""Issue 17.5, reports that read well on paper: the first page summarises every goal in plain words (its one status
from iep.status), goals flow on from there instead of each taking a new page, and the chart draws no words inside
the plot where they could cover the dots; the same in Spanish."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from iep import services
from iep.selectors import status_of
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory

pytestmark = pytest.mark.django_db

AREAS = ["reading", "math", "writing", "behavior"]


def _texts(box) -> list[str]:
    found = [box.text] if getattr(box, "text", None) else []
    for child in getattr(box, "children", None) or []:
        found += _texts(child)
    return found


def _pages(language: str, plan, period: str) -> list[str]:
    context = services.report_context(plan=plan, period=period)
    with translation.override(language):
        html = render_to_string("iep/report_pdf.html", {**context, "LANGUAGE_CODE": language})
    return [" ".join(_texts(page._page_box)) for page in HTML(string=html, base_url="about:blank").render().pages]


@pytest.mark.parametrize("language", ["en", "es"])
def test_first_page_summarises_every_goal_and_goals_do_not_each_take_a_page(student, language):
    start = date(2026, 7, 1)
    plan = IEPPlanFactory(student=student, is_current=True, start_date=start)
    goals = []
    for i, area in enumerate(AREAS):
        goal = GoalFactory(plan=plan, area=area, baseline_date=start, baseline=Decimal("40"), target=Decimal("70"),
                           target_date=start + timedelta(days=300))
        for week in range(8):
            ProgressPointFactory(goal=goal, measured_on=start + timedelta(days=7 * week + 3),
                                 value=Decimal(40 + (week * 2 if i % 2 else 0)))
        goals.append(goal)
    pages = _pages(language, plan, "2026-Q3")
    with translation.override(language):
        first = pages[0]
        for goal in goals:
            status = status_of(goal, list(goal.points.all()))
            assert goal.get_area_display() in first
            assert status.label("family") in first
    assert len(pages) <= len(goals) + 1  # was one new page per goal after a mostly blank first page


def test_chart_draws_no_words_inside_the_plot():
    chart = Path(settings.BASE_DIR, "templates/iep/_goal_chart.html").read_text()
    svg = chart[chart.index("<g aria-hidden"):chart.index("</svg>")]
    assert "<text" not in svg

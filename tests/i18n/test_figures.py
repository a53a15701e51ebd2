"""The same figure prints the same way in a chart, its table and the PDF, in the reader's language (issue 18)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.templatetags.reader_language import measure
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "value", "written"), [
    ("en", Decimal("4.60"), "4.6"), ("es", Decimal("4.60"), "4,6"), ("es", Decimal("11.00"), "11"),
    ("es", 0.25, "0,25"), ("en", 1234.5, "1234.5"), ("es", None, ""),
])
def test_measure_writes_a_figure_as_people_write_it_in_the_readers_language(language, value, written):
    with translation.override(language):
        assert measure(value) == written


@pytest.fixture
def goal(student, case_manager, guardian):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    TeamMemberFactory(plan=plan, user=case_manager, role="case_manager")
    TeamMemberFactory(plan=plan, user=guardian, role="parent")
    goal = GoalFactory(plan=plan, baseline=Decimal("40.5"))
    for day, value in ((10, "42.5"), (17, "43.5"), (24, "44.5")):
        ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=day), value=Decimal(value))
    return goal


def _svg(body: str) -> str:
    return re.search(r'<svg class="goal-chart".*?</svg>', body, flags=re.S).group(0)


def test_a_spanish_goal_chart_writes_numbers_and_dates_like_its_table(client, guardian, student, goal):
    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    client.force_login(guardian)
    body = client.get(reverse("iep:student-iep", args=[student.uuid])).content.decode()
    svg = _svg(body)
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    # y axis: decimal comma, no ISO dates anywhere in the chart
    assert any("," in label for label in labels), labels
    assert not re.search(r"\d\.\d", " ".join(labels)) and not re.search(r"\d{4}-\d{2}-\d{2}", svg)
    # x axis: the first tick is the baseline date, written exactly as the table's first row writes it
    table_first = re.search(r'<caption id="goal-\d+-results">.*?<th scope="row">([^<]+)</th>', body, flags=re.S).group(1)
    assert table_first in labels and table_first.startswith(f"{goal.baseline_date.day} de ") and " de " in table_first
    # a result: 42,5 in the table, never 42.5
    assert "<td>42,5" in body and "<td>42.5" not in body


def test_svg_coordinates_stay_numbers_a_browser_reads_on_a_spanish_page(client, demo):
    """A Spanish page printed the competency chart's coordinates as y1="220,0", which the browser refuses."""
    from competencies.models import Evidence

    teacher = demo["teacher@demo.test"]
    teacher.preferred_language = "es"
    teacher.save(update_fields=["preferred_language"])
    evidence = Evidence.objects.filter(recorded_by=teacher).select_related("student").first()
    client.force_login(teacher)
    body = client.get(reverse("competencies:student-competency", args=[evidence.student.uuid, evidence.competency_id])).content.decode()
    svg = re.search(r'<svg class="progress-chart".*?</svg>', body, flags=re.S).group(0)
    assert not re.search(r'(?:x|y|x1|x2|y1|y2|cx|cy)="[^"]*,', svg), svg[:400]

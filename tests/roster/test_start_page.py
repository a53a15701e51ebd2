"""Issue 17.3, a teacher's day: the staff start page leads with what needs them, each with a count and a link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from paths.models import PathStep, StudentPath
from roster.models import Caseload
from tests.factories.competencies import scaled_framework
from tests.factories.iep import GoalFactory, IEPInputFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.roster import CaseloadFactory, EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _student_who_needs_you(section, case_manager, framework):
    """A caseload student with a flagged goal, an open family input, a review due in 30 days, and a path behind."""
    today = timezone.localdate()
    kid = StudentFactory(school=section.school, plan="iep")
    EnrollmentFactory(student=kid, section=section)
    CaseloadFactory(staff=case_manager, student=kid, role=Caseload.Role.CASE_MANAGER)
    plan = IEPPlanFactory(student=kid, is_current=True, start_date=today - timedelta(days=335))
    goal = GoalFactory(plan=plan)
    for days_ago in range(6):  # far below the aim line (about 50 by now): the decision rule flags it
        ProgressPointFactory(goal=goal, value=Decimal("41"), measured_on=today - timedelta(days=days_ago))
    IEPInputFactory(student=kid)
    path = StudentPath.objects.create(student=kid, section=section, framework=framework, title="Fractions",
                                      start_date=today - timedelta(days=30))
    PathStep.objects.create(path=path, position=0, title="Step 1", target_date=today - timedelta(days=10))
    return kid


def _needs(response) -> dict[str, int]:
    return {item.key: item.count for item in response.context["needs_you"]}


@pytest.mark.parametrize("item_count", [1, 4])
def test_start_page_counts_what_needs_the_teacher_in_fixed_queries(
        client, section, case_manager, item_count, django_assert_num_queries):
    """T10/P1: the same query count at 1 and 4 students; each count is exact and links to where it is acted on."""
    section.teachers.add(case_manager)
    framework = scaled_framework(title="Math")
    kids = [_student_who_needs_you(section, case_manager, framework) for _ in range(item_count)]
    client.force_login(case_manager)
    with django_assert_num_queries(12):  # the page's 5, 6 for what needs the teacher, the standing (issue 19.2); P1: at most 12
        response = client.get(reverse("roster:staff-home"))
    assert _needs(response) == {"goals-flagged": item_count, "inputs-waiting": item_count, "reviews-due": item_count,
                                f"behind-{section.pk}": item_count}
    html = response.content.decode()
    noun = "goal flagged" if item_count == 1 else "goals flagged"
    assert f"{item_count} {noun}: " in html
    assert reverse("iep:queue") in html
    assert reverse("paths:section-pacing", args=[section.pk]) + "?sort=late" in html
    assert {reverse("iep:student-iep", args=[k.uuid]) for k in kids} <= {e.url for i in response.context["needs_you"]
                                                                        if i.key == "reviews-due" for e in i.entries}


def test_start_page_shows_nothing_of_students_outside_the_door(client, section, case_manager, other_teacher):
    """The other teacher neither teaches these students nor has them on a caseload: nothing of theirs is counted."""
    _student_who_needs_you(section, case_manager, scaled_framework(title="Math"))
    client.force_login(other_teacher)
    response = client.get(reverse("roster:staff-home"))
    assert _needs(response) == {}
    assert "Nothing is waiting for you" in response.content.decode()

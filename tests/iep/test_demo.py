"""iep/demo.py on the demo district: plans and goals for every student with an IEP, goals linked to the math
class's competencies and the learner profile's reading goal, and nothing added by a second run."""

import io

import pytest
from django.core.management import call_command

from iep.models import Goal, IEPInput, IEPPlan, ProgressPoint, TeamMember
from roster.models import Student

pytestmark = pytest.mark.django_db


def _counts() -> tuple:
    return (IEPPlan.objects.count(), TeamMember.objects.count(), Goal.objects.count(), ProgressPoint.objects.count(),
            IEPInput.objects.count(), Goal.history.count(), TeamMember.history.count(),
            Goal.competencies.through.objects.count(), Goal.profile_goals.through.objects.count())


def test_demo_goals_are_linked_and_seeding_twice_adds_nothing(demo):
    maya = Student.objects.get(sourced_id="demo-student-00")
    math = Goal.objects.get(plan__student=maya, plan__is_current=True, area=Goal.Area.MATH)
    reading = Goal.objects.get(plan__student=maya, plan__is_current=True, area=Goal.Area.READING)
    assert [c.short_code for c in math.competencies.order_by("code")] == ["5.NBT.B.5", "5.NBT.B.6"]
    assert [g.description for g in reading.profile_goals.all()] == [
        "Read grade-level passages at 100 words per minute with 95% accuracy."]
    # Every IEP student in a demo math class has a linked math goal.
    in_math = Student.objects.filter(plan="iep", enrollments__section__sourced_id__startswith="demo-section-math").distinct()
    assert set(Goal.objects.filter(area=Goal.Area.MATH, competencies__isnull=False).values_list("plan__student", flat=True)) == set(
        in_math.values_list("pk", flat=True))
    before = _counts()
    call_command("seed_demo", i_know=True, stdout=io.StringIO())
    assert _counts() == before

"""seed_demo: every demo student gets a varied profile with history; running it again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from profiles.models import Accommodation, ProfileGoal, ProfileSection
from roster.models import Student

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (ProfileSection, ProfileGoal, Accommodation, ProfileSection.history.model, ProfileGoal.history.model)
    )


def test_every_demo_student_has_a_profile_with_history_and_seeding_is_idempotent(demo, client):
    students = list(Student.objects.all())
    empty = [s.sourced_id for s in students if not (
        s.profile_sections.exclude(text="").count() >= 9
        and s.profile_goals.filter(owner="student").count() == 1
        and s.profile_goals.count() >= 3
        and s.accommodations.count() >= 2
        and ProfileSection.history.filter(student_id=s.pk, history_type="~").count() == 2 + s.has_plan
    )]  # fmt: skip
    assert (len(students), empty) == (60, [])
    assert len({s.profile_sections.get(kind="strengths").text for s in students}) > 1  # varied

    before = _counts()
    call_command("seed_demo", i_know=True, stdout=io.StringIO())
    assert _counts() == before

    maya = Student.objects.get(sourced_id="demo-student-00")
    about_me = maya.profile_sections.get(kind="about_me")
    assert about_me.updated_by == demo["student@demo.test"]
    client.force_login(demo["teacher@demo.test"])
    history = client.get(reverse("profiles:history", args=[maya.uuid])).context["entries"]
    assert {e.who for e in history} == {str(demo["teacher@demo.test"]), str(demo["casemanager@demo.test"]), str(demo["student@demo.test"])}

"""The demo district's paths: what the README promises for student@ and teacher@ (product journey 3)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from paths import selectors
from paths.models import LearningSession, PathEvent, PathStep, StudentPath
from roster.models import Section, Student

pytestmark = pytest.mark.django_db


def test_demo_paths_sessions_and_idempotence(demo, client):
    maya = Student.objects.get(sourced_id="demo-student-00")
    (view,) = selectors.paths_for_student(maya)
    assert view.current is not None and view.current.step.status == PathStep.Status.OPEN
    assert {"Write a paragraph", "Make a short video"} <= {o.title for o in view.current.show}
    assert view.path.events.filter(kind=PathEvent.Kind.RESCHEDULED, actor=demo["casemanager@demo.test"]).count() == 1
    statuses = {row.pace.status for row in selectors.section_pacing(Section.objects.get(sourced_id="demo-section-math-1"))}
    assert len(statuses) >= 2  # students at different paces
    assert LearningSession.objects.filter(section__sourced_id="demo-section-math-1").count() == 2
    counts = (StudentPath.objects.count(), PathStep.objects.count(), LearningSession.objects.count(), PathEvent.objects.count())
    call_command("seed_demo", i_know=True, stdout=io.StringIO())
    assert (StudentPath.objects.count(), PathStep.objects.count(), LearningSession.objects.count(), PathEvent.objects.count()) == counts

    client.force_login(demo["student@demo.test"])
    page = client.get(reverse("paths:path-detail", args=[maya.uuid])).content.decode()
    assert "Where I am" in page and "Choose how I learn and show it" in page

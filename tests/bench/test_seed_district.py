"""seed_district and the page benchmark's floor, kept from rotting (the benchmarks themselves are not tests)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import User
from audit.models import AccessEvent
from competencies.models import Competency, Evidence, Mastery, SectionCompetency
from family_portal.models import Highlight
from iep.models import Goal, IEPInput, IEPPlan, InputEvent
from paths.models import PathStep, StudentPath
from profiles.models import ProfileSection
from roster.models import Caseload, Enrollment, Guardianship, School, Section, Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_district", students=30, seed=3, stdout=io.StringIO())


def test_seed_district_builds_every_apps_rows_at_the_asked_scale(seeded):
    """30 students: one school, one class of 30, the per-student figures of quality.md P scaled down."""
    assert Student.objects.count() == 30
    assert School.objects.count() == 1
    assert Section.objects.count() == 1
    assert Enrollment.objects.count() == 30
    assert Guardianship.objects.count() == 45  # 1.5 per student: 15,000 for 10,000
    assert User.objects.filter(role=User.Role.GUARDIAN).count() == 45
    assert Competency.objects.count() == 510
    assert SectionCompetency.objects.count() == 60
    assert Evidence.objects.count() == 30 * 100
    assert Mastery.objects.count() == Evidence.objects.values("student", "competency").distinct().count()
    assert ProfileSection.objects.count() == 30 * 6
    assert ProfileSection.history.count() >= 30 * 6
    assert AccessEvent.objects.count() == 30 * 200
    assert Highlight.objects.count() == 60
    assert StudentPath.objects.count() == 30
    assert PathStep.objects.count() == 30 * 8


def test_seed_district_respects_the_iep_rules(seeded):
    """Every IEP student has one current plan, an active case manager, three goals; inputs reach every state."""
    iep_students = Student.objects.filter(plan=Student.Plan.IEP).count()
    assert iep_students > 0
    assert IEPPlan.objects.filter(is_current=True).count() == iep_students
    assert Caseload.objects.filter(role=Caseload.Role.CASE_MANAGER, is_active=True).count() == iep_students
    assert Goal.objects.count() == 3 * iep_students
    assert IEPInput.objects.count() == 60
    assert set(IEPInput.objects.values_list("status", flat=True)) == set(IEPInput.Status.values)
    assert InputEvent.objects.filter(status=IEPInput.Status.RECEIVED).count() == 60


def test_seed_district_refuses_a_database_already_seeded(seeded):
    with pytest.raises(CommandError, match="already"):
        call_command("seed_district", students=30, seed=3, stdout=io.StringIO())
    assert Student.objects.count() == 30


@override_settings(ROOT_URLCONF="bench.urls")
def test_floor_page_runs_no_query_of_its_own(client, teacher, django_assert_num_queries):
    """The P3 floor: signed in, base template; only the session, the user and the person's standing (which the
    navigation's links come from, roster.context_processors, issue 19.2) are read."""
    client.force_login(teacher)
    with django_assert_num_queries(3):
        response = client.get(reverse("bench-floor"))
    assert response.status_code == 200
    assert b"<h1>" in response.content

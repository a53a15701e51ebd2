"""seed_district's MTSS phase (issue 20): screening, tiers, support plans with their data, at a tiny scale, and the
bench's MTSS pages answer their people (the benchmark itself is not a test: quality.md P1-P3)."""

import io
import random
from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command

from bench import subjects
from bench.seed.mtss import MtssSeeder
from bench.seed.people import PeopleSeeder
from mtss.models import (Decision, Intervention, MonitoringResult, Referral, Risk, ScreeningResult, Session, SupportPlan,
                         TeamSeat, TierChange)
from roster.models import School, Student

STUDENTS = 40


@pytest.fixture
def seeded(db):
    call_command("seed_district", students=STUDENTS, seed=2, stdout=io.StringIO())


def test_every_student_is_screened_in_three_areas_in_fall_and_winter(seeded):
    assert ScreeningResult.objects.count() == STUDENTS * 3 * 2
    assert set(ScreeningResult.objects.values_list("season", flat=True)) == {"fall", "winter"}
    assert set(ScreeningResult.objects.values_list("risk", flat=True)) <= set(Risk.values)
    assert 8 <= Intervention.objects.count() <= 10
    assert TeamSeat.objects.count() == 2 * School.objects.count()  # the principal and a special educator


def test_each_plan_has_its_tier_history_results_sessions_and_decision(seeded):
    plans = list(SupportPlan.objects.select_related("student", "interventionist"))
    assert plans and all(plan.is_active and plan.tier in (2, 3) for plan in plans)
    results, sessions = defaultdict(int), defaultdict(list)
    for plan_id in MonitoringResult.objects.values_list("plan_id", flat=True):
        results[plan_id] += 1
    for plan_id, delivered, reason in Session.objects.values_list("plan_id", "delivered", "missed_reason"):
        sessions[plan_id].append((delivered, reason))
    for plan in plans:
        assert 8 <= results[plan.pk] <= 12
        assert sessions[plan.pk] and all(delivered == (reason == "") for delivered, reason in sessions[plan.pk])
        # the interventionist works at the student's school
        assert plan.interventionist.assignments.filter(school_id=plan.student.school_id).exists()
        latest = TierChange.objects.filter(student=plan.student, area=plan.area).order_by("-changed_at", "-pk").first()
        assert latest.tier == plan.tier
        assert Decision.objects.filter(student=plan.student, area=plan.area).count() == 1
    assert Session.objects.filter(delivered=False).exists()
    assert Referral.objects.filter(consent_on__isnull=False).count() == Referral.objects.count()


def _rows(seed: int) -> list[tuple[str, dict]]:
    """Run the people and MTSS phases into a recorder (no database): what they would write, in order."""

    class Recorder:
        def __init__(self, model, rows):
            self.model, self.rows, self.pk = model, rows, 0

        def add(self, **values):
            self.pk += 1
            values.setdefault(self.model._meta.pk.attname, self.pk)
            self.rows.append((self.model._meta.label, {k: v for k, v in values.items() if k != "created_at"}))
            return values[self.model._meta.pk.attname]

    class Writers(dict):
        def __init__(self):
            super().__init__()
            self.rows = []

        def __missing__(self, model):
            self[model] = Recorder(model, self.rows)
            return self[model]

    today = date(2026, 12, 5)
    people_writers = Writers()
    people = PeopleSeeder(rng=random.Random(1), writers=people_writers, students=600, today=today).run()
    writers = Writers()
    MtssSeeder(rng=random.Random(f"mtss-{seed}"), writers=writers, people=people, today=today).run()
    return [row for row in writers.rows if not row[1].get("password")]


def test_the_mtss_phase_is_deterministic_for_a_seed_and_a_day():
    first = _rows(1)
    assert first == _rows(1)
    assert first != _rows(2)
    screened = [values for label, values in first if label == "mtss.ScreeningResult"]
    share = {risk: sum(v["risk"] == risk for v in screened) / len(screened) for risk in Risk.values}
    assert 0.03 <= share["high"] <= 0.08 and 0.11 <= share["some"] <= 0.19  # about 5 % and 15 %
    tiers = [values["tier"] for label, values in first if label == "mtss.SupportPlan"]
    assert 0.06 <= tiers.count(2) / 600 <= 0.14 and 0.01 <= tiers.count(3) / 600 <= 0.06


def test_the_bench_mtss_pages_answer_their_people(seeded, client):
    """The pages bench.pages measures: the school view for a principal on the team, a tier 3 plan and its student's
    page for the plan's interventionist (P1-P3 are measured by `python -m bench.pages`, not here)."""
    cast = subjects.cast()
    found = subjects.mtss_pages(cast)
    assert [page.role for page in found] == ["principal", "interventionist", "interventionist"]
    for page in found:
        client.force_login(cast.user(page.role))
        assert client.get(page.url).status_code == 200, page.name
    assert Student.objects.count() == STUDENTS

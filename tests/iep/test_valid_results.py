"""Valid results (issue 16, item 1): each goal's measure declares its kind and range, and one rule
(iep/results.py) refuses out-of-range, wrong-kind, non-numeric, future-dated and duplicate results on every path
that writes one, at the field, with no row written."""

import re
from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from iep import results, services
from iep.models import Goal, ProgressPoint, ResultCorrection
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory

pytestmark = pytest.mark.django_db

measure_for = import_module("iep.migrations.0007_valid_results_measures").measure_for


@pytest.fixture
def facts_goal(student, case_manager):
    """The demo's math goal: correct answers out of 25 mixed facts, whole numbers from 0 to 25."""
    return GoalFactory(plan=IEPPlanFactory(student=student, case_manager=case_manager), area=Goal.Area.MATH,
                       statement="Given 25 mixed multiplication facts, Maya will answer 20 correctly in two minutes.",
                       unit="facts correct in two minutes", baseline=Decimal(6), target=Decimal(20),
                       measure_kind=Goal.MeasureKind.COUNT, whole_numbers=True, minimum=Decimal(0), maximum=Decimal(25))


YESTERDAY = object()
BAD_VALUES = [
    ("-5", "A result of this goal is between 0 and 25 facts correct in two minutes; -5 is outside that range."),
    ("26", "A result of this goal is between 0 and 25 facts correct in two minutes; 26 is outside that range."),
    ("12.5", "This goal's results are whole numbers (facts correct in two minutes): enter 12 or 13, not 12.5."),
]


@pytest.mark.parametrize(("value", "message"), BAD_VALUES)
def test_the_service_refuses_a_result_the_measure_does_not_allow(facts_goal, case_manager, value, message):
    """The service call itself (the API every other path uses): refused at the field, no row, no flag."""
    with pytest.raises(services.ResultRefused) as refused:
        services.record_progress(goal=facts_goal, measured_on=timezone.localdate(), value=Decimal(value), note="",
                                 recorded_by=case_manager)
    assert refused.value.message_dict == {"value": [message]}
    assert ProgressPoint.with_voided.count() == 0


@pytest.mark.parametrize("raw", ["twelve", "NaN", "Infinity", None, ""])
def test_the_rule_refuses_what_is_not_a_number(facts_goal, raw):
    assert [e.code for e in results.value_problems(results.Measure.of(facts_goal), raw)] == ["invalid"]


def test_three_decimals_and_a_float_are_read_as_written(student):
    goal = GoalFactory(plan=IEPPlanFactory(student=student), measure_kind=Goal.MeasureKind.PERCENT, whole_numbers=False,
                       minimum=0, maximum=100)
    measure = results.Measure.of(goal)
    assert [e.code for e in results.value_problems(measure, Decimal("12.345"))] == ["decimals"]
    assert results.value_problems(measure, 12.5) == [] and results.value_problems(measure, Decimal("12.50")) == []


@pytest.mark.parametrize(("value", "message"), BAD_VALUES + [
    ("abc", "Enter a number, for example 12 or 12.5."),
])
def test_the_form_shows_the_message_at_the_field_and_saves_nothing(client, case_manager, student, facts_goal, value,
                                                                   message):
    client.force_login(case_manager)
    response = client.post(reverse("iep:goal-point-add", args=[student.uuid, facts_goal.pk]),
                           {"point-measured_on": timezone.localdate().isoformat(), "point-value": value})
    assert response.status_code == 200
    assert response.context["form"].errors == {"value": [message]}
    assert 'aria-describedby="id_point-value-error"' in response.content.decode()
    assert ProgressPoint.with_voided.count() == 0


def test_future_before_baseline_and_duplicate_dates_are_refused_at_the_date(client, case_manager, student, facts_goal):
    client.force_login(case_manager)
    url = reverse("iep:goal-point-add", args=[student.uuid, facts_goal.pk])
    today = timezone.localdate()
    cases = [(today + timedelta(days=1), "The date cannot be in the future."),
             (facts_goal.baseline_date - timedelta(days=1), "The date is before this goal's baseline.")]
    for day, message in cases:
        response = client.post(url, {"point-measured_on": day.isoformat(), "point-value": "12"})
        assert response.context["form"].errors == {"measured_on": [message]}
    ProgressPointFactory(goal=facts_goal, measured_on=today, value=Decimal(10))
    response = client.post(url, {"point-measured_on": today.isoformat(), "point-value": "12"})
    assert response.context["form"].errors == {"measured_on": ["This goal already has a result for that day."]}
    assert list(ProgressPoint.with_voided.values_list("value", flat=True)) == [Decimal(10)]
    with pytest.raises(services.PointExists):
        services.record_progress(goal=facts_goal, measured_on=today, value=Decimal(12), note="", recorded_by=case_manager)
    with pytest.raises(services.ResultRefused) as refused:
        services.record_progress(goal=facts_goal, measured_on=today + timedelta(days=3), value=Decimal(12), note="",
                                 recorded_by=case_manager)
    assert refused.value.message_dict == {"measured_on": ["The date cannot be in the future."]}
    assert ProgressPoint.with_voided.count() == 1


def test_a_valid_result_is_saved_and_the_form_says_the_range(client, case_manager, student, facts_goal):
    client.force_login(case_manager)
    page = client.get(reverse("iep:goal-detail", args=[student.uuid, facts_goal.pk])).content.decode()
    assert "A whole number from 0 to 25." in page
    response = client.post(reverse("iep:goal-point-add", args=[student.uuid, facts_goal.pk]),
                           {"point-measured_on": timezone.localdate().isoformat(), "point-value": "25"})
    assert response.status_code == 302
    assert ProgressPoint.objects.get().value == Decimal(25)


def test_a_correction_passes_the_same_rule(facts_goal, case_manager):
    """The correction path: an out-of-range or decimal count is refused at the field; the result is unchanged."""
    point = ProgressPointFactory(goal=facts_goal, value=Decimal(10), recorded_by=case_manager,
                                 measured_on=facts_goal.baseline_date + timedelta(days=5))
    for value, message in BAD_VALUES:
        with pytest.raises(services.ResultRefused) as refused:
            services.correct_result(goal=facts_goal, point_id=point.pk, by=case_manager, version=1,
                                    measured_on=point.measured_on, value=Decimal(value), note="", reason="Typo")
        assert refused.value.message_dict == {"value": [message]}
    point.refresh_from_db()
    assert (point.value, point.version, ResultCorrection.objects.count()) == (Decimal(10), 1, 0)


def test_no_code_writes_a_result_without_the_rule():
    """Every writer of ProgressPoint in the product goes through results.check_result (or, for the benchmark's
    bulk seeder, results.value_problems): there is no other bulk entry or import of results. A new writer
    must be added here, with the rule."""
    writes = re.compile(r"ProgressPoint\.\w+\.(?:create|bulk_create|get_or_create|update_or_create)\("
                        r"|ProgressPoint\.\w+\.filter\([^\n]*\)\.(?:update|delete)\(|(?<!class )ProgressPoint\(|w\[ProgressPoint\]")
    root = Path(settings.BASE_DIR)
    found = {}
    for path in root.rglob("*.py"):
        relative = str(path.relative_to(root))
        if relative.startswith((".venv", "tests/")) or "/migrations/" in relative:
            continue
        hits = writes.findall(path.read_text())
        if hits:
            found[relative] = len(hits)
    assert found == {"iep/services.py": 3, "iep/demo.py": 1, "bench/seed/records.py": 1}
    for relative, rule in [("iep/demo.py", "results.check_result("), ("bench/seed/records.py", "results.value_problems("),
                           ("iep/services.py", "results.check_result(")]:
        assert rule in (root / relative).read_text(), relative


def test_every_demo_result_passes_the_rule(demo):
    """The demo seeder writes through the rule: every result of every demo goal is valid for its measure."""
    goals = list(Goal.objects.prefetch_related("points"))
    assert goals
    for goal in goals:
        measure = results.Measure.of(goal)
        assert [(p.value, results.value_problems(measure, p.value)) for p in goal.points.all()
                if results.value_problems(measure, p.value)] == []
    math = Goal.objects.filter(area=Goal.Area.MATH).first()
    assert (math.measure_kind, math.whole_numbers, math.minimum, math.maximum) == ("count", True, 0, 25)


# --- The goal's measure ------------------------------------------------------------------------------


def _goal_data(**overrides):
    today = timezone.localdate()
    data = {"area": "math", "statement": "Given a grade-level prompt, Maya will answer correctly.",
            "unit": "percent correct", "baseline": "40", "baseline_date": (today - timedelta(days=10)).isoformat(),
            "target": "80", "target_date": (today + timedelta(days=200)).isoformat(),
            "measurement_method": "Weekly probe", "monitoring_schedule": "weekly", "measure_kind": "percent",
            "minimum": "", "maximum": ""}
    data.update(overrides)
    return data


def test_a_percent_defaults_to_0_to_100(client, case_manager, student):
    IEPPlanFactory(student=student)
    client.force_login(case_manager)
    response = client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data())
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.measure_kind, goal.whole_numbers, goal.minimum, goal.maximum) == ("percent", False, 0, 100)


@pytest.mark.parametrize(("overrides", "errors"), [
    ({"measure_kind": "count"}, {"maximum": ["Enter the highest possible result, for example 25 for 25 facts."]}),
    ({"minimum": "50", "maximum": "40"}, {"maximum": ["The highest possible result must be more than the lowest."]}),
    ({"maximum": "60"}, {"target": ["It must be within the measure's range, 0 to 60."]}),
    ({"measure_kind": "count", "maximum": "100", "baseline": "40.5"},
     {"baseline": ["This measure counts whole numbers: enter a whole number."]}),
])
def test_the_goal_form_refuses_a_measure_that_makes_no_sense(client, case_manager, student, overrides, errors):
    IEPPlanFactory(student=student)
    client.force_login(case_manager)
    response = client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data(**overrides))
    assert response.context["form"].errors == errors
    assert Goal.objects.count() == 0


def test_a_count_is_whole_numbers_whatever_the_box_said(client, case_manager, student):
    IEPPlanFactory(student=student)
    client.force_login(case_manager)
    client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data(measure_kind="count", maximum="100"))
    assert Goal.objects.get().whole_numbers is True


def test_a_range_that_would_leave_recorded_results_outside_is_refused(case_manager, facts_goal):
    ProgressPointFactory(goal=facts_goal, value=Decimal(22), measured_on=facts_goal.baseline_date + timedelta(days=3))
    fields = {name: getattr(facts_goal, name) for name in services.GOAL_FIELDS}
    with pytest.raises(ValidationError) as refused:
        services.save_goal(plan=facts_goal.plan, goal=facts_goal, by=case_manager, **{**fields, "maximum": Decimal(21)})
    assert refused.value.message_dict == {"maximum": [
        "1 result(s) already recorded are outside this range (for example 22): correct or void them first, or widen "
        "the range."]}
    facts_goal.refresh_from_db()
    assert facts_goal.maximum == 25


@pytest.mark.parametrize(("definition", "measure"), [
    (("facts correct in two minutes", "Given 25 mixed multiplication facts, Maya will answer 20 correctly in two minutes.",
      "Two-minute curriculum-based measurement", 6, 20, [Decimal("10.7")]), ("count", True, 0, 25)),
    (("words read correctly per minute", "Given a grade-level passage, Maya will read aloud 90 words correctly per minute.",
      "One-minute oral reading fluency probe", 40, 90, [Decimal("52.3")]), ("rate", False, 0, 180)),
    (("percent of intervals on task", "Maya will stay on task.", "Observation", 40, 80, []), ("percent", False, 0, 100)),
    (("rubric level", "Maya will write a paragraph.", "District writing rubric", 1, 3, []), ("rubric", True, 0, 4)),
    (("times she asks for help", "Maya will ask for help.", "Tally", 1, 5, [Decimal(3)]), ("count", True, 0, 10)),
])
def test_the_data_migration_reads_each_goals_measure_from_its_definition(definition, measure):
    unit, statement, method, baseline, target, recorded = definition
    found = measure_for(unit=unit, statement=statement, method=method, baseline=Decimal(baseline),
                        target=Decimal(target), results=recorded)
    assert (found["measure_kind"], found["whole_numbers"], found["minimum"], found["maximum"]) == measure

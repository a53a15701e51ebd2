"""Tiers keep their history; a support plan is judged by the IEP goals' own decision rule (issue 20.2, 20.3)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from iep.selectors import goal_progress
from iep.status import Status
from mtss import selectors, services
from mtss.models import Settings, TierChange
from tests.factories.iep import GoalFactory, ProgressPointFactory
from tests.factories.mtss import InterventionFactory, SupportPlanFactory
from tests.factories.roster import StudentFactory

pytestmark = pytest.mark.django_db


def test_tier_changes_keep_their_history(school, teacher, case_manager):
    """Who moved the tier, when and why: every change is a row, none is overwritten."""
    kid = StudentFactory(school=school)
    services.set_tier(student=kid, area="reading", tier=2, reason="Fall screening: 12th percentile", by=teacher)
    assert services.set_tier(student=kid, area="reading", tier=2, reason="again", by=teacher) is None
    services.set_tier(student=kid, area="reading", tier=3, reason="No response to tier 2", by=case_manager)
    history = [(c.tier, c.changed_by, c.reason) for c in TierChange.objects.filter(student=kid).order_by("pk")]
    assert history == [(2, teacher, "Fall screening: 12th percentile"), (3, case_manager, "No response to tier 2")]
    row = next(r for r in selectors.student_areas(kid) if r.area == "reading")
    assert row.tier == 3 and [c.tier for c in row.history] == [3, 2]
    assert next(r for r in selectors.student_areas(kid) if r.area == "math").tier == 1


def test_a_tier_change_needs_a_reason(school, teacher):
    kid = StudentFactory(school=school)
    with pytest.raises(ValidationError):
        services.set_tier(student=kid, area="math", tier=2, reason="  ", by=teacher)
    assert not TierChange.objects.exists()


def test_fading_to_tier_1_closes_the_plan(school, teacher):
    plan = SupportPlanFactory(student=StudentFactory(school=school))
    services.set_tier(student=plan.student, area="reading", tier=1, reason="Met the aim", by=teacher)
    plan.refresh_from_db()
    assert not plan.is_active


def test_starting_a_plan_sets_the_tier_and_closes_the_old_plan(school, teacher):
    kid = StudentFactory(school=school)
    old = SupportPlanFactory(student=kid)
    today = timezone.localdate()
    plan = services.start_plan(
        student=kid, by=teacher, intervention=InterventionFactory(district=school.district), tier=3,
        interventionist=teacher, start_date=today, review_date=today + timedelta(weeks=6), statement="Read 60 wcpm",
        unit="wcpm", baseline=Decimal(30), target=Decimal(60), target_date=today + timedelta(weeks=12),
        minimum=Decimal(0), maximum=Decimal(200), whole_numbers=True, reason="Intensify")
    old.refresh_from_db()
    assert not old.is_active and plan.is_active and services.current_tier(kid, "reading") == 3


def test_a_plan_refuses_an_intervention_of_another_district(school, teacher):
    kid = StudentFactory(school=school)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.start_plan(
            student=kid, by=teacher, intervention=InterventionFactory(), tier=2, interventionist=teacher,
            start_date=today, review_date=today - timedelta(days=1), statement="x", unit="wcpm", baseline=Decimal(30),
            target=Decimal(30), target_date=today + timedelta(weeks=12), minimum=Decimal(0), maximum=Decimal(200),
            whole_numbers=True, reason="r")
    assert {"intervention", "review_date", "target"} <= set(refused.value.message_dict)
    assert not kid.support_plans.exists() and not TierChange.objects.exists()


@pytest.mark.parametrize("values, status", [
    ([39, 40, 41, 42], Status.NOT_ON_TRACK),  # four in a row below the aim line (40.7, 41.4, 42.1, 42.8)
    ([60, 62, 64, 66], Status.ON_TRACK),
    ([39, 60, 40, 41], Status.ON_TRACK),
    ([41, 42, 43], Status.NOT_ENOUGH_DATA),
])
def test_the_decision_rule_flags_a_plan_exactly_as_an_iep_goal(school, teacher, values, status):
    """One rule, one place (issue 20): the same baseline, aim, dates and results give an IEP goal and a support plan
    the same status, because both go through iep.selectors.goal_progress and iep.status.goal_status."""
    plan = SupportPlanFactory(student=StudentFactory(school=school), interventionist=teacher)
    goal = GoalFactory(baseline=plan.baseline, baseline_date=plan.start_date, target=plan.target,
                       target_date=plan.target_date)
    for week, value in enumerate(values, start=1):
        day = plan.start_date + timedelta(weeks=week)
        services.record_result(plan=plan, measured_on=day, value=value, note="", by=teacher)
        ProgressPointFactory(goal=goal, measured_on=day, value=Decimal(value))
    plan_status = selectors.plan_progress(selectors.plan_of(plan.student, plan.pk)).status
    goal_status = goal_progress(goal).status
    assert plan_status == goal_status and plan_status.status == status


@pytest.mark.parametrize("value, day_offset, field", [
    ("12.5", 10, "value"),  # whole numbers only
    ("500", 10, "value"),  # outside the measure's range
    ("abc", 10, "value"),
    ("50", -1, "measured_on"),  # before the plan started
    ("50", 1000, "measured_on"),  # in the future
])
def test_a_result_outside_the_measure_is_refused_by_the_shared_rules(school, teacher, value, day_offset, field):
    plan = SupportPlanFactory(student=StudentFactory(school=school), interventionist=teacher)
    with pytest.raises(ValidationError) as refused:
        services.record_result(plan=plan, measured_on=plan.start_date + timedelta(days=day_offset), value=value,
                               note="", by=teacher)
    assert field in refused.value.message_dict
    assert not plan.points.exists()


def test_a_second_result_the_same_day_is_refused(school, teacher):
    plan = SupportPlanFactory(student=StudentFactory(school=school), interventionist=teacher)
    day = plan.start_date + timedelta(days=7)
    services.record_result(plan=plan, measured_on=day, value=45, note="", by=teacher)
    with pytest.raises(ValidationError):
        services.record_result(plan=plan, measured_on=day, value=46, note="", by=teacher)
    assert plan.points.count() == 1


def test_sessions_planned_against_given(school, teacher):
    """Fidelity: the dose plans sessions a week; the log says which were given and why one was missed."""
    plan = SupportPlanFactory(student=StudentFactory(school=school), interventionist=teacher)
    start = plan.start_date
    services.log_session(plan=plan, held_on=start, delivered=True, minutes=20, missed_reason="", note="", by=teacher)
    services.log_session(plan=plan, held_on=start + timedelta(days=1), delivered=False, minutes=None,
                         missed_reason="student_absent", note="", by=teacher)
    with pytest.raises(ValidationError) as refused:
        services.log_session(plan=plan, held_on=start + timedelta(days=2), delivered=False, minutes=None,
                             missed_reason="", note="", by=teacher)
    assert "missed_reason" in refused.value.message_dict
    found = selectors.fidelity(plan, today=start + timedelta(days=13))
    assert (found.planned, found.delivered, found.missed, found.minutes_delivered) == (6, 1, 1, 20)
    assert found.minutes_planned == 120 and found.percent_delivered == 17


def test_the_referral_deadline_counts_from_consent(school, teacher):
    """IDEA 300.301(c): 60 days from the parent's consent, or the district's setting; none before consent."""
    kid = StudentFactory(school=school)
    today = timezone.localdate()
    referral = services.save_referral(student=kid, referral=None, concerns="c", data="d", interventions_tried="i",
                                      consent_on=None, by=teacher)
    assert referral.evaluation_due is None
    consent = today - timedelta(days=5)
    referral = services.save_referral(student=kid, referral=referral, concerns="c", data="d", interventions_tried="i",
                                      consent_on=consent, by=teacher)
    assert referral.evaluation_due == consent + timedelta(days=60)
    Settings.objects.create(district=school.district, evaluation_days=45)
    referral = services.save_referral(student=kid, referral=referral, concerns="c", data="d", interventions_tried="i",
                                      consent_on=consent, by=teacher)
    assert referral.evaluation_due == consent + timedelta(days=45)
    with pytest.raises(ValidationError):
        services.save_referral(student=kid, referral=referral, concerns="c", data="d", interventions_tried="i",
                               consent_on=today + timedelta(days=1), by=teacher)


def test_a_team_decision_moves_the_tier_with_its_data_and_the_next_review(school, teacher):
    plan = SupportPlanFactory(student=StudentFactory(school=school))
    today = timezone.localdate()
    services.record_decision(student=plan.student, area="reading", met_on=today, kind="intensify",
                             data="4 points below the aim line", next_review=today + timedelta(weeks=4), by=teacher)
    plan.refresh_from_db()
    assert services.current_tier(plan.student, "reading") == 3 and plan.review_date == today + timedelta(weeks=4)
    assert "4 points below the aim line" in TierChange.objects.get(student=plan.student).reason
    with pytest.raises(ValidationError):
        services.record_decision(student=plan.student, area="reading", met_on=today, kind="continue", data="",
                                 next_review=None, by=teacher)

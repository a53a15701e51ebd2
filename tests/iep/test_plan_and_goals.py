"""Case managers write the IEP plan, its team and its measurable goals in the browser (issue #6, item 1-2)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from iep import services
from iep.models import Goal, IEPPlan, TeamMember
from roster.models import Caseload
from tests.factories.competencies import CompetencyFactory, SectionCompetencyFactory, scaled_framework
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory, TeamMemberFactory
from tests.factories.profiles import ProfileGoalFactory
from tests.factories.roster import CaseloadFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _plan_data(start, review, reevaluation, case_manager=None, **team):
    data = {"start_date": start.isoformat(), "annual_review_due": review.isoformat(),
            "reevaluation_due": reevaluation.isoformat(), "case_manager": case_manager.pk if case_manager else ""}
    data.update({f"team_{user.pk}": role for user, role in team.values()})
    return data


def _goal_data(**overrides):
    today = timezone.localdate()
    data = {"area": "math", "statement": "Given 25 facts, Maya will answer 20 correctly in two minutes.",
            "unit": "facts correct", "baseline": "6", "baseline_date": (today - timedelta(days=10)).isoformat(),
            "target": "20", "target_date": (today + timedelta(days=200)).isoformat(),
            "measurement_method": "Two-minute probe", "monitoring_schedule": "weekly",
            "measure_kind": "count", "whole_numbers": "on", "minimum": "0", "maximum": "25"}
    data.update(overrides)
    return data


def test_empty_state_offers_start_the_plan_to_the_case_manager_only(client, case_manager, guardian, student):
    """A student with an IEP but no plan in Waypoint: the case manager is offered "Start the plan"; the family is not."""
    url = reverse("iep:student-iep", args=[student.uuid])
    start = reverse("iep:plan-edit", args=[student.uuid])
    client.force_login(case_manager)
    body = client.get(url).content.decode()
    assert "There is no current IEP recorded in Waypoint for this student." in body
    assert f'href="{start}">Start the plan</a>' in body
    client.force_login(guardian)
    body = client.get(url).content.decode()
    assert "There is no current IEP recorded in Waypoint for this student." in body
    assert start not in body


def test_case_manager_starts_the_plan_with_its_team(client, case_manager, guardian, teacher, student):
    """The plan is created with its dates, case manager and team; history keeps who; one AccessEvent (T2)."""
    today = timezone.localdate()
    client.force_login(case_manager)
    url = reverse("iep:plan-edit", args=[student.uuid])
    form = client.get(url).context["form"]
    # The family and the case manager are proposed; the class teacher is offered but left off until chosen.
    assert (form[f"team_{guardian.pk}"].initial, form[f"team_{case_manager.pk}"].initial, form[f"team_{teacher.pk}"].initial) == (
        "parent", "case_manager", "")
    response = client.post(url, _plan_data(today, today + timedelta(days=365), today + timedelta(days=3 * 365), case_manager,
                                           g=(guardian, "parent"), t=(teacher, "general_educator")))
    assert response.status_code == 302
    plan = IEPPlan.objects.get(student=student, is_current=True)
    assert (plan.start_date, plan.annual_review_due, plan.case_manager) == (today, today + timedelta(days=365), case_manager)
    assert sorted(plan.team.values_list("user__email", "role")) == [
        ("case.manager@school.test", "case_manager"), ("parent@family.test", "parent"), ("teacher@school.test", "general_educator")]
    assert list(plan.history.values_list("history_type", "history_user")) == [("+", case_manager.pk)]
    assert list(AccessEvent.objects.filter(user=case_manager, permission="iep.manage_plan").values_list("outcome", flat=True)) == [
        "allowed", "allowed"]


def test_team_changes_are_kept_with_who_and_when(client, case_manager, guardian, teacher, student):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    TeamMemberFactory(plan=plan, user=case_manager, role="case_manager")
    TeamMemberFactory(plan=plan, user=teacher, role="general_educator")
    client.force_login(case_manager)
    client.post(reverse("iep:plan-edit", args=[student.uuid]),
                _plan_data(plan.start_date, plan.annual_review_due, plan.reevaluation_due, case_manager,
                           c=(case_manager, "case_manager"), g=(guardian, "parent"), t=(teacher, "")))
    assert sorted(plan.team.values_list("user__email", flat=True)) == ["case.manager@school.test", "parent@family.test"]
    history = TeamMember.history.order_by("history_id")
    assert [(h.user_id, h.history_type, h.history_user_id) for h in history.filter(history_user=case_manager)] == [
        (teacher.pk, "-", case_manager.pk), (guardian.pk, "+", case_manager.pk)]


@pytest.mark.parametrize(("review_days", "reevaluation_days", "field", "message"), [
    (0, 300, "annual_review_due", "The annual review must come after the start date."),
    (400, 300, "annual_review_due", "An IEP is reviewed at least once a year: choose a date no later than one year after the start date."),
    (300, -5, "reevaluation_due", "The re-evaluation must come after the start date."),
    (300, 3 * 365 + 2, "reevaluation_due", "A re-evaluation is due at least every three years: choose a date no later than three years after the start date."),
])
def test_plan_dates_are_checked_in_plain_words(client, case_manager, student, review_days, reevaluation_days, field, message):
    start = timezone.localdate()
    client.force_login(case_manager)
    response = client.post(reverse("iep:plan-edit", args=[student.uuid]),
                           _plan_data(start, start + timedelta(days=review_days), start + timedelta(days=reevaluation_days)))
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert IEPPlan.objects.count() == 0


@pytest.mark.parametrize("persona", ["teacher", "guardian", "service_provider"])
def test_only_the_case_manager_and_director_write_the_plan(client, request, persona, student, sped_director, school):
    """T1.2: iep.manage_plan = is_case_manager_of | directs_special_education_for; a service provider on the
    caseload and a teacher on the team record or read, but do not rewrite the plan."""
    plan = IEPPlanFactory(student=student)
    if persona == "service_provider":
        user = CaseloadFactory(student=student, role=Caseload.Role.SERVICE_PROVIDER).staff
    else:
        user = request.getfixturevalue(persona)
    TeamMemberFactory(plan=plan, user=user)
    client.force_login(user)
    assert client.get(reverse("iep:plan-edit", args=[student.uuid])).status_code == 403
    assert client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data()).status_code == 403
    assert Goal.objects.count() == 0
    client.force_login(sped_director)
    assert client.get(reverse("iep:plan-edit", args=[student.uuid])).status_code == 200


def test_adding_a_goal_before_the_plan_leads_to_start_the_plan(client, case_manager, student):
    client.force_login(case_manager)
    response = client.get(reverse("iep:goal-new", args=[student.uuid]), follow=True)
    assert response.redirect_chain == [(reverse("iep:plan-edit", args=[student.uuid]), 302)]
    assert "Start the plan first: its goals belong to it." in response.content.decode()


@pytest.fixture
def linkables(student, section):
    """A competency of the student's math class, one of another framework's class that ended, and a profile goal."""
    framework = scaled_framework()
    competency = CompetencyFactory(framework=framework, code="5.NBT.B.5", short_statement="Multiply whole numbers")
    SectionCompetencyFactory(section=section, competency=competency)
    return {"competency": competency, "profile_goal": ProfileGoalFactory(student=student, description="Know the facts to 10x10")}


def test_case_manager_adds_a_goal_linked_to_a_competency_and_a_profile_goal(client, case_manager, student, linkables):
    """Item 2: the links are chosen in the goal form, shown on the goal page, and kept in history."""
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    client.force_login(case_manager)
    response = client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data(
        competencies=[linkables["competency"].pk], profile_goals=[linkables["profile_goal"].pk]))
    goal = Goal.objects.get(plan=plan)
    assert response.headers["Location"] == reverse("iep:goal-detail", args=[student.uuid, goal.pk])
    assert (goal.baseline, goal.target, list(goal.competencies.all()), list(goal.profile_goals.all())) == (
        Decimal("6"), Decimal("20"), [linkables["competency"]], [linkables["profile_goal"]])
    page = client.get(response.headers["Location"]).content.decode()
    assert "<li>5.NBT.B.5 Multiply whole numbers</li>" in page
    assert "Know the facts to 10x10" in page
    assert {h.history_user_id for h in goal.history.all()} == {case_manager.pk}


@pytest.mark.parametrize(("overrides", "errors"), [
    ({"target": "6"}, {"target": ["The target must be different from the baseline."]}),
    ({"baseline": "about six"}, {"baseline": ["Enter a number, for example 40 or 12.5."]}),
    ({"target_date": (timezone.localdate() - timedelta(days=20)).isoformat()},
     {"target_date": ["The goal date must come after the baseline date."]}),
    ({"baseline_date": (timezone.localdate() + timedelta(days=2)).isoformat()},
     {"baseline_date": ["The baseline date cannot be in the future."]}),
    ({"statement": ""}, {"statement": ["Please write the goal."]}),
])
def test_goal_form_explains_what_is_wrong_and_saves_nothing(client, case_manager, student, overrides, errors):
    IEPPlanFactory(student=student)
    client.force_login(case_manager)
    response = client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Goal.objects.count() == 0


def test_goal_date_must_come_after_the_plan_start(client, case_manager, student):
    plan = IEPPlanFactory(student=student)
    client.force_login(case_manager)
    response = client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data(
        baseline_date=(plan.start_date - timedelta(days=30)).isoformat(), target_date=(plan.start_date - timedelta(days=1)).isoformat()))
    assert response.context["form"].errors == {"target_date": ["The goal date must come after the plan's start date."]}


def test_a_goal_cannot_link_another_students_profile_goal(client, case_manager, student, other_student, linkables):
    """T1.x through the form (not a choice) and the service (refused), with data that could leak."""
    theirs = ProfileGoalFactory(student=other_student, description="Oscar's private goal")
    plan = IEPPlanFactory(student=student)
    client.force_login(case_manager)
    response = client.post(reverse("iep:goal-new", args=[student.uuid]), _goal_data(profile_goals=[theirs.pk]))
    assert "Oscar's private goal" not in response.content.decode()
    assert response.context["form"].errors == {"profile_goals": ["Choose among this student's own learner-profile goals."]}
    fields = {name: getattr(GoalFactory.build(plan=plan), name) for name in services.GOAL_FIELDS}
    with pytest.raises(ValidationError):
        services.save_goal(plan=plan, by=case_manager, profile_goals=[theirs], **fields)
    assert Goal.objects.count() == 0


def test_changing_a_goal_rejudges_its_flag(case_manager, student):
    """Lowering the target moves the aim line: four results that were below it are now on track, the flag clears."""
    goal = GoalFactory(plan=IEPPlanFactory(student=student), flagged_at=timezone.now())
    for day in (10, 20, 30, 40):
        ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=day), value=Decimal("41"))
    fields = {name: getattr(goal, name) for name in services.GOAL_FIELDS}
    services.save_goal(plan=goal.plan, goal=goal, by=case_manager, **{**fields, "target": Decimal("43")})
    goal.refresh_from_db()
    assert (goal.target, goal.flagged_at) == (Decimal("43"), None)


def test_goal_edit_form_shows_current_links(client, case_manager, student, linkables):
    goal = GoalFactory(plan=IEPPlanFactory(student=student))
    goal.competencies.add(linkables["competency"])
    client.force_login(case_manager)
    form = client.get(reverse("iep:goal-edit", args=[student.uuid, goal.pk])).context["form"]
    assert (form["competencies"].initial, form["target"].initial) == ([linkables["competency"].pk], Decimal("70"))


def test_other_students_goal_is_404_through_the_door(client, case_manager, student, school):
    """The goal id must belong to the student in the URL."""
    kid = StudentFactory(school=school, plan="iep")
    CaseloadFactory(staff=case_manager, student=kid, role=Caseload.Role.CASE_MANAGER)
    theirs = GoalFactory(plan=IEPPlanFactory(student=kid))
    IEPPlanFactory(student=student)
    client.force_login(case_manager)
    assert client.get(reverse("iep:goal-detail", args=[student.uuid, theirs.pk])).status_code == 404
    assert client.get(reverse("iep:goal-edit", args=[student.uuid, theirs.pk])).status_code == 404

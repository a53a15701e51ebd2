"""MTSS pages: the door, bad input refused with nothing written, and flat query counts (P1)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mtss import services
from mtss.models import MonitoringResult, ScreeningResult, SupportPlan, TeamSeat, TierChange
from roster.models import StaffAssignment
from tests.factories.mtss import InterventionFactory, SupportPlanFactory
from tests.factories.roster import EnrollmentFactory, StaffAssignmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def principal(school):
    from tests.factories.accounts import UserFactory

    user = UserFactory(role="school_leader", email="principal@school.test")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=StaffAssignment.Role.SCHOOL_LEADER)
    return user


def _kid(school, section):
    kid = StudentFactory(school=school)
    EnrollmentFactory(student=kid, section=section)
    return kid


def _plans(school, section, teacher, count):
    plans = []
    for index in range(count):
        kid = _kid(school, section)
        plan = SupportPlanFactory(student=kid, interventionist=teacher, area=["reading", "math"][index % 2],
                                  review_date=timezone.localdate() + timedelta(days=3))
        services.set_tier(student=kid, area=plan.area, tier=2, reason="screening", by=teacher)
        ScreeningResult.objects.create(student=kid, area="behavior", measure="SAEBRS", season="fall", score=20,
                                       risk="high", administered_on=timezone.localdate())
        plans.append(plan)
    return plans


@pytest.mark.parametrize("item_count", [1, 3, 50])
def test_the_overview_query_count_does_not_grow(client, school, section, teacher, item_count,
                                                django_assert_num_queries):
    """P1 / T10: the school view keeps the same queries with 1, 3 and 50 plans (session, user, standing, the
    students with their tiers, risks and plans in one query, the plans due, the caseloads)."""
    _plans(school, section, teacher, item_count)
    client.force_login(teacher)
    with django_assert_num_queries(6):
        response = client.get(reverse("mtss:overview"))
    overview = response.context["overview"]
    assert len(overview.flagged) == item_count and len(overview.due) == item_count
    assert overview.caseloads[0]["plans"] == item_count
    assert sum(sum(row.counts) for row in overview.distribution if row.area == "reading") == item_count


def test_the_overview_counts_tiers_per_grade_and_area(client, school, section, teacher, other_student):
    plans = _plans(school, section, teacher, 3)
    services.set_tier(student=plans[0].student, area="reading", tier=3, reason="intensify", by=teacher)
    _kid(school, section)  # tier 1 everywhere
    client.force_login(teacher)
    overview = client.get(reverse("mtss:overview")).context["overview"]
    reading = next(row for row in overview.distribution if row.area == "reading")
    assert reading.counts == (2, 1, 1) and reading.percents == (50, 25, 25)
    assert other_student.display_name not in client.get(reverse("mtss:overview")).content.decode()


@pytest.mark.parametrize("item_count", [1, 12])
def test_the_plan_page_query_count_does_not_grow(client, school, section, teacher, item_count,
                                                 django_assert_num_queries):
    """P1: the plan page with 1 or 12 results and sessions."""
    plan = SupportPlanFactory(student=_kid(school, section), interventionist=teacher)
    for week in range(item_count):
        services.record_result(plan=plan, measured_on=plan.start_date + timedelta(weeks=week), value=45, note="",
                               by=teacher)
        services.log_session(plan=plan, held_on=plan.start_date + timedelta(weeks=week), delivered=week % 3 != 1,
                             minutes=20 if week % 3 != 1 else None, missed_reason="" if week % 3 != 1 else "other",
                             note="", by=teacher)
    client.force_login(teacher)
    with django_assert_num_queries(7):  # session, user, door, audit, plan, results, sessions
        response = client.get(reverse("mtss:plan", args=[plan.student.uuid, plan.pk]))
    assert len(response.context["progress"].points) == item_count


@pytest.mark.parametrize("item_count", [1, 5])
def test_the_student_page_query_count_does_not_grow(client, school, section, teacher, item_count,
                                                    django_assert_num_queries):
    kid = _kid(school, section)
    for index in range(item_count):
        services.set_tier(student=kid, area="reading", tier=2 + index % 2, reason=f"change {index}", by=teacher)
        ScreeningResult.objects.create(student=kid, area="math", measure=f"M{index}", season="fall", score=20,
                                       risk="some", administered_on=timezone.localdate() - timedelta(days=index))
    client.force_login(teacher)
    with django_assert_num_queries(10):  # session, user, door, audit, screening, tiers, class record, plans, decisions, referral
        response = client.get(reverse("mtss:student", args=[kid.uuid]))
    assert len(next(r for r in response.context["areas"] if r.area == "reading").history) == item_count


def test_a_bad_result_is_refused_with_a_message_and_nothing_is_written(client, school, section, teacher):
    plan = SupportPlanFactory(student=_kid(school, section), interventionist=teacher)
    client.force_login(teacher)
    response = client.post(reverse("mtss:result-add", args=[plan.student.uuid, plan.pk]),
                           {"result-measured_on": timezone.localdate().isoformat(), "result-value": "999"})
    assert response.status_code == 400
    assert "outside that range" in response.content.decode()
    assert not MonitoringResult.objects.exists()


def test_a_teacher_starts_a_tier_2_plan(client, school, section, teacher):
    kid = _kid(school, section)
    intervention = InterventionFactory(district=school.district)
    today = timezone.localdate()
    client.force_login(teacher)
    response = client.post(reverse("mtss:plan-new", args=[kid.uuid]), {
        "intervention": intervention.pk, "tier": 2, "interventionist": teacher.pk, "start_date": today,
        "review_date": today + timedelta(weeks=6), "statement": "Read 80 wcpm", "unit": "wcpm", "baseline": 50,
        "target": 80, "target_date": today + timedelta(weeks=12), "minimum": 0, "maximum": 200,
        "whole_numbers": "on", "reason": "Fall screening: 15th percentile"})
    plan = SupportPlan.objects.get()
    assert response.status_code == 302 and plan.interventionist == teacher
    assert TierChange.objects.get().reason == "Fall screening: 15th percentile"


def test_the_interventionist_sees_the_student_while_the_plan_is_active(client, school, section, teacher, other_teacher):
    """The relationship "interventionist" (roster/access.py) opens the student's record; a closed plan closes it."""
    plan = SupportPlanFactory(student=_kid(school, section), interventionist=other_teacher)
    client.force_login(other_teacher)
    url = reverse("mtss:plan", args=[plan.student.uuid, plan.pk])
    assert client.get(url).status_code == 200
    SupportPlan.objects.filter(pk=plan.pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_the_problem_solving_team_sees_the_schools_students(client, school, other_teacher, other_school):
    kid = StudentFactory(school=school)
    client.force_login(other_teacher)
    assert client.get(reverse("mtss:student", args=[kid.uuid])).status_code == 404
    TeamSeat.objects.create(school=school, user=other_teacher)
    assert client.get(reverse("mtss:student", args=[kid.uuid])).status_code == 200


def test_the_screening_upload_refuses_a_bad_file_and_names_its_rows(client, school, principal):
    StudentFactory(school=school, sourced_id="s-1")
    client.force_login(principal)
    bad = b"student_id,area,measure,score,percentile,date\ns-1,reading,ORF,50,12,2026-09-15\nx,reading,ORF,5,1,2026-09-15\n"
    response = client.post(reverse("mtss:screening-import"), {"file": SimpleUploadedFile("f.csv", bad, "text/csv")})
    assert response.status_code == 400 and "“x”" in response.content.decode()
    assert not ScreeningResult.objects.exists()
    good = bad.split(b"x,reading")[0]
    response = client.post(reverse("mtss:screening-import"), {"file": SimpleUploadedFile("f.csv", good, "text/csv")})
    assert response.status_code == 302 and ScreeningResult.objects.count() == 1


@pytest.mark.parametrize("item_count", [1, 3])
def test_the_family_reads_the_plans_in_plain_words(client, school, section, teacher, guardian, other_guardian,
                                                   item_count, django_assert_num_queries):
    """Issue 20.6: the family page shows each active plan with its status in the family's words; P1 flat at 1 and 3
    plans; another family gets 404 (T1)."""
    from tests.factories.roster import GuardianshipFactory

    kid = _kid(school, section)
    GuardianshipFactory(guardian=guardian, student=kid)
    for area in ["reading", "math", "behavior"][:item_count]:
        SupportPlanFactory(student=kid, area=area, interventionist=teacher)
    client.force_login(guardian)
    url = reverse("family_portal:child-supports", args=[kid.uuid])
    with django_assert_num_queries(8):  # session, user, door, audit, children, plans, results; and whether the child has
        response = client.get(url)     # an active plan (family_portal.send_support_input: the link to the support team)
    assert len(response.context["plans"]) == item_count
    assert "Not enough results yet" in response.content.decode()
    client.force_login(other_guardian)
    assert client.get(url).status_code == 404

"""Issue 20.5: the evaluation a referral starts is shown where the IEP team already looks for its deadlines (the
deadlines dashboard and the review queue), through iep.deadline_sources (iep may not import mtss), to the people
who may see the student only (roster.access.mtss_students, the list form of mtss.view; T1.5), with flat query counts
(P1). That the deadline counts from consent is tests/mtss/test_tiers_and_plans.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iep import deadline_sources
from mtss import services
from mtss.deadlines import evaluations_due
from roster.models import Caseload, StaffAssignment, Student
from tests.factories.accounts import UserFactory
from tests.factories.iep import IEPPlanFactory
from tests.factories.roster import CaseloadFactory, StaffAssignmentFactory, StudentFactory

pytestmark = pytest.mark.django_db
WHAT = "Evaluation due (referral from the MTSS team)"


def _referred(school, by, *, consent_days_ago: int, plan=Student.Plan.SECTION_504, last_name="Referred"):
    kid = StudentFactory(school=school, plan=plan, last_name=last_name)
    services.save_referral(student=kid, referral=None, concerns="Reads far below grade level.", data="ORF 31",
                           interventions_tried="Repeated reading", by=by,
                           consent_on=timezone.localdate() - timedelta(days=consent_days_ago))
    return kid


@pytest.fixture
def other_special_educator(other_school):
    user = UserFactory(role="special_educator", email="other.sped@school.test")
    StaffAssignmentFactory(user=user, district=other_school.district, school=other_school,
                           role=StaffAssignment.Role.SPECIAL_EDUCATOR)
    return user


def test_mtss_registers_its_deadline_source():
    assert evaluations_due in deadline_sources._SOURCES.values()


def test_the_referral_shows_on_the_dashboard_for_who_may_see_the_student_only(
        client, school, case_manager, sped_director, other_teacher, other_special_educator):
    soon = _referred(school, case_manager, consent_days_ago=40, last_name="Soon")  # due in 20 days
    late = _referred(school, case_manager, consent_days_ago=65, last_name="Late")  # 5 days late
    for kid in (soon, late):
        CaseloadFactory(staff=case_manager, student=kid, role=Caseload.Role.SERVICE_PROVIDER)
    no_plan = _referred(school, case_manager, consent_days_ago=10, plan=Student.Plan.NONE, last_name="Noplan")
    evaluated = _referred(school, case_manager, consent_days_ago=30, last_name="Evaluated")
    IEPPlanFactory(student=evaluated)  # the evaluation is done and the IEP started: the deadline is met
    today = timezone.localdate()

    client.force_login(case_manager)
    group = client.get(reverse("iep:deadlines")).context["deadlines"].others[0]
    assert [(row.student, row.due, row.is_late, row.days) for row in group.rows] == [
        (late, today - timedelta(days=5), True, 5), (soon, today + timedelta(days=20), False, 20)]
    assert (group.count, group.late) == (2, 1)
    page = client.get(reverse("iep:deadlines")).content.decode()
    assert WHAT in page and "Evaluations after a referral" in page and "(5 days late)" in page and "(in 20 days)" in page
    assert reverse("mtss:student", args=[late.uuid]) in page

    # The director directs special education for students with a plan and for students referred for an evaluation
    # (Child Find): the student with no plan yet is hers too, and the link opens (roster.access "directs").
    client.force_login(sped_director)
    group = client.get(reverse("iep:deadlines")).context["deadlines"].others[0]
    assert {row.student for row in group.rows} == {soon, late, no_plan}
    assert client.get(reverse("mtss:student", args=[no_plan.uuid])).status_code == 200
    never_referred = StudentFactory(school=school, plan=Student.Plan.NONE)
    assert client.get(reverse("mtss:student", args=[never_referred.uuid])).status_code in (403, 404)

    # Someone at another school: nothing of these students; a teacher has no deadlines page at all.
    client.force_login(other_special_educator)
    response = client.get(reverse("iep:deadlines"))
    assert response.context["deadlines"].others[0].rows == [] and "Referred" not in response.content.decode()
    assert "Soon" not in response.content.decode()
    client.force_login(other_teacher)
    assert client.get(reverse("iep:deadlines")).status_code == 403


def test_one_school_lists_its_own_referrals(client, school, other_school, sped_director, case_manager):
    here = _referred(school, case_manager, consent_days_ago=10)
    _referred(other_school, case_manager, consent_days_ago=10)
    client.force_login(sped_director)
    group = client.get(reverse("iep:deadlines"), {"school": school.pk}).context["deadlines"].others[0]
    assert [row.student for row in group.rows] == [here] and group.count == 1


def test_the_directors_queue_counts_the_evaluations_due(client, school, sped_director, case_manager, teacher):
    _referred(school, case_manager, consent_days_ago=65)
    _referred(school, case_manager, consent_days_ago=10)
    _referred(school, case_manager, consent_days_ago=1)  # due in 59 days: within the queue's 60
    client.force_login(sped_director)
    response = client.get(reverse("iep:queue"))
    assert [(g.count, g.late) for g in response.context["other_deadlines"]] == [(3, 1)]
    assert "Evaluations after a referral: 3 due within 60 days or late (1 late)." in response.content.decode()
    # nobody may see the students: no line at all (groups with nothing are left out)
    other = UserFactory(role="sped_director", email="director@elsewhere.test")
    StaffAssignmentFactory(user=other, role=StaffAssignment.Role.SPED_DIRECTOR)
    client.force_login(other)
    assert client.get(reverse("iep:queue")).context["other_deadlines"] == []


@pytest.mark.parametrize("item_count", [1, 5])
def test_the_dashboard_and_the_queue_read_the_referrals_in_one_query(client, school, sped_director, case_manager,
                                                                      item_count, django_assert_num_queries):
    """P1 / T10: one query for the referrals' rows and counts on the dashboard, one for the counts on the queue,
    at 1 and 5 referrals."""
    for index in range(item_count):
        _referred(school, case_manager, consent_days_ago=20 + index)
    client.force_login(sped_director)
    with django_assert_num_queries(11):  # tests/iep/test_views.py's 10, and the referrals (rows and counts)
        response = client.get(reverse("iep:deadlines"))
    assert len(response.context["deadlines"].others[0].rows) == item_count
    with django_assert_num_queries(9):  # the queue with no input (8), and the referrals' counts
        response = client.get(reverse("iep:queue"))
    assert response.context["other_deadlines"][0].count == item_count

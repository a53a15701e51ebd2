"""IEP pages: access per the policy, the queue and deadlines at constant query counts, the journeys."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from iep import selectors
from iep.models import IEPInput
from roster.models import Caseload, StaffAssignment, Student
from tests.factories.iep import GoalFactory, IEPInputFactory, IEPPlanFactory, ProgressPointFactory, TeamMemberFactory
from tests.factories.roster import CaseloadFactory, GuardianshipFactory, SchoolFactory, StaffAssignmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(student, case_manager, guardian):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    TeamMemberFactory(plan=plan, user=case_manager, role="case_manager")
    TeamMemberFactory(plan=plan, user=guardian, role="parent")
    goal = GoalFactory(plan=plan)
    for day in (10, 17, 24):
        ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=day), value=42 + day / 10)
    return plan


def test_general_teacher_sees_iep_goals_only_while_on_the_team(client, teacher, plan, student):
    """T1.2 / product.md: a general teacher of the student gets 403 until seated on the IEP team."""
    client.force_login(teacher)
    url = reverse("iep:student-iep", args=[student.uuid])
    assert client.get(url).status_code == 403
    TeamMemberFactory(plan=plan, user=teacher)
    response = client.get(url)
    assert response.status_code == 200
    assert "Will read 70 words correctly per minute" in response.content.decode()
    assert list(AccessEvent.objects.filter(user=teacher).order_by("pk").values_list("permission", "outcome")) == [
        ("iep.view", "denied"), ("iep.view", "allowed")]


def test_iep_page_shows_chart_with_its_data_table_and_the_tab(client, guardian, plan, student):
    """T9.5: SVG role=img with a name, and a table with caption and th scope beside it."""
    client.force_login(guardian)
    body = client.get(reverse("iep:student-iep", args=[student.uuid])).content.decode()
    goal = plan.goals.get()
    assert f'role="img" aria-labelledby="goal-chart-{goal.pk}-title goal-chart-{goal.pk}-desc"' in body
    assert f'<caption id="goal-{goal.pk}-results">Results for the Reading goal</caption>' in body
    assert body.count('<th scope="row">') == 5  # baseline, 3 results, target
    assert "style=" not in body and "<script>" not in body
    assert f'href="{reverse("iep:student-iep", args=[student.uuid])}">IEP</a>' in body
    assert "Add a result" not in body  # families read, staff record


def test_no_iep_page_for_a_student_without_an_iep(client, case_manager, school):
    kid = StudentFactory(school=school, plan=Student.Plan.SECTION_504)
    CaseloadFactory(staff=case_manager, student=kid)
    client.force_login(case_manager)
    assert client.get(reverse("iep:student-iep", args=[kid.uuid])).status_code == 403


def test_case_manager_records_a_result_that_trips_the_flag(client, case_manager, plan, student, django_capture_on_commit_callbacks):
    """Journey: the case manager enters progress data that trips a flag and is told by email."""
    goal = plan.goals.get()
    client.force_login(case_manager)
    url = reverse("iep:goal-point-add", args=[student.uuid, goal.pk])
    # points so far (aim 40 + 0.1/day): day 10 = 43 (aim 41), 17 = 43.7, 24 = 44.4: above. Three more below:
    for day in (31, 38, 45):
        ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=day), value=40)
    day = goal.baseline_date + timedelta(days=52)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"point-measured_on": day.isoformat(), "point-value": "41"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.flagged_at is not None
    assert [m.to for m in mail.outbox] == [[case_manager.email]]
    page = client.get(response.headers["Location"]).content.decode()
    assert "Not on track: needs a look" in page and "Flagged" not in page


def test_a_future_date_is_refused_in_words_a_person_understands(client, case_manager, plan, student):
    goal = plan.goals.get()
    client.force_login(case_manager)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("iep:goal-point-add", args=[student.uuid, goal.pk]),
                           {"point-measured_on": tomorrow.isoformat(), "point-value": "50"})
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert goal.points.count() == 3


def test_parent_sends_input_and_sees_it_received(client, guardian, plan, student, case_manager):
    """Journey 4: the parent sends input and sees "received"; T7.2: posting the same form twice keeps one."""
    client.force_login(guardian)
    data = {"kind": "question", "text": "Can she use audiobooks?", "idempotency_key": str(uuid.uuid4())}
    url = reverse("iep:input-new", args=[student.uuid])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    item = IEPInput.objects.get()
    assert (item.submitted_by, item.sender, item.status) == (guardian, "family", "received")
    page = client.get(reverse("iep:student-iep", args=[student.uuid])).content.decode()
    assert "Can she use audiobooks?" not in page  # the list shows kind, status, answer
    assert "Received" in page


def test_inputs_for_family_lists_only_that_familys_inputs_about_their_child(guardian, other_guardian, student, other_student, teacher):
    ours = IEPInputFactory(student=student, submitted_by=guardian)
    IEPInputFactory(student=student, submitted_by=teacher, sender="staff")
    IEPInputFactory(student=other_student, submitted_by=other_guardian)
    assert list(selectors.inputs_for_family(guardian, student)) == [ours]
    assert list(selectors.inputs_for_family(other_guardian, student)) == []
    assert list(selectors.inputs_for_family(teacher, student)) == []


def test_director_assigns_in_bulk_and_case_manager_answers(client, sped_director, case_manager, guardian, student):
    """Journey 5: the director assigns, the case manager answers and marks it taken into the draft."""
    first, second = IEPInputFactory.create_batch(2, student=student, submitted_by=guardian)
    client.force_login(sped_director)
    response = client.post(reverse("iep:queue-assign"), {"inputs": [first.pk, second.pk], "assignee": "own"})
    assert response.status_code == 302
    assert list(IEPInput.objects.order_by("pk").values_list("status", "assigned_to")) == [
        ("assigned", case_manager.pk), ("assigned", case_manager.pk)]
    client.force_login(case_manager)
    act = reverse("iep:input-act", args=[student.uuid, first.pk])
    client.post(act, {"action": "answer", "seen_status": "assigned", "answer": "Yes, from Monday."})
    client.post(act, {"action": "take_into_draft", "seen_status": "answered"})
    first.refresh_from_db()
    assert (first.status, first.answer) == ("taken_into_draft", "Yes, from Monday.")
    stale = client.post(act, {"action": "close", "seen_status": "answered"}, follow=True)
    assert "Someone else changed this input first. It is now: Taken into the IEP draft." in stale.content.decode()


def test_director_cannot_assign_inputs_of_another_district(client, other_district_director, guardian, student, case_manager):
    item = IEPInputFactory(student=student, submitted_by=guardian)
    client.force_login(other_district_director)
    client.post(reverse("iep:queue-assign"), {"inputs": [item.pk], "assignee": "own"})
    item.refresh_from_db()
    assert (item.status, item.assigned_to) == ("received", None)


def test_queue_filters_and_highlights_inputs_past_the_response_target(client, sped_director, guardian, student):
    old = IEPInputFactory(student=student, submitted_by=guardian, kind="concern")
    IEPInput.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    new = IEPInputFactory(student=student, submitted_by=guardian, kind="question")
    client.force_login(sped_director)
    response = client.get(reverse("iep:queue"), {"age": "past_target"})
    assert [i.pk for i in response.context["page"].object_list] == [old.pk]
    assert "Past target" in response.content.decode()
    response = client.get(reverse("iep:queue"), {"kind": "question"})
    assert [i.pk for i in response.context["page"].object_list] == [new.pk]


def test_director_start_page_is_the_queue(client, sped_director):
    client.force_login(sped_director)
    assert client.get(reverse("accounts:home")).headers["Location"] == reverse("iep:queue")


def _district_inputs(school, guardian, count):
    for _ in range(count):
        kid = StudentFactory(school=school, plan=Student.Plan.IEP)
        CaseloadFactory(student=kid, role=Caseload.Role.CASE_MANAGER)
        IEPPlanFactory(student=kid, annual_review_due=timezone.localdate() + timedelta(days=20))
        IEPInputFactory(student=kid, submitted_by=guardian)


@pytest.mark.parametrize("item_count", [1, 3, 30])
def test_queue_query_count_does_not_grow(client, sped_director, school, guardian, item_count, django_assert_num_queries):
    """P1 / T10: the same number of queries at 1, 3 and 30 inputs (session, user, schools, case managers,
    target, count, page, the page's case managers and the people of their schools who may own an input: read for
    the page's rows only, P2; the students with no case manager, count and list in one query: issue 16.5)."""
    _district_inputs(school, guardian, item_count)
    unmanaged = StudentFactory(school=school, plan=Student.Plan.IEP)  # no case manager: the warning and the choices
    oldest = IEPInputFactory(student=unmanaged, submitted_by=guardian)
    IEPInput.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(days=1))  # on the first page
    StaffAssignmentFactory(school=school, district=school.district, role=StaffAssignment.Role.SPECIAL_EDUCATOR)
    client.force_login(sped_director)
    with django_assert_num_queries(12):  # the person's standing (roster.access.standing), read from relationships, not User.role (issue 19.2); issue 20.5: +1 the evaluations referrals started (iep.deadline_sources, counts)
        response = client.get(reverse("iep:queue"))
    assert len(response.context["page"].object_list) == min(item_count + 1, 25)  # 25 a page
    assert response.context["without_case_manager"].count == 1


def test_queue_shows_each_rows_case_manager_and_filters_by_one(client, sped_director, school, guardian):
    """The case manager column and filter read the student's active case manager (P2 rewrite: page rows only)."""
    _district_inputs(school, guardian, 3)
    first, second, third = Student.objects.order_by("pk")
    Caseload.objects.filter(student=third).update(is_active=False)  # no active case manager: "None"
    manager = Caseload.objects.get(student=first).staff
    CaseloadFactory(student=second, staff=manager, role=Caseload.Role.SERVICE_PROVIDER)  # not their case manager
    client.force_login(sped_director)
    page = client.get(reverse("iep:queue")).context["page"]
    assert [(i.student, i.case_manager) for i in page.object_list] == [
        (first, manager), (second, Caseload.objects.get(student=second, role="case_manager").staff), (third, None)]
    assert f"{manager.first_name} {manager.last_name}" in client.get(reverse("iep:queue")).content.decode()
    filtered = client.get(reverse("iep:queue"), {"case_manager": manager.pk}).context["page"]
    assert [i.student for i in filtered.object_list] == [first]


@pytest.mark.parametrize("item_count", [1, 3, 30])
def test_deadlines_query_count_does_not_grow(client, sped_director, school, guardian, item_count, django_assert_num_queries):
    """P1 / T10 for the deadlines dashboard; P2 / P6: inputs past the target are counted per school (each count
    links to the queue filtered to that school and age) and only the oldest 25 are listed."""
    _district_inputs(school, guardian, item_count)
    IEPInput.objects.update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(sped_director)
    with django_assert_num_queries(11):  # 8, and the late reviews with no case manager (count and list: one query) ; issue 19.2: +1 standing; issue 20.5: +1 referrals' evaluations
        response = client.get(reverse("iep:deadlines"), {"within": "30"})
    deadlines = response.context["deadlines"]
    assert (len(deadlines.reviews), len(deadlines.overdue_inputs), deadlines.overdue_count) == (
        item_count, min(item_count, 25), item_count)
    assert [i.pk for i in deadlines.overdue_inputs] == list(
        IEPInput.objects.order_by("created_at", "pk").values_list("pk", flat=True)[:25])
    assert f'href="{reverse("iep:queue")}?school={school.pk}&amp;age=past_target"' in response.content.decode()
    assert deadlines.per_school == [{"pk": school.pk, "name": school.name, "reviews": item_count,
                                     "reevaluations": 0, "overdue_inputs": item_count}]


def test_deadlines_list_the_soonest_50_for_the_district_and_all_of_a_chosen_school(client, sped_director, school, guardian,
                                                                                   django_assert_num_queries):
    """P2: at district scale hundreds of reviews are due; the district view lists the soonest 50 of each kind and
    says how many there are, and each school's name leads to all of its own (same query count)."""
    _district_inputs(school, guardian, 55)
    other = SchoolFactory(district=school.district, name="Oak Middle School")
    _district_inputs(other, guardian, 2)
    client.force_login(sped_director)
    with django_assert_num_queries(11):  # with the late reviews with no case manager ; issue 19.2: +1 standing; issue 20.5: +1 referrals' evaluations
        everything = client.get(reverse("iep:deadlines"), {"within": "30"})
    deadlines = everything.context["deadlines"]
    assert (len(deadlines.reviews), deadlines.reviews_count, deadlines.total_reviews) == (50, 57, 57)
    page = everything.content.decode()
    assert "57 annual reviews are due in this window." in page and "The soonest 50 of each are listed below." in page
    assert f'href="?within=30&amp;school={other.pk}"' in page

    with django_assert_num_queries(11):  # + the standing (issue 19.2), + the referrals' evaluations (issue 20.5)
        one_school = client.get(reverse("iep:deadlines"), {"within": "30", "school": other.pk})
    deadlines = one_school.context["deadlines"]
    assert {plan.student.school for plan in deadlines.reviews} == {other} and len(deadlines.reviews) == 2
    assert (deadlines.reviews_count, deadlines.total_reviews, deadlines.school["name"]) == (2, 57, "Oak Middle School")
    assert "Showing Oak Middle School." in one_school.content.decode()
    assert client.get(reverse("iep:deadlines"), {"school": "nonsense"}).status_code == 200


@pytest.mark.parametrize("goal_count", [1, 3])
def test_iep_page_query_count_does_not_grow_with_goals(client, case_manager, student, goal_count, django_assert_num_queries):
    """P1 / T10: 10 queries at 1 and 3 goals (was 18, then 12): session, user, the door (the student with every
    relationship the permission checks read, in one query), access event, goals joined to their plan, points, team,
    statements of disagreement (privacy), inputs, reports."""
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    for _ in range(goal_count):
        goal = GoalFactory(plan=plan)
        ProgressPointFactory.create_batch(3, goal=goal)
    client.force_login(case_manager)
    with django_assert_num_queries(10):
        response = client.get(reverse("iep:student-iep", args=[student.uuid]))
    assert len(response.context["goals"]) == goal_count


def test_attachment_downloads_as_an_attachment_for_reviewers_only(client, case_manager, guardian, student, teacher):
    """T4.6: served through the door, as an attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from iep import services
    item = services.submit_input(student=student, submitted_by=guardian, kind="other", text="Scan",
                                 attachment=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n"))
    url = reverse("iep:input-attachment", args=[student.uuid, item.pk])
    client.force_login(case_manager)
    response = client.get(url)
    assert response.headers["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    client.force_login(teacher)
    assert client.get(url).status_code == 403

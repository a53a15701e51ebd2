"""Issue 16.5: no input without an owner. An input about a student with no case manager can be given to anyone
qualified at the student's school (roster.access.input_owners); every assignment is reported input by input,
a refused one as an error naming the student, and is written to the input's trail (T2) and emailed to its owner;
the district and the director are warned of students with an IEP and no case manager (T3)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from iep.models import IEPInput
from roster.access import visible_students
from roster.models import Caseload, StaffAssignment, Student
from tests.factories.accounts import UserFactory
from tests.factories.iep import IEPInputFactory, IEPPlanFactory
from tests.factories.roster import CaseloadFactory, GuardianshipFactory, StaffAssignmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _staff(school, role: str, email: str) -> User:
    user = UserFactory(role=role, email=email, first_name=email.split("@")[0].title(), last_name="Staff")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=role)
    return user


@pytest.fixture
def leo(school, guardian):
    """Maya's schoolmate with an IEP and no case manager (as the Cedar students of the demo)."""
    kid = StudentFactory(school=school, first_name="Leo", last_name="Brown", plan=Student.Plan.IEP)
    GuardianshipFactory(guardian=guardian, student=kid)
    return kid


@pytest.fixture
def slp(school):
    return _staff(school, StaffAssignment.Role.SISP, "slp@school.test")


@pytest.fixture
def principal(school):
    return _staff(school, StaffAssignment.Role.SCHOOL_LEADER, "principal@school.test")


@pytest.fixture
def gone(school):
    """A service provider of Leo's school whose account was closed."""
    user = _staff(school, StaffAssignment.Role.SISP, "gone@school.test")
    User.objects.filter(pk=user.pk).update(is_active=False)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def elsewhere(other_school):
    """A special educator of another school of the same district."""
    return _staff(other_school, StaffAssignment.Role.SPECIAL_EDUCATOR, "elsewhere@school.test")


def _assign(client, director, data) -> list[tuple[str, str]]:
    client.force_login(director)
    response = client.post(reverse("iep:queue-assign"), data, follow=True)
    assert response.status_code == 200
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _unchanged(item: IEPInput, events: int) -> None:
    item.refresh_from_db()
    assert (item.status, item.assigned_to_id, item.events.count()) == ("received", None, events)


@pytest.mark.parametrize("owner", ["slp", "principal", "case_manager"])
def test_an_input_about_a_student_with_no_case_manager_goes_to_anyone_qualified_at_their_school(
        client, request, sped_director, leo, guardian, owner, django_capture_on_commit_callbacks):
    """A service provider, a school leader or a special educator of Leo's school: chosen on the input's row.
    The step is in the input's trail (who gave it to whom) and the new owner is emailed (T2)."""
    person = request.getfixturevalue(owner)
    item = IEPInputFactory(student=leo, submitted_by=guardian)
    with django_capture_on_commit_callbacks(execute=True):
        said = _assign(client, sped_director, {f"owner-{item.pk}": person.pk})
    assert said == [("success", f"Assigned the input about Leo Brown to {person}.")]
    item.refresh_from_db()
    assert (item.status, item.assigned_to, item.assigned_notified_at is not None) == ("assigned", person, True)
    assert list(item.events.values_list("status", "actor", "assigned_to")) == [("assigned", sped_director.pk, person.pk)]
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert "Leo Brown" in mail.outbox[0].body and item.text not in mail.outbox[0].body


@pytest.mark.parametrize("who, why", [
    ("elsewhere", "Leo Brown: Elsewhere Staff does not work at {school}."),
    ("teacher", "Leo Brown: {person} is not a special educator, service provider or school leader at {school}."),
    ("guardian", "Leo Brown: {person} does not work at {school}."),
    ("gone", "Leo Brown: {person} can no longer sign in to Waypoint."),
])
def test_someone_not_qualified_is_refused_with_an_error_naming_the_student_and_nothing_changes(
        client, request, sped_director, leo, guardian, school, who, why):
    """Another school's special educator, a teacher, a parent, a closed account: an error naming Leo and why; no green banner,
    no row and no trail changed, no email."""
    person = request.getfixturevalue(who)
    item = IEPInputFactory(student=leo, submitted_by=guardian)
    events = item.events.count()
    said = _assign(client, sped_director, {"inputs": [item.pk], "assignee": person.pk})
    assert said == [("error", why.format(person=person, school=school.name))]
    _unchanged(item, events)
    assert mail.outbox == []


def test_each_students_own_case_manager_is_refused_for_a_student_without_one(client, sped_director, leo, guardian):
    item = IEPInputFactory(student=leo, submitted_by=guardian)
    said = _assign(client, sped_director, {"inputs": [item.pk], "assignee": "own"})
    assert said == [("error", "Leo Brown has no case manager: choose a person for this input.")]
    _unchanged(item, 0)


def test_a_mixed_bulk_assignment_reports_every_input(client, sped_director, student, leo, guardian, slp, case_manager):
    """One person for the ticked inputs: Leo's goes to the speech-language pathologist of his school; Maya's has a
    case manager (refused, naming her); a closed one is refused; a row choice wins over the ticked choice."""
    leos = IEPInputFactory(student=leo, submitted_by=guardian)
    mayas = IEPInputFactory(student=student, submitted_by=guardian)
    closed = IEPInputFactory(student=leo, submitted_by=guardian, status=IEPInput.Status.CLOSED)
    row = IEPInputFactory(student=student, submitted_by=guardian)
    said = _assign(client, sped_director, {"inputs": [leos.pk, mayas.pk, closed.pk, row.pk], "assignee": slp.pk,
                                           f"owner-{row.pk}": case_manager.pk})
    assert sorted(said) == sorted([
        ("success", f"Assigned the input about Leo Brown to {slp}."),
        ("error", f"Maya Rivera: the input goes to the student's case manager, {case_manager}, not to {slp}."),
        ("error", "Leo Brown: this input is no longer open (Closed); it was left as it was."),
        ("success", f"Assigned the input about Maya Rivera to {case_manager}."),
    ])
    assert dict(IEPInput.objects.values_list("pk", "assigned_to")) == {
        leos.pk: slp.pk, mayas.pk: None, closed.pk: None, row.pk: case_manager.pk}


def test_nothing_done_is_never_a_green_banner(client, sped_director, other_district_director, leo, guardian, slp):
    """An input outside the director's queue (another district's) is refused without naming its student."""
    item = IEPInputFactory(student=leo, submitted_by=guardian)
    said = _assign(client, other_district_director, {"inputs": [item.pk], "assignee": slp.pk})
    assert said == [("error", "One of the inputs chosen is not in your queue any more; it was left as it was.")]
    _unchanged(item, 0)
    assert _assign(client, sped_director, {"assignee": slp.pk}) == [
        ("error", "Select at least one input, or choose a person on its row.")]


def test_the_queue_offers_each_row_its_own_qualified_people(client, sped_director, student, leo, guardian, slp,
                                                            principal, elsewhere, teacher, case_manager):
    """Leo's row offers his school's special educator, service provider and school leader (not another school's
    special educator, not a teacher); Maya's row her case manager. Each row's choice has a label naming the input."""
    leos = IEPInputFactory(student=leo, submitted_by=guardian, kind=IEPInput.Kind.CONCERN)
    IEPInputFactory(student=student, submitted_by=guardian)
    client.force_login(sped_director)
    response = client.get(reverse("iep:queue"))
    rows = {i.student.first_name: i.owners for i in response.context["page"].object_list}
    assert set(rows["Leo"]) == {principal, case_manager, slp} and rows["Maya"] == [case_manager]
    assert set(response.context["bulk_owners"]) == {principal, case_manager, slp}
    page = response.content.decode()
    assert f'name="owner-{leos.pk}" id="owner-{leos.pk}" aria-label="Give the Concern about Leo Brown to"' in page


def test_the_owner_opens_and_answers_only_the_input_given_to_them(client, sped_director, leo, guardian, slp):
    """T1: the owner reaches the input through the door while it is open; not another input about the same
    student; after closing it, not the student either."""
    mine = IEPInputFactory(student=leo, submitted_by=guardian)
    other = IEPInputFactory(student=leo, submitted_by=guardian)
    assert list(visible_students(slp)) == []
    _assign(client, sped_director, {f"owner-{mine.pk}": slp.pk})
    assert list(visible_students(slp)) == [leo] and slp.has_perm("roster.view_student", leo)
    client.force_login(slp)
    assert [i.pk for i in client.get(reverse("iep:queue")).context["page"].object_list] == [mine.pk]
    assert client.get(reverse("iep:input-detail", args=[leo.uuid, mine.pk])).status_code == 200
    assert client.get(reverse("iep:input-detail", args=[leo.uuid, other.pk])).status_code == 404
    act = reverse("iep:input-act", args=[leo.uuid, mine.pk])
    client.post(act, {"action": "answer", "seen_status": "assigned", "answer": "We will call you this week."})
    assert client.post(act, {"action": "close", "seen_status": "answered"}).headers["Location"] == reverse("iep:queue")
    mine.refresh_from_db()
    assert (mine.status, mine.answered_by) == ("closed", slp)
    assert list(visible_students(User.objects.get(pk=slp.pk))) == []


def test_the_deadlines_warn_of_late_reviews_with_no_case_manager(client, sped_director, student, leo):
    today = timezone.localdate()
    late = IEPPlanFactory(student=leo, start_date=today - timedelta(days=400), annual_review_due=today - timedelta(days=5))
    IEPPlanFactory(student=student, start_date=today - timedelta(days=400), annual_review_due=today - timedelta(days=5))
    client.force_login(sped_director)
    response = client.get(reverse("iep:deadlines"))
    deadlines = response.context["deadlines"]
    assert (deadlines.late_without_case_manager, deadlines.late_without_case_manager_count) == ([late], 1)
    assert "Warning: 1 late review or re-evaluation has no case manager" in response.content.decode()
    CaseloadFactory(student=leo, role=Caseload.Role.CASE_MANAGER)
    assert client.get(reverse("iep:deadlines")).context["deadlines"].late_without_case_manager_count == 0


def test_the_demo_district_and_queue_warn_of_the_cedar_students_with_no_case_manager(client, demo):
    """The demo's Cedar students with an IEP have no case manager: the director's queue says how many and lists
    them; the district administrator's overview counts them per school and names no one (the administrator keeps
    the roster, not student records: issue 15.4, tests/trust/test_cross_channel.py); adding one clears both."""
    cedar = list(Student.objects.filter(school__name="Cedar Elementary School", plan=Student.Plan.IEP)
                 .order_by("last_name", "first_name", "pk"))
    assert len(cedar) == 5
    client.force_login(demo["admin@demo.test"])
    overview = client.get(reverse("roster:district-overview"))
    assert overview.context["without_case_manager"] == [{"school__name": "Cedar Elementary School", "n": 5}]
    page = overview.content.decode()
    assert "Warning: students with an IEP have no case manager" in page and "Cedar Elementary School: 5 students" in page
    assert not [kid for kid in cedar if kid.last_name in page or str(kid.uuid) in page]
    client.force_login(demo["director@demo.test"])
    queue = client.get(reverse("iep:queue"))
    assert queue.context["without_case_manager"].count == 5
    assert reverse("iep:student-iep", args=[cedar[0].uuid]) in queue.content.decode()
    late = client.get(reverse("iep:deadlines")).context["deadlines"]
    assert late.late_without_case_manager_count == 2  # the demo's two late Cedar re-evaluations
    assert {plan.student.school.name for plan in late.late_without_case_manager} == {"Cedar Elementary School"}

    for kid in cedar:
        CaseloadFactory(student=kid, role=Caseload.Role.CASE_MANAGER)
    assert "no case manager" not in client.get(reverse("iep:queue")).content.decode()
    assert client.get(reverse("iep:deadlines")).context["deadlines"].late_without_case_manager_count == 0
    client.force_login(demo["admin@demo.test"])
    assert "no case manager" not in client.get(reverse("roster:district-overview")).content.decode()
    assert client.get(reverse("roster:district-overview")).context["without_case_manager"] == []

"""Issue 17.1: the student's own home, in her voice (P1, T1 door and log, T10 query counts)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from competencies.models import Mastery
from profiles.models import ProfileGoal, ProfileSection
from tests.factories.competencies import CompetencyFactory
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.profiles import ProfileGoalFactory, ProfileSectionFactory


def _home(client, student):
    return client.get(reverse("me:home", args=[student.uuid]))


def test_me_leads_to_her_own_home_through_the_door_and_is_logged(client, maya_user, student):
    client.force_login(maya_user)
    response = client.get(reverse("roster:student-home"))
    assert response.status_code == 302 and response.url == reverse("me:home", args=[student.uuid])
    # the staff's basic record is not hers to read: it sends her home too
    assert client.get(reverse("roster:student-detail", args=[student.uuid])).url == reverse("me:home", args=[student.uuid])
    assert _home(client, student).status_code == 200
    assert AccessEvent.objects.filter(student=student, user=maya_user, route_name="me:home", outcome="allowed").exists()


def test_only_she_opens_her_home(client, student, teacher, guardian, other_student, maya_user):
    for person, status in ((teacher, 403), (guardian, 403)):
        client.force_login(person)
        assert _home(client, student).status_code == status, person
    client.force_login(maya_user)
    assert _home(client, other_student).status_code == 404


def test_home_names_now_and_next_in_her_words_and_no_staff_record(client, maya_user, student, assign):
    """Now and next come from the one rule (paths.selectors.now_and_next); pace is kind; no legal surname, student
    number, plan label or staff flag."""
    assign([student], start_date=timezone.localdate() - timedelta(days=60))
    client.force_login(maya_user)
    body = _home(client, student).content.decode()
    assert ">Maya Rivera<" not in body  # the header names her by her first name
    assert "Hi, Maya!" in body
    assert "Today I am working on" in body and "Step 1" in body
    assert "My next step" in body and "Step 2" in body
    assert "catch up" in body
    for staff_word in ("Rivera", "S10000", "Student number", "Legal name", "IEP</span>", "Behind", "Flagged",
                       "needs a look", "Basic record"):
        assert staff_word not in body, staff_word
    assert 'href="' + reverse("paths:step-choose", args=[student.uuid, student.learning_paths.get().pk,
                                                         student.learning_paths.get().steps.order_by("position").first().pk]) in body


def test_her_goals_say_how_it_is_going_in_the_students_words(client, maya_user, student, case_manager):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    goal = GoalFactory(plan=plan)
    for n in range(6):  # six results under the aim line: the decision rule says "not on track"
        ProgressPointFactory(goal=goal, value=40, recorded_by=case_manager,
                             measured_on=timezone.localdate() - timedelta(days=60 - 7 * n))
    served = ProfileGoalFactory(student=student, description="Read 100 words a minute", owner=ProfileGoal.Owner.IEP_TEAM)
    goal.profile_goals.add(served)
    ProfileGoalFactory(student=student, description="Ask for a break when I need one", owner=ProfileGoal.Owner.STUDENT)
    client.force_login(maya_user)
    body = _home(client, student).content.decode()
    assert "My goal:" in body and "How it is going:" in body
    assert "Your teachers will try a new way to help you." in body  # iep.status, audience "student"
    assert "the team should change the instruction" not in body
    assert "Ask for a break when I need one" in body
    assert "Read 100 words a minute" not in body  # one current target per goal: the IEP goal carries it


def test_how_i_learn_best_puts_her_own_words_first(client, maya_user, student, teacher):
    ProfileSectionFactory(student=student, kind=ProfileSection.Kind.STRENGTHS, text="Maya draws detailed comics.",
                          visibility="student")
    ProfileSectionFactory(student=student, kind=ProfileSection.Kind.ABOUT_ME, text="I like to draw first, then write.",
                          visibility="student")
    client.force_login(maya_user)
    body = client.get(reverse("profiles:detail", args=[student.uuid])).content.decode()
    assert body.index("In my own words") < body.index("I like to draw first") < body.index("What my teachers wrote for me")
    assert body.index("What my teachers wrote for me") < body.index("What I am good at") < body.index("Maya draws detailed comics.")
    assert "What motivates them" not in body and "Learner profile" not in body
    assert reverse("profiles:about-me-edit", args=[student.uuid]) in body


def _grow(student, framework, n):
    for i in range(n):
        competency = CompetencyFactory(framework=framework, code=f"X.{n}.{i}", statement=f"Skill {n}.{i}")
        Mastery.objects.create(student=student, competency=competency, method="latest", computed_at=timezone.now(),
                               evidence_count=1, value=4, is_mastered=True, effective_value=4, effective_mastered=True,
                               mastered_on=timezone.localdate() - timedelta(days=i))
        ProfileGoalFactory(student=student, description=f"My goal {n}.{i}", owner=ProfileGoal.Owner.STUDENT)
    plan = student.iep_plans.filter(is_current=True).first() or IEPPlanFactory(student=student)
    for _i in range(n):
        ProgressPointFactory(goal=GoalFactory(plan=plan), value=50)


@pytest.mark.parametrize("size", [1, 4])
def test_home_query_count_stays_as_data_grow(client, maya_user, student, assign, framework, size):
    """T10/P1: the same number of queries with 1 or 4 goals, results, masteries and own goals (at most 12)."""
    assign([student], start_date=timezone.localdate() - timedelta(days=10))
    _grow(student, framework, size)
    client.force_login(maya_user)
    _home(client, student)
    with CaptureQueriesContext(connection) as captured:
        response = _home(client, student)
    assert response.status_code == 200
    assert len(response.context["home"].mastered) == min(size, 5)
    assert len(captured.captured_queries) == HOME_QUERIES, "\n".join(q["sql"][:160] for q in captured.captured_queries)


HOME_QUERIES = 11  # session, user, the door, its log; now and next (steps, class competencies: the path covers the class), IEP goals, results, own goals, mastered, sessions


def test_her_goals_tab_is_in_her_words_without_the_plans_dates(client, maya_user, student, case_manager):
    GoalFactory(plan=IEPPlanFactory(student=student, case_manager=case_manager))
    client.force_login(maya_user)
    body = client.get(reverse("iep:student-iep", args=[student.uuid])).content.decode()
    assert "My goals and how they are going" in body
    for staff_words in ("Annual review due", "Re-evaluation due", "Measurable annual goals", "needs a look"):
        assert staff_words not in body, staff_words


def test_without_a_path_her_home_names_what_she_started_in_class_within_twelve_queries(client, maya_user, student,
                                                                                        competencies):
    """The rule's competency-graph part on her home (no path covers the class), and P1 with the prerequisites read."""
    Mastery.objects.create(student=student, competency=competencies[3], method="latest", computed_at=timezone.now(),
                           evidence_count=1, value=2, is_mastered=False, effective_value=2, effective_mastered=False)
    client.force_login(maya_user)
    _home(client, student)
    with CaptureQueriesContext(connection) as captured:
        body = _home(client, student).content.decode()
    assert "Fractions skill 4" in body[body.index("Today I am working on"):body.index("My next step")]
    assert "Fractions skill 1" in body[body.index("My next step"):body.index('id="goals-heading"')]
    assert len(captured.captured_queries) <= 12

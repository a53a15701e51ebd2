"""paths pages: access (T1.2), the student's choice, and query counts at two sizes (P1, T10)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AccessEvent
from paths import selectors
from paths.models import PathStep
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory
from tests.factories.paths import LearningSessionFactory, TemplateOptionFactory, TemplateStepFactory
from tests.factories.roster import EnrollmentFactory, StaffAssignmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_user(student):
    student.user = UserFactory(role=User.Role.STUDENT, email="maya@school.test")
    student.save(update_fields=["user"])
    return student.user


def class_of(section, size):
    kids = [StudentFactory(school=section.school) for _ in range(size)]
    for kid in kids:
        EnrollmentFactory(student=kid, section=section)
    return kids


def grow_template(template, framework, extra_steps):
    for index in range(extra_steps):
        step = TemplateStepFactory(template=template, position=10 + index, competencies=[CompetencyFactory(framework=framework)])
        TemplateOptionFactory(step=step, kind="show", mode="present", title="Present to the teacher")


def test_student_sees_only_their_own_path(client, student_user, student, other_student, assign, template, other_teacher):
    """T1.2: another student's path answers 404, the same as a student who does not exist."""
    assign([student])
    client.force_login(student_user)
    assert client.get(reverse("paths:path-detail", args=[student.uuid])).status_code == 200
    assert client.get(reverse("paths:path-detail", args=[other_student.uuid])).status_code == 404


def test_student_cannot_mark_their_step_mastered(client, student_user, student, assign):
    """Issue #5: the open-or-skip door is the teacher's (403 for the student); the step does not move."""
    (path,) = assign([student])
    step = path.steps.get(position=0)
    client.force_login(student_user)
    url = reverse("paths:step-override", args=[student.uuid, path.pk, step.pk])
    response = client.post(url, {"action": "skip", "reason": "I know it"})
    step.refresh_from_db()
    assert (response.status_code, step.status) == (403, PathStep.Status.OPEN)
    assert AccessEvent.objects.filter(student=student, outcome=AccessEvent.Outcome.DENIED).count() == 1


def test_student_picks_a_show_option_and_says_why(client, student_user, student, assign):
    """Journey 3: 'make a short video' instead of 'write a paragraph'."""
    (path,) = assign([student])
    step = path.steps.get(position=0)
    video = step.options.get(title="Make a short video")
    client.force_login(student_user)
    url = reverse("paths:step-choose", args=[student.uuid, path.pk, step.pk])
    response = client.post(url, {"show": str(video.pk), "reason": "Talking it through helps me"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.chosen_show, step.choice_reason, step.status) == (video, "Talking it through helps me", "open")
    page = client.get(reverse("paths:path-detail", args=[student.uuid])).content.decode()
    assert "Talking it through helps me" in page and "Make a video: chosen once" in page


def test_choice_form_refuses_an_empty_choice_in_plain_words(client, student_user, student, assign):
    (path,) = assign([student])
    step = path.steps.get(position=0)
    client.force_login(student_user)
    response = client.post(reverse("paths:step-choose", args=[student.uuid, path.pk, step.pk]), {"reason": "x"})
    assert response.status_code == 200
    assert "Choose a way to learn or a way to show what you learned." in response.content.decode()


def test_teacher_adapts_a_step_through_the_page(client, teacher, student, assign, competencies):
    (path,) = assign([student])
    step = path.steps.get(position=1)
    client.force_login(teacher)
    new_date = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = client.post(reverse("paths:step-edit", args=[student.uuid, path.pk, step.pk]),
                           {"title": "Step 2 with support", "description": "", "target_date": new_date,
                            "competencies": [competencies[3].pk]})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.title, step.target_date.isoformat(), list(step.competencies.all())) == ("Step 2 with support", new_date, [competencies[3]])


@pytest.mark.parametrize(("students", "extra_steps"), [(1, 0), (6, 4)])
def test_section_pacing_query_count_does_not_grow(client, teacher, section, student, assign, template, framework,
                                                  students, extra_steps, django_assert_num_queries):
    """Issue #5, P1, T10: the same count with 2 or 7 students and 3 or 7 steps."""
    grow_template(template, framework, extra_steps)
    assign([student, *class_of(section, students)])
    client.force_login(teacher)
    with django_assert_num_queries(8):  # the class door: one query, its answers reused by the permission; one access event per student, one INSERT ... SELECT (issue 19.3); the standing (19.2)
        response = client.get(reverse("paths:section-pacing", args=[section.pk]))
    assert len(response.context["rows"]) == students + 1
    assert {row.pace.total for row in response.context["rows"]} == {3 + extra_steps}


@pytest.mark.parametrize("extra_steps", [0, 5])
def test_path_page_query_count_does_not_grow_with_steps(client, teacher, student, assign, template, framework, extra_steps,
                                                        django_assert_num_queries):
    grow_template(template, framework, extra_steps)
    (path,) = assign([student])
    LearningSessionFactory(section=path.section, staff=teacher, students=[student])
    client.force_login(teacher)
    with django_assert_num_queries(12):
        response = client.get(reverse("paths:path-detail", args=[student.uuid]))
    assert len(response.context["paths"][0].steps) == 3 + extra_steps
    assert len(response.context["sessions"]) == 1


@pytest.mark.parametrize("students", [2, 7])
def test_group_suggestions_query_count_and_groups(client, teacher, section, student, assign, students, django_assert_num_queries):
    """Everyone's current step needs 5.NF.1: one suggested group holding them all (at most 6 a group)."""
    assign([student, *class_of(section, students - 1)])
    LearningSessionFactory(section=section, staff=teacher, students=[student])
    client.force_login(teacher)
    with django_assert_num_queries(12):  # the class door (issue 19.3), the standing (19.2), the support plans (20.7)
        response = client.get(reverse("paths:section-groups", args=[section.pk]))
    suggestions = response.context["suggestions"]
    assert sum(len(s.students) for s in suggestions) == students
    assert {s.competency.code for s in suggestions} == {"5.NF.1"}


@pytest.mark.parametrize("count", [1, 4])
def test_sessions_pages_query_counts(client, teacher, section, student, school, count, django_assert_num_queries):
    leader = UserFactory(role=User.Role.SCHOOL_LEADER)
    StaffAssignmentFactory(user=leader, district=school.district, school=school, role="school_leader")
    start = timezone.now() + timedelta(hours=2)
    for n in range(count):
        LearningSessionFactory(section=section, staff=teacher, students=[student], starts_at=start + timedelta(hours=n))
    client.force_login(teacher)
    with django_assert_num_queries(5):  # the person's standing (roster.access.standing), read from relationships, not User.role (issue 19.2)
        assert len(client.get(reverse("paths:my-sessions")).context["sessions"]) == count
    client.force_login(leader)
    with django_assert_num_queries(5):  # + the standing (issue 19.2)
        days = client.get(reverse("paths:school-sessions")).context["days"]
    assert sum(len(day_sessions) for _day, day_sessions in days) == count


def test_school_sessions_show_only_the_leaders_school(client, section, teacher, student, other_student, other_teacher, other_school):
    leader = UserFactory(role=User.Role.SCHOOL_LEADER)
    StaffAssignmentFactory(user=leader, district=section.school.district, school=section.school, role="school_leader")
    mine = LearningSessionFactory(section=section, staff=teacher, students=[student])
    other_section = other_student.enrollments.get().section
    LearningSessionFactory(section=other_section, staff=other_teacher, students=[other_student])
    assert selectors.school_sessions(leader) == [mine]


@pytest.mark.parametrize("count", [1, 3, 50])
def test_template_list_query_count(client, teacher, school, framework, count, django_assert_num_queries):
    from tests.factories.paths import PathTemplateFactory

    PathTemplateFactory.create_batch(count, school=school, framework=framework)
    client.force_login(teacher)
    with django_assert_num_queries(5):  # the person's standing (roster.access.standing), read from relationships, not User.role (issue 19.2)
        response = client.get(reverse("paths:template-list"))
    assert len(response.context["templates"]) == count


def test_now_and_next_follows_the_path(student, assign):
    """Issue 17.2: where a path is active, the path decides now (its current step) and next (the step after)."""
    assign([student], start_date=timezone.localdate() - timedelta(days=60))
    learning = selectors.now_and_next(student)
    assert [i.title for i in learning.now] == ["Step 1"] and [i.title for i in learning.next] == ["Step 2"]
    (pace,) = learning.paths
    assert pace.status == "behind" and pace.behind_by > 0
    assert pace.words.startswith("Behind plan: 0 of 3 steps are done")
    kind = selectors.pace_for_student(pace.status, pace.behind_by)
    assert "catch up" in kind and "Behind" not in kind


@pytest.mark.parametrize("steps", [1, 3, 50])
def test_template_detail_query_count_does_not_grow_with_steps(client, teacher, school, framework, steps,
                                                              django_assert_num_queries):
    """P1: the template page (steps, their competencies and options, with edit and move buttons) reads the same
    number of queries for 1, 3 and 50 steps."""
    from tests.factories.paths import PathTemplateFactory

    template = PathTemplateFactory(school=school, framework=framework)
    for index in range(steps):
        step = TemplateStepFactory(template=template, position=index, competencies=[CompetencyFactory(framework=framework)])
        TemplateOptionFactory(step=step, kind="learn", mode="watch", title=f"Watch the video {index}")
        TemplateOptionFactory(step=step, kind="show", mode="present", title=f"Present to the teacher {index}")
    client.force_login(teacher)
    with django_assert_num_queries(7):  # the person's standing (roster.access.standing), read from relationships, not User.role (issue 19.2)
        response = client.get(reverse("paths:template-detail", kwargs={"template_id": template.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert all(f"Present to the teacher {index}<" in page and f"Watch the video {index}<" in page for index in range(steps))


def test_now_and_next_follows_the_competency_graph_where_no_path_covers_the_class(student, competencies):
    """Issue 17.2: no path for the class, so the graph decides: now = results and not mastered, next = ready and
    no result yet (5.NF.1 mastered opens 5.NF.2; 5.NF.4 has no prerequisite; 5.NF.3 waits for 5.NF.2)."""
    from competencies.models import Mastery

    def stored(competency, mastered):
        Mastery.objects.create(student=student, competency=competency, method="latest", computed_at=timezone.now(),
                               evidence_count=1, value=4 if mastered else 2, is_mastered=mastered,
                               effective_value=4 if mastered else 2, effective_mastered=mastered,
                               mastered_on=timezone.localdate() if mastered else None)

    stored(competencies[0], True)
    stored(competencies[3], False)
    learning = selectors.now_and_next(student)
    assert [i.title for i in learning.now] == ["Fractions skill 4"]
    assert [i.title for i in learning.next] == ["Fractions skill 2"]
    assert learning.paths == [] and all(i.path_id is None for i in learning.now + learning.next)


def test_now_and_next_for_many_students_keeps_each_ones_own_in_two_queries(student, section, competencies,
                                                                         django_assert_num_queries):
    """The digest asks for every child at once: each child's now and next are their own (same class, different
    results), in two queries whatever the number of students."""
    from competencies.models import Mastery
    from tests.factories.roster import EnrollmentFactory, StudentFactory

    other = StudentFactory(school=student.school, first_name="Leo")
    EnrollmentFactory(student=other, section=section)
    Mastery.objects.create(student=student, competency=competencies[0], method="latest", computed_at=timezone.now(),
                           evidence_count=1, value=4, is_mastered=True, effective_value=4, effective_mastered=True,
                           mastered_on=timezone.localdate())
    Mastery.objects.create(student=other, competency=competencies[3], method="latest", computed_at=timezone.now(),
                           evidence_count=1, value=2, is_mastered=False, effective_value=2, effective_mastered=False)
    with django_assert_num_queries(2):
        both = selectors.now_and_next_for([student, other])
    assert ([i.title for i in both[student.pk].now], [i.title for i in both[student.pk].next]) == (
        [], ["Fractions skill 2", "Fractions skill 4"])
    assert ([i.title for i in both[other.pk].now], [i.title for i in both[other.pk].next]) == (
        ["Fractions skill 4"], ["Fractions skill 1"])

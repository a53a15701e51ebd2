import pytest
from django.urls import reverse

from roster.models import Student
from tests.factories.roster import EnrollmentFactory, GuardianshipFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_teacher_home_lists_this_terms_classes_and_their_students(client, teacher, student, other_student):
    client.force_login(teacher)
    response = client.get(reverse("roster:staff-home"))
    body = response.content.decode()
    assert [s.name for s in response.context["sections"]] == ["Grade 5 Math"]
    assert "Maya Rivera" in body
    assert "Oscar" not in body


def test_teacher_home_with_no_class_says_so(client, other_teacher):
    client.force_login(other_teacher)
    assert "You are not teaching a class this term." in client.get(reverse("roster:staff-home")).content.decode()


@pytest.mark.parametrize("student_count", [5, 50])
def test_teacher_home_query_count_does_not_grow_with_students(client, teacher, section, case_manager, student_count, django_assert_num_queries):
    """T10 / P1: same count at 5 and 50 students."""
    for kid in StudentFactory.create_batch(student_count, school=section.school):
        EnrollmentFactory(student=kid, section=section)
    client.force_login(teacher)
    # 5, 2 asking what needs the teacher (issue 17.3; tests/roster/test_start_page.py: a teacher with no caseload who
    # reviews no one's inputs is not asked about IEPs, issue 23), the person's standing (issue 19.2)
    with django_assert_num_queries(8):
        response = client.get(reverse("roster:staff-home"))
    assert len(response.context["sections"][0].enrollments.all()) == student_count


@pytest.mark.parametrize("guardian_count", [1, 20])
def test_student_page_query_count_does_not_grow(client, teacher, student, guardian_count, django_assert_num_queries):
    for _ in range(guardian_count):
        GuardianshipFactory(student=student)
    client.force_login(teacher)
    with django_assert_num_queries(8):
        response = client.get(reverse("roster:student-detail", args=[student.uuid]))
    assert len(response.context["guardianships"]) == guardian_count + 1


@pytest.mark.parametrize("student_count", [5, 50])
def test_student_list_query_count_does_not_grow(client, sped_director, school, student_count, django_assert_num_queries):
    StudentFactory.create_batch(student_count, school=school, plan=Student.Plan.IEP)
    client.force_login(sped_director)
    with django_assert_num_queries(5):  # + the person's standing, from relationships (issue 19.2)
        response = client.get(reverse("roster:student-list"))
    assert response.context["page"].paginator.count == student_count


def test_student_page_shows_the_basic_record(client, teacher, student, case_manager, guardian):
    client.force_login(teacher)
    body = client.get(reverse("roster:student-detail", args=[student.uuid])).content.decode()
    for text in ("Maya Rivera", student.school.name, "Grade 5 Math", str(case_manager), "Case manager", str(guardian)):
        assert text in body


def test_disability_category_hidden_from_general_teacher(client, teacher, case_manager, student):
    student.disability_category = "Specific learning disability"
    student.save()
    client.force_login(teacher)
    assert "Specific learning disability" not in client.get(reverse("roster:student-detail", args=[student.uuid])).content.decode()
    client.force_login(case_manager)
    assert "Specific learning disability" in client.get(reverse("roster:student-detail", args=[student.uuid])).content.decode()


def test_student_list_search_finds_by_name_within_visible_students_only(client, sped_director, student, other_student):
    client.force_login(sped_director)
    response = client.get(reverse("roster:student-list"), {"q": "maya"})
    assert list(response.context["page"].object_list) == [student]
    assert list(client.get(reverse("roster:student-list"), {"q": "oscar"}).context["page"].object_list) == []


def test_family_home_lists_only_own_children(client, guardian, student, other_student):
    client.force_login(guardian)
    response = client.get(reverse("roster:family-home"))
    assert list(response.context["children"]) == [student]


def test_student_account_goes_to_her_own_home(client, student):
    """Issue 17.1: her start page is her own home, not the staff's record of her."""
    from tests.factories.accounts import UserFactory

    student.user = UserFactory(role="student")
    student.save()
    client.force_login(student.user)
    response = client.get(reverse("roster:student-home"))
    assert response.headers["Location"] == reverse("me:home", args=[student.uuid])


def test_malformed_uuid_is_404_not_500(client, teacher):
    """T1.4"""
    client.force_login(teacher)
    assert client.get("/students/not-a-uuid/").status_code == 404
    assert client.get("/students/12345678-1234-1234-1234-12345678/").status_code == 404


def test_hidden_student_404_is_byte_identical_to_unknown_uuid(client, other_teacher, student):
    """T1.4: no existence oracle."""
    import re
    import uuid

    client.force_login(other_teacher)
    hidden = client.get(reverse("roster:student-detail", args=[student.uuid]))
    unknown = client.get(reverse("roster:student-detail", args=[uuid.uuid4()]))
    strip = lambda r: re.sub(r'(csrfmiddlewaretoken" value="|nonce=")[^"]+', "", r.content.decode())  # noqa: E731
    assert hidden.status_code == unknown.status_code == 404
    assert strip(hidden) == strip(unknown)


def test_district_overview_counts_without_student_names(client, demo):
    client.force_login(demo["admin@demo.test"])
    response = client.get(reverse("roster:district-overview"))
    rows = {s.name: (s.student_count, s.section_count) for s in response.context["schools"]}
    assert rows == {"Cedar Elementary School": (28, 2), "Maple Elementary School": (32, 2)}
    assert "Maya" not in response.content.decode()

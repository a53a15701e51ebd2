"""Who reads which part of a learner profile (quality.md T1.3, T1.5): decided in roster/access.py."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AccessEvent
from profiles.packet import packet_html
from profiles.selectors import profile_for
from roster.access import (
    directs_special_education_for,
    has_on_caseload,
    is_guardian_of,
    is_the_student,
    leads_school_of,
    profile_relationships,
    teaches,
)
from roster.models import Student

pytestmark = pytest.mark.django_db

PREDICATES = {
    "teaches": teaches, "has_on_caseload": has_on_caseload, "leads_school": leads_school_of,
    "directs": directs_special_education_for, "guardian": is_guardian_of, "self": is_the_student,
}  # fmt: skip


def _demo_people(demo) -> list[User]:
    """The ten demo accounts and three family accounts (every relationship the policy knows)."""
    families = User.objects.filter(email__startswith="family.").order_by("email")[:3]
    return [*demo.values(), *families]


def test_profile_permissions_agree_with_the_policy_for_every_demo_account(demo):
    """T1.5: the profile permissions' shared query agrees with each roster predicate, user by user,
    and profiles.view is granted exactly like the student record."""
    students = list(Student.objects.select_related("school"))
    disagreements = []
    for user in _demo_people(demo):
        for student in students:
            expected = {name for name, predicate in PREDICATES.items() if predicate.test(user, student)}
            if profile_relationships(user, student) != expected:
                disagreements.append((user.email, student.sourced_id, "relationships"))
            if user.has_perm("profiles.view", student) != user.has_perm("roster.view_student", student):
                disagreements.append((user.email, student.sourced_id, "view"))
    assert disagreements == []


def test_relationships_are_asked_once_per_student_instance(teacher, student, django_assert_num_queries):
    """P1: the profile page asks up to eight permission questions for one query."""
    fresh = Student.objects.select_related("school__district").get(pk=student.pk)
    with django_assert_num_queries(1):
        answers = [teacher.has_perm(p, fresh) for p in (
            "profiles.view", "profiles.change", "profiles.view_restricted", "profiles.view_staff_only",
            "profiles.view_family_shared", "profiles.view_student_shared", "profiles.edit_own_voice", "profiles.view_history",
        )]  # fmt: skip
    assert answers == [True, True, False, True, True, True, False, True]


def _texts(user, student) -> list[str]:
    fresh = Student.objects.select_related("school__district").get(pk=student.pk)
    return [s.text for s in profile_for(student=fresh, viewer=user).sections if s.text]


def test_each_audience_reads_only_its_sections(teacher, case_manager, guardian, student_user, student, sections):
    """T1.3: staff-only, family-shared, student-shared and restricted sections, per reader."""
    assert _texts(teacher, student) == [
        "STUDENT-SHARED great at drawing", "FAMILY-SHARED reading needs", "STAFF-ONLY planner notes",
    ]
    assert _texts(case_manager, student) == [
        "STUDENT-SHARED great at drawing", "FAMILY-SHARED reading needs", "STAFF-ONLY planner notes",
        "RESTRICTED evaluation findings",
    ]
    assert _texts(guardian, student) == [
        "STUDENT-SHARED great at drawing", "FAMILY-SHARED reading needs", "RESTRICTED evaluation findings",
    ]
    assert _texts(student_user, student) == ["STUDENT-SHARED great at drawing"]


def test_general_teacher_never_receives_restricted_details(client, teacher, student, sections, goal):
    """T1.3: no page, fragment, history or packet source sent to a general teacher holds evaluation details."""
    student.disability_category = "Specific learning disability"
    student.save()
    client.force_login(teacher)
    uuid = student.uuid
    bodies = [
        client.get(reverse("profiles:detail", args=[uuid])).content.decode(),
        client.get(reverse("profiles:history", args=[uuid])).content.decode(),
        client.get(reverse("profiles:packet", args=[uuid])).content.decode(),
        client.get(reverse("profiles:meet", args=[uuid])).content.decode(),
        packet_html(request=None, student=student, profile=profile_for(student=student, viewer=teacher, include_empty=False)),
    ]
    assert [("RESTRICTED" in b, "Specific learning disability" in b) for b in bodies] == [(False, False)] * 5
    assert "STAFF-ONLY planner notes" in bodies[0]
    fragment = client.get(reverse("profiles:section", args=[uuid, "evaluation"]), HTTP_HX_REQUEST="true")
    edit = client.get(reverse("profiles:section-edit", args=[uuid, "evaluation"]), HTTP_HX_REQUEST="true")
    assert (fragment.status_code, edit.status_code) == (404, 404)
    assert "RESTRICTED" not in fragment.content.decode() + edit.content.decode()


def test_family_sees_only_family_shared_parts(client, guardian, student, sections, goal, accommodation):
    client.force_login(guardian)
    body = client.get(reverse("profiles:detail", args=[student.uuid])).content.decode()
    assert "FAMILY-SHARED reading needs" in body
    assert "STUDENT-SHARED great at drawing" in body
    assert "STAFF-ONLY" not in body
    assert "Read 100 words per minute" in body and "Extended time on tests" in body
    assert reverse("profiles:section-edit", args=[student.uuid, "needs"]) not in body
    fragment = client.get(reverse("profiles:section", args=[student.uuid, "executive_functioning"]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 404


def test_student_sees_student_shared_parts_and_who_reads_about_me(client, student_user, student, sections):
    client.force_login(student_user)
    body = client.get(reverse("profiles:detail", args=[student.uuid])).content.decode()
    assert "STUDENT-SHARED great at drawing" in body
    assert ("FAMILY-SHARED" in body, "STAFF-ONLY" in body, "RESTRICTED" in body) == (False, False, False)
    page = client.get(reverse("profiles:about-me-edit", args=[student.uuid])).content.decode()
    assert "Who can read what you write here" in page and "Your family" in page


@pytest.mark.parametrize("persona", ["other_teacher", "other_guardian"])
def test_outsiders_get_404_and_the_denial_is_logged(client, request, persona, student, sections):
    """T1.2 (teacher2 and parent2 in the demo): another school's teacher, another family."""
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for name in ("profiles:detail", "profiles:history", "profiles:packet"):
        response = client.get(reverse(name, args=[student.uuid]))
        assert response.status_code == 404
        assert "STUDENT-SHARED" not in response.content.decode()
    events = AccessEvent.objects.filter(user=user).order_by("at", "pk")
    assert [(e.permission, e.outcome, e.student_id) for e in events] == [
        ("profiles.view", "denied", student.pk), ("profiles.view_history", "denied", student.pk),
        ("profiles.print_packet", "denied", student.pk),
    ]


def test_every_view_and_edit_writes_one_access_event(client, teacher, student, sections):
    """T2 (FERPA 99.32): one AccessEvent per request, view and change alike."""
    client.force_login(teacher)
    client.get(reverse("profiles:detail", args=[student.uuid]))
    url = reverse("profiles:section-edit", args=[student.uuid, "strengths"])
    client.post(url, {"text": "New words", "visibility": "student", "base_version": sections["student"].version})
    events = AccessEvent.objects.filter(user=teacher).order_by("at", "pk")
    assert [(e.action, e.permission, e.route_name, e.outcome) for e in events] == [
        ("view", "profiles.view", "profiles:detail", "allowed"),
        ("change", "profiles.change", "profiles:section-edit", "allowed"),
    ]


def test_principal_reads_but_cannot_edit(client, student, sections, school):
    from roster.models import StaffAssignment
    from tests.factories.accounts import UserFactory
    from tests.factories.roster import StaffAssignmentFactory

    principal = UserFactory(role="school_leader")
    StaffAssignmentFactory(user=principal, district=school.district, school=school, role=StaffAssignment.Role.SCHOOL_LEADER)
    client.force_login(principal)
    assert client.get(reverse("profiles:detail", args=[student.uuid])).status_code == 200
    response = client.post(reverse("profiles:section-edit", args=[student.uuid, "strengths"]), {"text": "x", "base_version": 1})
    assert response.status_code == 403
    sections["student"].refresh_from_db()
    assert sections["student"].text == "STUDENT-SHARED great at drawing"

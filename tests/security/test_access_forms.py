"""T1.5, issue 19: every form of every access rule in roster/access.py (the list forms, the reverse forms, the class
form) agrees with the single-student predicate, person by person and student by student, on the demo district and
on generated districts (hypothesis). A copy of a rule that drifts (the over-18 rule dropped, a 504 plan let into
the IEP queue, a class of last term opened) fails here."""

from datetime import timedelta

import pytest
import rules
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from iep.models import IEPInput
from privacy.selectors import staff_with_pii_access
from roster import access, demo
from roster.models import Caseload, District, Section, StaffAssignment, Student
from tests.trust.test_policy_property import _build, district_spec

pytestmark = pytest.mark.django_db


def _rule(name: str, user: User, obj) -> bool:
    """The predicate itself, without backends (a superuser flag widens nothing here)."""
    return bool(rules.permissions.permissions[name].test(user, obj))


def _disagreements() -> list:
    """Every form against the single-student predicate, for every person and student in the database."""
    found = []
    people = list(User.objects.all())
    students = list(Student.objects.select_related("school__district", "user"))
    sees = {u.pk: set(access.visible_students(u).values_list("pk", flat=True)) for u in people}
    reviews = {u.pk: set(access.reviewable_students(u).values_list("pk", flat=True)) for u in people}
    supports = {u.pk: set(access.mtss_students(u).values_list("pk", flat=True)) for u in people}
    for s in students:
        staff_seeing = set(access.staff_who_may_see(s).values_list("pk", flat=True))
        guardians = set(access.guardians_with_rights(s).values_list("pk", flat=True))
        handlers = set(access.input_handlers(s).values_list("pk", flat=True))
        reviewers = set(access.input_reviewers(s).values_list("pk", flat=True))
        answerers = set(access.support_team(s).values_list("pk", flat=True))
        readers = {u.pk for u in access.family_readers(s)}
        passed = access.rights_passed_to_student(s)
        if passed != (s.is_adult and not s.is_dependent_adult):
            found.append(("rights_passed_to_student", s.first_name, passed))
        has_manager = Caseload.objects.filter(student=s, role=Caseload.Role.CASE_MANAGER, is_active=True,
                                              staff__is_active=True).exists()
        for u in people:
            u = User.objects.get(pk=u.pk)  # a fresh object: nothing remembered from another form
            one = access.may_see(u, s)
            guardian = bool(access.is_guardian_of.test(u, s))
            staff = bool((access.works_with | access.owns_input_about).test(u, s))
            checks = {
                "visible_students": (s.pk in sees[u.pk], one),
                "staff_who_may_see": (u.pk in staff_seeing, staff),
                "guardians_with_rights": (u.pk in guardians, guardian),
                "reviewable_students": (s.pk in reviews[u.pk], _rule("iep.review_queue", u, s)),
                "mtss_students": (s.pk in supports[u.pk], _rule("mtss.view", u, s)),
                "support_team": (u.pk in answerers, _rule("mtss.answer_input", u, s)),
                "input_handlers": (u.pk in handlers, _rule("iep.handle_input", u, s)),
                "input_reviewers": (u.pk in reviewers, bool(access.has_iep.test(u, s)) and bool(
                    access.is_case_manager_of.test(u, s) if has_manager else access.directs_special_education_for.test(u, s))),
                "family_readers": (u.pk in readers, guardian or (passed and s.user_id == u.pk)),
            }
            found += [(form, u.email, s.first_name, got, want) for form, (got, want) in checks.items() if got != want]
    for district in District.objects.all():
        registry = {row.user.pk for row in staff_with_pii_access(district_ids=[district.pk])}
        in_district = [s for s in students if s.school.district_id == district.pk]
        want = {u.pk for u in people if any(bool((access.works_with | access.owns_input_about).test(
            User.objects.get(pk=u.pk), s)) for s in in_district)}
        want |= set(StaffAssignment.objects.filter(district=district, role=StaffAssignment.Role.DISTRICT_ADMIN,
                                                   user__is_active=True).values_list("user", flat=True))
        if registry != want:
            found.append(("staff_with_pii_access", district.name, registry ^ want))
    for u in people:  # the shortcuts a page takes before asking a list form (no query of their own) never hide anyone
        fresh = User.objects.get(pk=u.pk)
        if reviews[u.pk] and not access.reviews_anyone(fresh):
            found.append(("reviews_anyone", u.email))
        on_caseload = Caseload.objects.filter(staff=u, is_active=True, student__in=access.visible_students(u)).exists()
        if on_caseload and not access.has_caseload(fresh):
            found.append(("has_caseload", u.email))
    for u in people:
        grid = set(access.grid_sections(u).values_list("pk", flat=True))
        for section in Section.objects.all():
            fresh = User.objects.get(pk=u.pk)
            one = _rule("competencies.view_section_grid", fresh, section)
            if (section.pk in grid) != one:
                found.append(("grid_sections", u.email, section.name, section.pk in grid, one))
    return found


def test_every_form_agrees_on_the_demo_district():
    demo.seed()
    maya = Student.objects.get(user__email="student@demo.test")
    # An input given to the speech-language pathologist: its owner appears in the list and reverse forms.
    IEPInput.objects.create(student=maya, submitted_by=User.objects.get(email="parent@demo.test"), text="x",
                            assigned_to=User.objects.get(email="slp@demo.test"))
    assert _disagreements() == []


extra_spec = st.fixed_dictionaries({
    "case_managers": st.lists(st.integers(0, 4), max_size=3),  # caseload rows made the case manager's
    "owned": st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.booleans()), max_size=2),  # (student, staff, closed)
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=district_spec, extra=extra_spec)
def test_every_form_agrees_on_generated_districts(spec, extra):
    today = timezone.localdate()
    savepoint = transaction.savepoint()
    try:
        people = _build(spec, today)
        rows = list(Caseload.objects.order_by("pk"))
        for index in extra["case_managers"]:
            if index < len(rows):
                Caseload.objects.filter(pk=rows[index].pk).update(role=Caseload.Role.CASE_MANAGER)
        students = list(Student.objects.order_by("pk"))
        staff = [u for u in people if u.role not in ("guardian", "student")]
        for student, member, closed in extra["owned"]:
            if student < len(students) and member < len(staff):
                IEPInput.objects.create(student=students[student], submitted_by=staff[member], text="x",
                                        assigned_to=staff[member],
                                        status=IEPInput.Status.CLOSED if closed else IEPInput.Status.RECEIVED)
        assert _disagreements() == []
    finally:
        transaction.savepoint_rollback(savepoint)


def test_the_class_form_keeps_to_this_term():
    """The class form: a teacher of a class of last term no longer opens it (as the list form grid_sections)."""
    demo.seed()
    section = Section.objects.get(sourced_id="demo-section-math-1")
    teacher = User.objects.get(email="teacher@demo.test")
    assert _rule("competencies.view_section_grid", teacher, section)
    term = section.term
    term.start_date, term.end_date = term.start_date - timedelta(days=400), timezone.localdate() - timedelta(days=1)
    term.save()
    assert not _rule("competencies.view_section_grid", User.objects.get(pk=teacher.pk), Section.objects.get(pk=section.pk))
    assert not _rule("paths.manage_section", User.objects.get(pk=teacher.pk), Section.objects.get(pk=section.pk))

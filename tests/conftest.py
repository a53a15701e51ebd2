"""Personas (healthchecks' Alice/Bob/Charlie), lazily built.

`student` is enrolled in `teacher`'s class this term, on `case_manager`'s
caseload, and in `guardian`'s care. Every other persona is someone who must
NOT see that student, so negative tests always have data that could leak.
"""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from roster.models import Caseload, StaffAssignment, Student
from tests.factories.accounts import UserFactory
from tests.factories.roster import (
    CaseloadFactory,
    EnrollmentFactory,
    GuardianshipFactory,
    SchoolFactory,
    SectionFactory,
    StaffAssignmentFactory,
    StudentFactory,
)


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language. A request by a Spanish reader leaves Spanish active in
    the test's thread (the middleware activates the account's language, as Django's LocaleMiddleware does), and
    a later test in the same process that calls a service directly would read its messages in Spanish."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _credential_keys_in_tmp(settings, tmp_path_factory):
    """Development signing keys made by tests (seed_demo signs credentials) go to the run's temporary folder, not
    to the developer's var/credential-keys."""
    settings.CREDENTIALS_KEY_DIR = tmp_path_factory.getbasetemp() / "credential-keys"


@pytest.fixture(autouse=True)
def _tasks_run_in_the_test(request):
    """Tasks run eagerly in the test's own process on both CI legs, so a test sees their effects; only
    tests marked `real_worker` send them through Redis to a real Celery worker."""
    if request.node.get_closest_marker("real_worker"):
        yield
        return
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def other_school(school):
    return SchoolFactory(district=school.district)


@pytest.fixture
def teacher(school):
    user = UserFactory(role=User.Role.TEACHER, email="teacher@school.test")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
    return user


@pytest.fixture
def other_teacher(other_school):
    user = UserFactory(role=User.Role.TEACHER, email="other.teacher@school.test")
    StaffAssignmentFactory(user=user, district=other_school.district, school=other_school, role=StaffAssignment.Role.TEACHER)
    return user


@pytest.fixture
def case_manager(school):
    user = UserFactory(role=User.Role.SPECIAL_EDUCATOR, email="case.manager@school.test")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=StaffAssignment.Role.SPECIAL_EDUCATOR)
    return user


@pytest.fixture
def guardian(db):
    return UserFactory(role=User.Role.GUARDIAN, email="parent@family.test")


@pytest.fixture
def other_guardian(db):
    return UserFactory(role=User.Role.GUARDIAN, email="other.parent@family.test")


@pytest.fixture
def sped_director(school):
    user = UserFactory(role=User.Role.SPED_DIRECTOR, email="director@district.test")
    StaffAssignmentFactory(user=user, district=school.district, role=StaffAssignment.Role.SPED_DIRECTOR)
    return user


@pytest.fixture
def other_district_director(db):
    user = UserFactory(role=User.Role.SPED_DIRECTOR, email="director@elsewhere.test")
    StaffAssignmentFactory(user=user, role=StaffAssignment.Role.SPED_DIRECTOR)
    return user


@pytest.fixture
def district_admin(school):
    user = UserFactory(role=User.Role.DISTRICT_ADMIN, email="admin@district.test")
    StaffAssignmentFactory(user=user, district=school.district, role=StaffAssignment.Role.DISTRICT_ADMIN)
    return user


@pytest.fixture
def other_district_admin(db):
    user = UserFactory(role=User.Role.DISTRICT_ADMIN, email="admin@elsewhere.test")
    StaffAssignmentFactory(user=user, role=StaffAssignment.Role.DISTRICT_ADMIN)
    return user


@pytest.fixture
def section(school, teacher):
    return SectionFactory(school=school, teachers=[teacher], name="Grade 5 Math")


@pytest.fixture
def student(school, section, case_manager, guardian):
    kid = StudentFactory(school=school, first_name="Maya", last_name="Rivera", plan=Student.Plan.IEP)
    EnrollmentFactory(student=kid, section=section)
    CaseloadFactory(staff=case_manager, student=kid, role=Caseload.Role.CASE_MANAGER)
    GuardianshipFactory(guardian=guardian, student=kid)
    return kid


@pytest.fixture
def other_student(other_school, other_teacher, other_guardian):
    """A student in another school and another family: must never leak to the personas above."""
    kid = StudentFactory(school=other_school, first_name="Oscar", last_name="Elsewhere")
    EnrollmentFactory(student=kid, section=SectionFactory(school=other_school, teachers=[other_teacher]))
    GuardianshipFactory(guardian=other_guardian, student=kid)
    return kid


@pytest.fixture
def demo(db):
    """The demo district of `seed_demo`, for tests that act as the README's demo accounts."""
    call_command("seed_demo", i_know=True, stdout=io.StringIO())
    return {user.email: user for user in User.objects.filter(email__endswith="@demo.test").exclude(email__startswith="family.")}

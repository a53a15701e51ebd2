import pytest

from accounts.models import User
from tests.factories.accounts import UserFactory
from tests.paths.conftest import assign, competencies, framework, template  # noqa: F401 (shared fixtures)


@pytest.fixture
def maya_user(student):
    """Maya signs in herself: the student fixture's own account."""
    user = UserFactory(role=User.Role.STUDENT, first_name="Maya", last_name="Rivera")
    student.user = user
    student.student_number = "S10000"
    student.save(update_fields=["user", "student_number"])
    return user

import pytest

from profiles.models import ProfileSection, Visibility
from tests.factories.accounts import UserFactory
from tests.factories.profiles import AccommodationFactory, ProfileGoalFactory, ProfileSectionFactory

Kind = ProfileSection.Kind


@pytest.fixture
def student_user(student):
    """The persona `student` signs in as themself."""
    user = UserFactory(role="student", email="maya@student.test")
    student.user = user
    student.save(update_fields=["user"])
    return user


@pytest.fixture
def sections(student):
    """One section per audience, plus the restricted evaluation: text that could leak."""
    return {
        "staff": ProfileSectionFactory(student=student, kind=Kind.EXECUTIVE_FUNCTIONING, text="STAFF-ONLY planner notes", visibility=Visibility.STAFF),
        "family": ProfileSectionFactory(student=student, kind=Kind.NEEDS, text="FAMILY-SHARED reading needs", visibility=Visibility.FAMILY),
        "student": ProfileSectionFactory(student=student, kind=Kind.STRENGTHS, text="STUDENT-SHARED great at drawing", visibility=Visibility.STUDENT),
        "restricted": ProfileSectionFactory(student=student, kind=Kind.EVALUATION, text="RESTRICTED evaluation findings", visibility=Visibility.FAMILY),
    }


@pytest.fixture
def goal(student):
    return ProfileGoalFactory(student=student, description="Read 100 words per minute")


@pytest.fixture
def student_goal(student):
    return ProfileGoalFactory(student=student, description="Ask for a break", owner="student", kind="self_advocacy")


@pytest.fixture
def accommodation(student):
    return AccommodationFactory(student=student, description="Extended time on tests", category="assessment")

import pytest

from family_portal.models import NotificationPreference
from tests.factories.family_portal import NotificationPreferenceFactory


@pytest.fixture
def family(guardian, student):
    """The `guardian` persona with a saved preference (past the first-visit step) and their child `student`."""
    NotificationPreferenceFactory(user=guardian, frequency=NotificationPreference.Frequency.WEEKLY)
    return guardian

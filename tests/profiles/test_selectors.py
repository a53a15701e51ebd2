"""Reads other apps build on: family_view (family portal, IEP) and goals_for."""

import datetime

import pytest

from profiles.selectors import family_view, goals_for
from tests.factories.profiles import AccommodationFactory, ProfileGoalFactory

pytestmark = pytest.mark.django_db


def test_family_view_holds_only_what_a_family_may_read(student, sections, goal, accommodation):
    AccommodationFactory(student=student, description="No longer used", is_active=False)
    view = family_view(student)
    assert [s.text for s in view.sections] == [
        "STUDENT-SHARED great at drawing", "FAMILY-SHARED reading needs", "RESTRICTED evaluation findings",
    ]
    assert [g.description for g in goals_for(student)] == ["Read 100 words per minute"]
    assert [a.description for a in view.accommodations] == ["Extended time on tests"]


def test_goals_for_lists_soonest_target_first(student):
    later = ProfileGoalFactory(student=student, target_date=datetime.date(2031, 1, 1))
    sooner = ProfileGoalFactory(student=student, target_date=datetime.date(2030, 1, 1))
    ProfileGoalFactory()  # another student's goal
    assert goals_for(student) == [sooner, later]

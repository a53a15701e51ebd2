"""Profile writes: versions, history, conflicts (quality.md T7.1 on SQLite; the [pg] race is in test_concurrency_pg)."""

import pytest

from profiles import services
from profiles.diffing import Segment, word_diff
from profiles.models import ProfileGoal, ProfileSection, Visibility
from tests.factories.profiles import AccommodationFactory, ProfileGoalFactory, ProfileSectionFactory

pytestmark = pytest.mark.django_db
Kind = ProfileSection.Kind


def test_first_save_creates_the_section_and_records_who(teacher, student):
    saved = services.update_section(student=student, kind=Kind.INTERESTS, text="Sharks", base_version=1, edited_by=teacher)
    assert (saved.text, saved.version, saved.visibility, saved.updated_by) == ("Sharks", 2, Visibility.STUDENT, teacher)
    history = list(saved.history.order_by("history_id").values_list("history_type", "text", "version", "history_user"))
    assert history == [("+", "", 1, None), ("~", "Sharks", 2, teacher.pk)]


def test_stale_version_is_refused_and_nothing_is_written(teacher, case_manager, student):
    section = ProfileSectionFactory(student=student, kind=Kind.NEEDS, text="Original")
    services.update_section(student=student, kind=Kind.NEEDS, text="Teacher's words", base_version=1, edited_by=teacher)
    with pytest.raises(services.EditConflict) as raised:
        services.update_section(student=student, kind=Kind.NEEDS, text="Case manager's words", base_version=1, edited_by=case_manager)
    section.refresh_from_db()
    assert (section.text, section.version) == ("Teacher's words", 2)
    assert (raised.value.current.text, raised.value.submitted["text"]) == ("Teacher's words", "Case manager's words")
    assert section.history.filter(history_type="~").count() == 1


def test_fixed_visibility_cannot_be_changed(student_user, student):
    saved = services.update_section(
        student=student, kind=Kind.ABOUT_ME, text="I like maps", base_version=1, edited_by=student_user, visibility=Visibility.STAFF
    )
    assert saved.visibility == Visibility.STUDENT


def test_goal_update_is_versioned_and_kept_in_history(teacher, case_manager, student):
    goal = ProfileGoalFactory(student=student, status=ProfileGoal.Status.NOT_STARTED)
    services.update_goal(goal=goal, base_version=1, edited_by=teacher, status=ProfileGoal.Status.IN_PROGRESS)
    with pytest.raises(services.EditConflict):
        services.update_goal(goal=goal, base_version=1, edited_by=case_manager, status=ProfileGoal.Status.MET)
    goal.refresh_from_db()
    assert (goal.status, goal.version) == (ProfileGoal.Status.IN_PROGRESS, 2)
    assert list(goal.history.order_by("history_id").values_list("status", "history_user")) == [
        ("not_started", None), ("in_progress", teacher.pk)
    ]


def test_goal_update_refuses_protected_fields(teacher, student):
    goal = ProfileGoalFactory(student=student)
    with pytest.raises(TypeError):
        services.update_goal(goal=goal, base_version=1, edited_by=teacher, student=None)


def test_accommodation_update_and_history(teacher, student):
    accommodation = AccommodationFactory(student=student, description="Extra time")
    saved = services.update_accommodation(accommodation=accommodation, base_version=1, edited_by=teacher, is_active=False)
    assert (saved.is_active, saved.version) == (False, 2)
    assert list(saved.history.order_by("history_id").values_list("history_type", "is_active")) == [("+", True), ("~", False)]


def test_word_diff_marks_additions_and_removals():
    assert word_diff("reads slowly at home", "reads fluently at home and school") == [
        Segment("same", "reads "), Segment("removed", "slowly"), Segment("added", "fluently"),
        Segment("same", " at home"), Segment("added", " and school"),
    ]

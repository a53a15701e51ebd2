"""Every write to a learner profile.

Edits are optimistic: the editor sends back the version they started from, and the save is one
conditional `UPDATE ... WHERE id = %s AND version = %s`. Zero rows updated means someone else
saved first: nothing is written and `EditConflict` carries both versions for the merge view
(quality.md T7.1). `QuerySet.update()` skips django-simple-history, so each accepted save
records its history row itself, in the same transaction.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from roster.models import Student

from .models import Accommodation, ProfileGoal, ProfileSection, Versioned, Visibility


@dataclass
class EditConflict(Exception):
    """Someone saved this item after the editor opened it."""

    current: models.Model
    submitted: dict[str, Any]


def _save_versioned(model: type[Versioned], *, pk: int, base_version: int, changes: dict[str, Any], edited_by: User):
    """Apply `changes` if the row is still at `base_version`; otherwise raise EditConflict."""
    claimed = model.objects.filter(pk=pk, version=base_version).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=edited_by, **changes
    )
    current = model.objects.select_related("updated_by").get(pk=pk)
    if claimed != 1:
        raise EditConflict(current=current, submitted=changes)
    current._history_user = edited_by
    model.history.bulk_history_create([current], update=True)
    return current


@transaction.atomic
def update_section(
    *, student: Student, kind: str, text: str, base_version: int, edited_by: User, visibility: str | None = None
) -> ProfileSection:
    """Save one section of a student's profile unless someone else saved it first.

    - creates the section on its first save (version 1, empty), so a first edit starts from version 1
    - a fixed-visibility section (about me, evaluation) keeps its audience whatever is sent
    - one conditional UPDATE decides the race; the history row is written beside it
    """
    section = ensure_section(student=student, kind=kind)
    changes: dict[str, Any] = {"text": text}
    if visibility is not None and not section.has_fixed_visibility:
        changes["visibility"] = visibility
    saved = _save_versioned(ProfileSection, pk=section.pk, base_version=base_version, changes=changes, edited_by=edited_by)
    return saved


def ensure_section(*, student: Student, kind: str) -> ProfileSection:
    """The section row of this kind, created empty (with its history row) if the student has none yet."""
    section = ProfileSection.objects.filter(student=student, kind=kind).first()
    if section is not None:
        return section
    default = ProfileSection.DEFAULT_VISIBILITY.get(kind, Visibility.FAMILY)
    with transaction.atomic():
        section, _ = ProfileSection.objects.get_or_create(student=student, kind=kind, defaults={"visibility": default})
    return section


@transaction.atomic
def add_goal(
    *, student: Student, description: str, kind: str, owner: str, status: str, target_date: date | None, added_by: User
) -> ProfileGoal:
    goal = ProfileGoal(
        student=student, description=description, kind=kind, owner=owner, status=status,
        target_date=target_date, updated_by=added_by,
    )  # fmt: skip
    goal._history_user = added_by
    goal.save()
    return goal


@transaction.atomic
def update_goal(*, goal: ProfileGoal, base_version: int, edited_by: User, **changes: Any) -> ProfileGoal:
    """Change a goal (description, kind, owner, status, target date) unless someone saved it first."""
    allowed = {"description", "kind", "owner", "status", "target_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"update_goal cannot change {sorted(unknown)}")
    saved = _save_versioned(ProfileGoal, pk=goal.pk, base_version=base_version, changes=changes, edited_by=edited_by)
    return saved


@transaction.atomic
def add_accommodation(
    *, student: Student, category: str, description: str, applies_in: str, provided_by: str, is_active: bool, added_by: User,
    description_es: str = "",
) -> Accommodation:
    accommodation = Accommodation(
        student=student, category=category, description=description, description_es=description_es, applies_in=applies_in,
        provided_by=provided_by, is_active=is_active, updated_by=added_by,
    )  # fmt: skip
    accommodation._history_user = added_by
    accommodation.save()
    return accommodation


@transaction.atomic
def update_accommodation(
    *, accommodation: Accommodation, base_version: int, edited_by: User, **changes: Any
) -> Accommodation:
    allowed = {"category", "description", "description_es", "applies_in", "provided_by", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"update_accommodation cannot change {sorted(unknown)}")
    saved = _save_versioned(
        Accommodation, pk=accommodation.pk, base_version=base_version, changes=changes, edited_by=edited_by
    )
    return saved

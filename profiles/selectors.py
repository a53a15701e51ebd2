"""Reads of learner profiles, already filtered to what the viewer may read.

Which audience may read which section is decided by the access policy (roster/access.py,
`profiles.view_*` permissions); this module only asks it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import groupby
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from roster.models import Student

from .diffing import Segment, word_diff
from .models import Accommodation, ProfileGoal, ProfileSection, Visibility

VISIBILITY_PERMISSION = {
    Visibility.STAFF: "profiles.view_staff_only",
    Visibility.FAMILY: "profiles.view_family_shared",
    Visibility.STUDENT: "profiles.view_student_shared",
}
KIND_ORDER = {kind: index for index, kind in enumerate(ProfileSection.Kind.values)}


def can_read_section(user: User, student: Student, section: ProfileSection) -> bool:
    if section.is_restricted and not user.has_perm("profiles.view_restricted", student):
        return False
    return user.has_perm(VISIBILITY_PERMISSION[section.visibility], student)


def can_edit_section(user: User, student: Student, section: ProfileSection) -> bool:
    if section.kind in ProfileSection.STUDENT_AUTHORED_KINDS:
        return user.has_perm("profiles.edit_own_voice", student)
    if section.is_restricted and not user.has_perm("profiles.view_restricted", student):
        return False
    return user.has_perm("profiles.change", student)


def section_for(*, student: Student, kind: str) -> ProfileSection:
    """The saved section, or an unsaved empty one at version 1 (the first save creates it)."""
    section = ProfileSection.objects.select_related("updated_by").filter(student=student, kind=kind).first()
    return section or ProfileSection(student=student, kind=kind, visibility=ProfileSection.DEFAULT_VISIBILITY[kind])


@dataclass
class Profile:
    student: Student
    sections: list[ProfileSection]
    goals: list[ProfileGoal]
    accommodations: list[Accommodation]
    can_change: bool = False
    can_see_restricted: bool = False
    can_edit_own_voice: bool = False
    can_view_history: bool = False

    def section(self, kind: str) -> ProfileSection | None:
        return next((s for s in self.sections if s.kind == kind), None)

    @property
    def udl_sections(self) -> list[ProfileSection]:
        return [s for s in self.sections if s.kind in ProfileSection.UDL_KINDS]

    @property
    def other_sections(self) -> list[ProfileSection]:
        return [s for s in self.sections if s.kind not in ProfileSection.UDL_KINDS]

    @property
    def classroom_accommodations(self) -> list[Accommodation]:
        return [a for a in self.accommodations if a.category == Accommodation.Category.CLASSROOM]

    @property
    def assessment_accommodations(self) -> list[Accommodation]:
        return [a for a in self.accommodations if a.category == Accommodation.Category.ASSESSMENT]

    @property
    def accommodation_groups(self) -> list[tuple[str, list[Accommodation]]]:
        return [(_("In class"), self.classroom_accommodations), (_("On tests and assessments"), self.assessment_accommodations)]

    @property
    def meet_sections(self) -> list[ProfileSection]:
        """What a new teacher needs first: strengths, the student's own words, how they learn."""
        order = [ProfileSection.Kind.STRENGTHS, ProfileSection.Kind.ABOUT_ME, *ProfileSection.UDL_KINDS,
                 ProfileSection.Kind.INTERESTS, ProfileSection.Kind.MOTIVATIONS]  # fmt: skip
        return [s for kind in order if (s := self.section(kind)) is not None and s.text]


def profile_for(*, student: Student, viewer: User, include_empty: bool = True) -> Profile:
    """Everything on the profile page that `viewer` may read: three queries whatever the size.

    Empty sections are listed only for people who may write them (so they can start); readers
    see only what has been written.
    """
    saved = {s.kind: s for s in ProfileSection.objects.filter(student=student).select_related("updated_by")}
    sections = []
    for kind in ProfileSection.Kind.values:
        section = saved.get(kind) or ProfileSection(
            student=student, kind=kind, visibility=ProfileSection.DEFAULT_VISIBILITY[kind]
        )
        section.can_edit = can_edit_section(viewer, student, section)
        if not can_read_section(viewer, student, section):
            continue
        if not section.text and not (include_empty and section.can_edit):
            continue
        sections.append(section)
    goals = list(ProfileGoal.objects.filter(student=student).select_related("updated_by"))
    own_voice = viewer.has_perm("profiles.edit_own_voice", student)
    for goal in goals:
        goal.student_may_edit = own_voice and goal.owner == ProfileGoal.Owner.STUDENT
    can_change = viewer.has_perm("profiles.change", student)
    accommodations = Accommodation.objects.filter(student=student).select_related("updated_by")
    if not can_change:
        accommodations = accommodations.filter(is_active=True)
    return Profile(
        student=student,
        sections=sections,
        goals=goals,
        accommodations=list(accommodations),
        can_change=can_change,
        can_see_restricted=viewer.has_perm("profiles.view_restricted", student),
        can_edit_own_voice=own_voice,
        can_view_history=viewer.has_perm("profiles.view_history", student),
    )


@dataclass
class FamilyProfile:
    sections: list[ProfileSection]
    accommodations: list[Accommodation]


def family_view(student: Student) -> FamilyProfile:
    """What a family may read of the profile: sections shared with the family or the student,
    evaluation details (the family has the right to them), accommodations in use. Every goal is the
    family's to read too: `goals_for`.

    For higher apps (family portal, IEP). The caller has already passed the access door with a
    permission the family holds (for example `profiles.view_family_shared`).
    """
    sections = ProfileSection.objects.filter(student=student).exclude(text="")
    sections = sorted(
        (s for s in sections if s.visibility != Visibility.STAFF or s.is_restricted), key=lambda s: KIND_ORDER[s.kind]
    )
    return FamilyProfile(
        sections=sections,
        accommodations=list(Accommodation.objects.filter(student=student, is_active=True)),
    )


def profile_goals(student: Student) -> QuerySet[ProfileGoal]:
    """A student's profile goals, soonest target first (for IEP and paths to link to)."""
    return ProfileGoal.objects.filter(student=student)


def goals_for(student: Student) -> list[ProfileGoal]:
    return list(profile_goals(student))


# --- History ----------------------------------------------------------------------

TRACKED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    ProfileSection: ("text", "visibility"),
    ProfileGoal: ("description", "kind", "owner", "target_date", "status"),
    Accommodation: ("category", "description", "applies_in", "provided_by", "is_active"),
}
LONG_TEXT_FIELDS = frozenset({"text", "description"})
HISTORY_LIMIT = 200


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    segments: list[Segment] | None = None
    written: bool = False  # free text someone wrote (marked with its language on a page in another one)


@dataclass
class HistoryEntry:
    at: datetime
    who: str
    subject: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(record: Any, name: str) -> str:
    value = getattr(record, name)
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None:
        return ""
    return str(value)


def _changes(old: Any | None, new: Any, names: tuple[str, ...]) -> list[FieldChange]:
    changes = []
    for name in names:
        before = _display(old, name) if old is not None else ""
        after = _display(new, name)
        if before == after:
            continue
        label = str(new._meta.get_field(name).verbose_name).capitalize()
        segments = word_diff(before, after) if name in LONG_TEXT_FIELDS else None
        field_ = new._meta.get_field(name)
        written = not field_.choices and isinstance(getattr(new, name), str)
        changes.append(FieldChange(label=label, old=before, new=after, segments=segments, written=written))
    return changes


def _subject(record: Any) -> str:
    model = record.instance_type
    if model is ProfileSection:
        return str(record.get_kind_display())
    if model is ProfileGoal:
        return _("Goal: %(goal)s") % {"goal": _short(record.description)}
    return _("Accommodation: %(accommodation)s") % {"accommodation": _short(record.description)}


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def _who(record: Any) -> str:
    return str(record.history_user) if record.history_user else _("Waypoint")


def _records(student: Student, viewer: User) -> list[list[Any]]:
    """History rows of every profile item, grouped per item in time order: one query per model."""
    groups = []
    for model in TRACKED_FIELDS:
        rows = model.history.filter(student_id=student.pk).select_related("history_user")
        if model is ProfileSection and not viewer.has_perm("profiles.view_restricted", student):
            rows = rows.exclude(kind__in=ProfileSection.RESTRICTED_KINDS)
        rows = rows.order_by("id", "history_date", "history_id")
        groups += [list(items) for _key, items in groupby(rows, key=lambda r: r.id)]
    return groups


def history_for(*, student: Student, viewer: User, since: date | None = None) -> list[HistoryEntry]:
    """A readable timeline, newest first: who changed what and how, each change against the one before."""
    start = _start_of(since)
    entries = []
    for records in _records(student, viewer):
        names = TRACKED_FIELDS[records[0].instance_type]
        previous = None
        for record in records:
            if start is None or record.history_date >= start:
                changes = _changes(previous, record, names)
                action = {"+": _("added"), "~": _("changed"), "-": _("removed")}[record.history_type]
                if changes or record.history_type != "~":
                    entries.append(HistoryEntry(record.history_date, _who(record), _subject(record), action, changes))
            previous = record
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:HISTORY_LIMIT]


def changes_since(*, student: Student, viewer: User, since: date) -> list[HistoryEntry]:
    """For each item changed on or after `since`: how it read then against how it reads now."""
    start = _start_of(since)
    summary = []
    for records in _records(student, viewer):
        latest = records[-1]
        if latest.history_date < start:
            continue
        before = [r for r in records if r.history_date < start]
        baseline = before[-1] if before else None
        changes = _changes(baseline, latest, TRACKED_FIELDS[latest.instance_type])
        if changes:
            action = _("added") if baseline is None else _("changed")
            who = sorted({_who(r) for r in records if r.history_date >= start})
            summary.append(HistoryEntry(latest.history_date, ", ".join(who), _subject(latest), action, changes))
    summary.sort(key=lambda e: e.at, reverse=True)
    return summary


def _start_of(day: date | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))

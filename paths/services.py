"""Every write that matters in paths: templates, assigning, adapting, advancing, choosing, sessions.

Each function is keyword-only and runs in one transaction. A student's path is written through
`save()` or simple-history's bulk helpers so django-simple-history keeps every change, and each
change people make is also told in words as a PathEvent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from competencies.models import Competency, Mastery, Prerequisite
from roster.models import School, Section, Student

from . import pacing, progression
from .models import (
    LearningSession,
    OptionKind,
    PathEvent,
    PathOption,
    PathStep,
    PathTemplate,
    StudentPath,
    TemplateOption,
    TemplateStep,
)

OPTION_FIELDS = ("kind", "mode", "title", "description", "link", "estimated_minutes", "accessibility_notes", "position")


def _codes(competencies) -> str:
    return ", ".join(c.short_code or c.statement[:40] for c in competencies)


def _event(path: StudentPath, kind: str, *, step_title: str = "", detail: str = "", actor: User | None = None) -> PathEvent:
    return PathEvent.objects.create(path=path, kind=kind, step_title=step_title[:200], detail=detail[:500], actor=actor)


def _check_competencies(framework_id: int, competencies: Sequence[Competency]) -> None:
    if not competencies:
        raise ValidationError(_("Choose at least one competency for this step."))
    if any(c.framework_id != framework_id or c.is_retired for c in competencies):
        raise ValidationError(_("Every competency must be a current one from the path's framework."))


# --- templates ------------------------------------------------------------------------------


@transaction.atomic
def create_template(*, school: School, framework, title: str, description: str, created_by: User) -> PathTemplate:
    template = PathTemplate(school=school, framework=framework, title=title, description=description, created_by=created_by)
    template._history_user = created_by
    template.save()
    return template


@transaction.atomic
def add_template_step(
    *, template: PathTemplate, title: str, description: str, target_days: int, competencies: Sequence[Competency]
) -> TemplateStep:
    """A new last step of the template, tied to one or more competencies of its framework."""
    _check_competencies(template.framework_id, competencies)
    last = template.steps.aggregate(last=Max("position"))["last"]
    step = TemplateStep.objects.create(
        template=template, title=title, description=description, target_days=target_days, position=(last or 0) + 1
    )
    step.competencies.set(competencies)
    return step


@transaction.atomic
def add_template_option(*, step: TemplateStep, **fields) -> TemplateOption:
    """One more way to learn or to show learning on a template step."""
    last = step.options.filter(kind=fields["kind"]).aggregate(last=Max("position"))["last"]
    return TemplateOption.objects.create(step=step, position=(last or 0) + 1, **{k: fields[k] for k in OPTION_FIELDS if k in fields})


@transaction.atomic
def update_template_step(
    *, step: TemplateStep, title: str, description: str, target_days: int, competencies: Sequence[Competency]
) -> TemplateStep:
    """Change a template step. Paths already assigned are copies and keep their own steps."""
    _check_competencies(step.template.framework_id, competencies)
    step.title, step.description, step.target_days = title, description, target_days
    step.save()
    step.competencies.set(competencies)
    return step


@transaction.atomic
def remove_template_step(*, step: TemplateStep) -> None:
    """Remove a step and its options from the template (assigned paths keep theirs)."""
    step.delete()


@transaction.atomic
def move_template_step(*, step: TemplateStep, direction: str) -> None:
    """Swap a template step with the one before ("up") or after ("down") it."""
    siblings = list(TemplateStep.objects.select_for_update().filter(template_id=step.template_id).order_by("position", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other_index < len(siblings):
        raise ValidationError(_("This step cannot move further that way."))
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    changed = []
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            changed.append(sibling)
    TemplateStep.objects.bulk_update(changed, ["position"])


@transaction.atomic
def update_template_option(*, option: TemplateOption, **fields) -> TemplateOption:
    for name in OPTION_FIELDS:
        if name in fields:
            setattr(option, name, fields[name])
    option.save()
    return option


@transaction.atomic
def remove_template_option(*, option: TemplateOption) -> None:
    option.delete()


# --- assigning: copy-on-assign --------------------------------------------------------------------


@transaction.atomic
def assign_template(
    *, template: PathTemplate, students: Sequence[Student], start_date: date, assigned_by: User, section: Section | None = None
) -> tuple[list[StudentPath], list[Student]]:
    """Give each student their own copy of the template; returns (paths made, students who already had it).

    - copies steps, their competencies and options, so later changes touch one student only
    - target dates follow the template's durations, in school days from `start_date`
    - a bounded number of queries whatever the number of students (bulk inserts, with history)
    - opens each new path's first step when its prerequisites are mastered
    """
    steps = list(template.steps.prefetch_related("competencies", "options").order_by("position", "pk"))
    if not steps:
        raise ValidationError(_("This path has no steps yet. Add at least one step before assigning it."))
    has_it = set(StudentPath.objects.filter(template=template, is_active=True, student__in=students).values_list("student_id", flat=True))
    fresh = [s for s in students if s.pk not in has_it]
    targets = pacing.targets_from_durations(start_date, [s.target_days for s in steps])
    bulk_create_with_history(
        [StudentPath(student=s, template=template, section=section, framework_id=template.framework_id, title=template.title,
                     start_date=start_date, assigned_by=assigned_by) for s in fresh],
        StudentPath, default_user=assigned_by,
    )
    paths = list(StudentPath.objects.filter(template=template, is_active=True, student__in=fresh))
    _copy_steps(paths, steps, targets, assigned_by)
    PathEvent.objects.bulk_create(PathEvent(path=p, kind=PathEvent.Kind.ASSIGNED, detail=template.title, actor=assigned_by) for p in paths)
    _advance([p.pk for p in paths])
    return paths, [s for s in students if s.pk in has_it]


def _copy_steps(paths: list[StudentPath], steps: list[TemplateStep], targets: list[date], user: User) -> None:
    rows = [PathStep(path=p, position=i, title=s.title, description=s.description, target_date=targets[i])
            for p in paths for i, s in enumerate(steps)]
    bulk_create_with_history(rows, PathStep, default_user=user)
    made = list(PathStep.objects.filter(path__in=paths).order_by("path_id", "position"))
    through = PathStep.competencies.through
    links, options = [], []
    for step in made:
        source = steps[step.position]
        links += [through(pathstep_id=step.pk, competency_id=c.pk) for c in source.competencies.all()]
        options += [PathOption(step=step, **{f: getattr(o, f) for f in OPTION_FIELDS}) for o in source.options.all()]
    through.objects.bulk_create(links)
    PathOption.objects.bulk_create(options)


# --- advancing on mastery -------------------------------------------------------------------------


def advance_paths(*, student_id: int) -> None:
    """Re-derive the steps of a student's active paths from their mastery (the mastery_changed receiver)."""
    _advance(list(StudentPath.objects.filter(student_id=student_id, is_active=True).values_list("pk", flat=True)))


def advance_paths_of(*, student_ids: Sequence[int], chunk: int = 500) -> None:
    """advance_paths for many students (a mass recomputation): the same work in a fixed number of queries per
    chunk of students, plus one save per step that changes (P5)."""
    ids = sorted(set(student_ids))
    for start in range(0, len(ids), chunk):
        _advance(list(StudentPath.objects.filter(student_id__in=ids[start:start + chunk], is_active=True)
                      .order_by("pk").values_list("pk", flat=True)), in_bulk=True)


@transaction.atomic
def _advance(path_ids: list[int], *, in_bulk: bool = False) -> None:
    """Open and finish steps of these paths from stored mastery, in a fixed number of queries.

    - mastered means the effective mastery (a teacher's override counts)
    - each changed step is saved through the model (history) and told as a PathEvent
    - `in_bulk` (a mass recomputation, no person behind it): the changed steps, their history rows and their events
      are written with one statement per batch instead of a save per step (P5)
    """
    if not path_ids:
        return
    steps = list(PathStep.objects.filter(path_id__in=path_ids).select_related("path").prefetch_related("competencies")
                 .order_by("path_id", "position", "pk"))
    competency_ids = {c.pk for s in steps for c in s.competencies.all()}
    edges = list(Prerequisite.objects.filter(competency_id__in=competency_ids).values_list("prerequisite_id", "competency_id"))
    needed = competency_ids | {a for a, _b in edges}
    students = {s.path.student_id for s in steps}
    mastered = Mastery.objects.filter(student_id__in=students, competency_id__in=needed).mastered_ids()
    by_path = defaultdict(list)
    for step in steps:
        by_path[step.path_id].append(step)
    writes = _Writes() if in_bulk else None
    for path_steps in by_path.values():
        _apply(path_steps, edges, mastered.get(path_steps[0].path.student_id, set()), writes)
    if writes is not None and writes.steps:
        bulk_update_with_history(writes.steps, PathStep, ["status", "opened_on", "finished_on"], batch_size=500)
        PathEvent.objects.bulk_create(writes.events, batch_size=500)


@dataclass
class _Writes:
    steps: list = field(default_factory=list)
    events: list = field(default_factory=list)


def _apply(steps: list[PathStep], edges: list[tuple[int, int]], mastered: set[int], writes: _Writes | None = None) -> None:
    states = [progression.StepState(s.pk, s.status, frozenset(c.pk for c in s.competencies.all()), s.opened_by_hand) for s in steps]
    wanted = progression.next_statuses(states, edges, mastered)
    today = timezone.localdate()
    for step in steps:
        new = wanted[step.pk]
        if new == step.status:
            continue
        step.status = new
        step.opened_on = today if new == PathStep.Status.OPEN else step.opened_on
        step.finished_on = today if new == PathStep.Status.MASTERED else None
        kind = PathEvent.Kind.OPENED if new == PathStep.Status.OPEN else PathEvent.Kind.MASTERED if new == PathStep.Status.MASTERED else None
        if writes is None:
            step.save()
            if kind:
                _event(step.path, kind, step_title=step.title)
        else:
            writes.steps.append(step)
            if kind:
                writes.events.append(PathEvent(path=step.path, kind=kind, step_title=step.title[:200]))


# --- adapting one student's path ----------------------------------------------------------------------


def _save_step(step: PathStep, user: User) -> None:
    step._history_user = user
    step.save()


@transaction.atomic
def add_step(
    *, path: StudentPath, title: str, description: str, target_date: date, competencies: Sequence[Competency], changed_by: User
) -> PathStep:
    """A new last step on one student's path (the template and other students are untouched)."""
    _check_competencies(path.framework_id, competencies)
    last = path.steps.aggregate(last=Max("position"))["last"]
    step = PathStep(path=path, title=title, description=description, target_date=target_date,
                    position=0 if last is None else last + 1)
    _save_step(step, changed_by)
    step.competencies.set(competencies)
    _event(path, PathEvent.Kind.STEP_ADDED, step_title=title, detail=_codes(competencies), actor=changed_by)
    _advance([path.pk])
    return step


@transaction.atomic
def update_step(
    *, step: PathStep, title: str, description: str, target_date: date, competencies: Sequence[Competency], changed_by: User
) -> PathStep:
    """Change a step of one student's path: words, target date, or the competencies it works on
    (substituted or added for a student whose IEP modifies what they learn)."""
    _check_competencies(step.path.framework_id, competencies)
    before = list(step.competencies.all())
    changes = []
    if before != list(competencies):
        changes.append(_("competencies %(old)s → %(new)s") % {"old": _codes(before), "new": _codes(competencies)})
    if step.target_date != target_date:
        changes.append(_("target date %(old)s → %(new)s") % {"old": step.target_date.isoformat(), "new": target_date.isoformat()})
    if step.title != title or step.description != description:
        changes.append(_("wording"))
    step.title, step.description, step.target_date = title, description, target_date
    _save_step(step, changed_by)
    step.competencies.set(competencies)
    _event(step.path, PathEvent.Kind.STEP_CHANGED, step_title=title, detail="; ".join(changes), actor=changed_by)
    _advance([step.path_id])
    return step


@transaction.atomic
def remove_step(*, step: PathStep, changed_by: User) -> None:
    path = step.path
    step._history_user = changed_by
    step.delete()
    _event(path, PathEvent.Kind.STEP_REMOVED, step_title=step.title, actor=changed_by)
    _advance([path.pk])


@transaction.atomic
def move_step(*, step: PathStep, direction: str, changed_by: User) -> None:
    """Swap a step with the one before ("up") or after ("down") it."""
    siblings = list(step.path.steps.order_by("position", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other_index < len(siblings):
        raise ValidationError(_("This step cannot move further that way."))
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            _save_step(sibling, changed_by)
    detail = _("moved up") if direction == "up" else _("moved down")
    _event(step.path, PathEvent.Kind.STEP_MOVED, step_title=step.title, detail=detail, actor=changed_by)
    _advance([step.path_id])


@transaction.atomic
def open_or_skip_step(*, step: PathStep, action: str, reason: str, changed_by: User) -> PathStep:
    """The teacher opens a step ahead of mastery, or skips it, and says why."""
    if not reason.strip():
        raise ValidationError(_("Say why, so the student, the family and the team can see it."))
    if step.is_done:
        raise ValidationError(_("This step is already done."))
    if action == "open":
        step.status, step.opened_by_hand, step.opened_on = PathStep.Status.OPEN, True, timezone.localdate()
        kind = PathEvent.Kind.OPENED_BY_HAND
    elif action == "skip":
        step.status, step.finished_on = PathStep.Status.SKIPPED, timezone.localdate()
        kind = PathEvent.Kind.SKIPPED
    else:
        raise ValidationError(_("Choose open or skip."))
    step.status_reason = reason.strip()
    _save_step(step, changed_by)
    _event(step.path, kind, step_title=step.title, detail=step.status_reason, actor=changed_by)
    _advance([step.path_id])
    return step


@transaction.atomic
def reschedule_path(*, path: StudentPath, end_date: date, changed_by: User) -> None:
    """Put the path on the student's own timeline: measured from the path's start, the steps not done yet
    keep their share of the time and the last one ends on `end_date`. Done steps keep their dates."""
    waiting = list(path.steps.exclude(status__in=PathStep.DONE).order_by("position", "pk"))
    if not waiting:
        raise ValidationError(_("Every step is already done."))
    today = timezone.localdate()
    if end_date <= today:
        raise ValidationError(_("Choose a date after today."))
    old_end = waiting[-1].target_date
    for step, target in zip(waiting, pacing.spread([s.target_date for s in waiting], path.start_date, end_date), strict=True):
        if step.target_date != target:
            step.target_date = target
            _save_step(step, changed_by)
    _event(path, PathEvent.Kind.RESCHEDULED, detail=_("end %(old)s → %(new)s") % {"old": old_end.isoformat(), "new": end_date.isoformat()},
           actor=changed_by)


# --- the student's choice ------------------------------------------------------------------------


@transaction.atomic
def choose_options(*, step: PathStep, learn: PathOption | None, show: PathOption | None, reason: str, chosen_by: User) -> PathStep:
    """The student picks how to learn and how to show learning on an open step, and may say why.

    Choosing never changes the step's status: only mastery (or the teacher) moves a path on."""
    if step.status != PathStep.Status.OPEN:
        raise ValidationError(_("You can choose once this step is open."))
    for option, kind in ((learn, OptionKind.LEARN), (show, OptionKind.SHOW)):
        if option is not None and (option.step_id != step.pk or option.kind != kind):
            raise ValidationError(_("Choose one of the ways offered for this step."))
    if learn is None and show is None:
        raise ValidationError(_("Choose a way to learn or a way to show what you learned."))
    step.chosen_learn, step.chosen_show = learn, show
    step.choice_reason, step.chosen_at = reason.strip(), timezone.now()
    _save_step(step, chosen_by)
    picked = " / ".join(o.title for o in (learn, show) if o is not None)
    _event(step.path, PathEvent.Kind.CHOSE, step_title=step.title, detail=f"{picked}. {step.choice_reason}".strip(". "), actor=chosen_by)
    return step


# --- flexible learning: sessions ---------------------------------------------------------------------


@transaction.atomic
def schedule_session(
    *, section: Section, students: Sequence[Student], kind: str, staff: User, room: str, starts_at: datetime, minutes: int,
    focus: str, created_by: User, competency: Competency | None = None,
) -> LearningSession:
    """Schedule small-group instruction, tutoring or an online class for students of one class.

    - refuses students outside the class, and a staff member or a room already booked at that time
    """
    if not students:
        raise ValidationError(_("Choose at least one student."))
    enrolled = set(section.enrollments.values_list("student_id", flat=True))
    if any(s.pk not in enrolled for s in students):
        raise ValidationError(_("Sessions can only include students of this class."))
    ends_at = starts_at + timedelta(minutes=minutes)
    overlapping = LearningSession.objects.filter(
        starts_at__lt=ends_at, starts_at__gt=starts_at - timedelta(hours=12), section__school_id=section.school_id
    )
    same_people_or_room = [s for s in overlapping.select_related("staff")
                           if s.staff_id == staff.pk or s.room.casefold() == room.casefold()]
    clash = next((s for s in same_people_or_room if s.ends_at > starts_at), None)
    if clash is not None:
        who = clash.staff if clash.staff_id == staff.pk else clash.room
        start, end = (timezone.localtime(t).strftime("%H:%M") for t in (clash.starts_at, clash.ends_at))
        raise ValidationError(_("%(who)s is already booked from %(start)s to %(end)s.") % {"who": who, "start": start, "end": end})
    session = LearningSession(section=section, competency=competency, kind=kind, staff=staff, room=room, starts_at=starts_at,
                              minutes=minutes, focus=focus, created_by=created_by)
    session._history_user = created_by
    session.save()
    session.students.set(students)
    return session


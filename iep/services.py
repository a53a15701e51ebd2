"""Every IEP write that matters: keyword-only, one transaction, notifications after commit.

Notifications use an outbox: each row that someone must hear about carries a `*_notified_at` column.
After commit a task is queued (robust: a dead broker is logged, never turned into an error page); the
task locks the row while it sends and marks it sent in the same transaction, so a retry or a second worker
sends nothing twice and a worker killed mid-send leaves it pending (T8.4); and `sweep_outbox` (beat) sends
whatever a dead broker dropped (quality.md T8.1, T8.2, pitfall 3).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from competencies.models import Competency, Evidence
from competencies.services import record_evidence
from notifications.outbox import send_once, sweep, unsent
from profiles.models import ProfileGoal
from roster import access
from roster.access import InputOwners, input_owners
from roster.models import StaffAssignment, Student

from . import attachments, monitoring, results, selectors
from .models import (Goal, IEPInput, IEPPlan, InputEvent, ProgressPoint, ProgressReport, ProgressReportCopy,
                     ResultCorrection, TeamMember)
from .pdf import render_pdf
from .status import Audience, GoalStatus

Status = IEPInput.Status


class TransitionNotAllowed(Exception):
    """The input is no longer where the person saw it (someone else acted first)."""

    def __init__(self, current: str):
        super().__init__(current)
        self.current = current


# A result refused by the goal's measure (iep/results.py), and the goal already having one that day.
ResultRefused = results.ResultRefused
PointExists = results.DuplicateResult


class ResultChanged(Exception):
    """The result is no longer what the person correcting it saw (someone else corrected or voided it first)."""


def _after_commit(task_name: str, **kwargs) -> None:
    """Queue a task once the transaction commits. robust=True: a broker failure is logged and the
    outbox sweep sends the notification later; the saved row is never lost or turned into a 500."""
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(**kwargs), robust=True)


# --- Input to the IEP team ---------------------------------------------------------------


def submit_input(*, student: Student, submitted_by: User, kind: str, text: str, attachment=None,
                 idempotency_key: uuid.UUID | None = None, team: str = IEPInput.Team.IEP) -> IEPInput:
    """Save an input from a family (the family portal calls this) or a staff member.

    - the caller has checked iep.submit_input for `student` (the access door)
    - the attachment, if any, is checked by content (PDF, PNG, JPEG, <= 5 MB); ValidationError otherwise
    - the same idempotency_key twice returns the first row (T7.2)
    - one transaction: the input and its "received" event; the team is told after commit
    - `team`: the IEP team, or the support team of a tier 2 or 3 plan (MTSS; the caller checked
      family_portal.send_support_input): the same row and life, read and answered on the MTSS page
    """
    if idempotency_key is not None:
        existing = IEPInput.objects.filter(idempotency_key=idempotency_key, submitted_by=submitted_by).first()
        if existing is not None:
            return existing
    content_type, extension = attachments.check_attachment(attachment) if attachment else ("", "")
    sender = IEPInput.Sender.FAMILY if access.is_guardian_of.test(submitted_by, student) else IEPInput.Sender.STAFF
    try:
        with transaction.atomic():
            item = IEPInput(student=student, submitted_by=submitted_by, sender=sender, kind=kind, text=text, team=team,
                            idempotency_key=idempotency_key or uuid.uuid4(), attachment_type=content_type)
            if attachment:
                item.attachment_name = attachment.name[:200]
                item.attachment.save(f"{uuid.uuid4()}.{extension}", attachment, save=False)
            item.save()
            InputEvent.objects.create(input=item, status=Status.RECEIVED, actor=submitted_by)
            _after_commit("notify_new_input", input_id=item.pk)
    except IntegrityError:
        # The same form posted twice at the same moment: the other request saved it.
        return IEPInput.objects.get(idempotency_key=idempotency_key, submitted_by=submitted_by)
    return item


TRANSITIONS = {
    "start_review": ({Status.ASSIGNED}, Status.IN_REVIEW),
    "answer": ({Status.RECEIVED, Status.ASSIGNED, Status.IN_REVIEW}, Status.ANSWERED),
    "take_into_draft": ({Status.ANSWERED}, Status.TAKEN_INTO_DRAFT),
    "close": ({Status.ANSWERED, Status.TAKEN_INTO_DRAFT}, Status.CLOSED),
}


@transaction.atomic
def move_input(*, input_id: int, action: str, by: User, seen_status: str, answer: str = "", answer_es: str = "") -> IEPInput:
    """Move an input one step along its life.

    - locks the row (select_for_update): of two people acting at once exactly one wins (T7.3)
    - refuses when the input is not in the status the person saw: TransitionNotAllowed
    - records the step (who, when); an answer is written once and the sender is told after commit
    """
    allowed_from, to_status = TRANSITIONS[action]
    item = IEPInput.objects.select_for_update().get(pk=input_id)
    if item.status != seen_status or item.status not in allowed_from:
        raise TransitionNotAllowed(item.status)
    item.status = to_status
    fields = ["status"]
    if action == "answer":
        item.answer, item.answer_es, item.answered_by, item.answered_at = answer, answer_es, by, timezone.now()
        fields += ["answer", "answer_es", "answered_by", "answered_at"]
    item.save(update_fields=fields)
    InputEvent.objects.create(input=item, status=to_status, actor=by)
    if action == "answer":
        _after_commit("notify_answer", input_id=item.pk)
    return item


@dataclass(frozen=True)
class Assignment:
    """What became of one input a director asked to assign: `done` (given to `owner`), `unchanged` (it was with
    `owner` already) or refused, with `why` in words that name the student."""

    input: IEPInput | None
    owner: User | None
    outcome: str  # "done", "unchanged" or "refused"
    why: str = ""


OWN_CASE_MANAGER = None  # in `choices`: the student's own case manager


@transaction.atomic
def assign_inputs(*, inputs: QuerySet[IEPInput], choices: dict[int, User | None], by: User) -> list[Assignment]:
    """Give each input of `choices` ({input_id: person, or OWN_CASE_MANAGER}) an owner, one by one.

    - `inputs` is already scoped to what `by` reviews (selectors.review_queue); an id outside it is refused
    - the person must be one of roster.access.input_owners for the input's student (the case manager, or for a
      student without one anyone qualified at the student's school); anyone else is refused with the reason,
      and a refused input is left exactly as it was
    - only open inputs move; each assignment is one InputEvent (who gave it to whom, when), and the new owner
      is told by email after commit (outbox column assigned_notified_at)
    - returns one Assignment per id, in the order of `choices`
    """
    locked = {i.pk: i for i in inputs.select_for_update(of=("self",)).filter(pk__in=list(choices))
              .select_related("student__school", "assigned_to")}
    owners = input_owners([i.student for i in locked.values()])
    results = []
    for input_id, person in choices.items():
        item = locked.get(input_id)
        if item is None:
            results.append(Assignment(None, person, "refused", _("One of the inputs chosen is not in your queue any "
                                                                 "more; it was left as it was.")))
            continue
        results.append(_assign_one(item, person, owners[item.student_id], by))
    return results


def _assign_one(item: IEPInput, person: User | None, owners: InputOwners, by: User) -> Assignment:
    student = item.student
    name = student.display_name
    if not item.is_open:
        return Assignment(item, person, "refused", _("%(student)s: this input is no longer open (%(status)s); it was "
                                                     "left as it was.") % {"student": name, "status": item.get_status_display()})
    if person is OWN_CASE_MANAGER:
        if owners.case_manager is None:
            return Assignment(item, None, "refused", _("%(student)s has no case manager: choose a person for this "
                                                       "input.") % {"student": name})
        person = owners.case_manager
    if person.pk not in {u.pk for u in owners.people}:
        return Assignment(item, person, "refused", _why_not_owner(person, student, owners))
    if item.assigned_to_id == person.pk:
        return Assignment(item, person, "unchanged")
    item.assigned_to, item.assigned_notified_at, item.status = person, None, Status.ASSIGNED
    item.save(update_fields=["assigned_to", "status", "assigned_notified_at"])
    InputEvent.objects.create(input=item, status=Status.ASSIGNED, actor=by, assigned_to=person)
    _after_commit("notify_assignment", input_id=item.pk)
    return Assignment(item, person, "done")


def _why_not_owner(person: User, student: Student, owners: InputOwners) -> str:
    """Why `person` may not own an input about `student`, naming both (a refused item, never a silent skip)."""
    names = {"student": student.display_name, "person": str(person), "school": student.school.name}
    if owners.case_manager is not None:
        return _("%(student)s: the input goes to the student's case manager, %(manager)s, not to %(person)s.") % {
            **names, "manager": str(owners.case_manager)}
    if not person.is_active:
        return _("%(student)s: %(person)s can no longer sign in to Waypoint.") % names
    if not StaffAssignment.objects.filter(user=person, school=student.school_id).exists():
        return _("%(student)s: %(person)s does not work at %(school)s.") % names
    return _("%(student)s: %(person)s is not a special educator, service provider or school leader at %(school)s.") % names


# --- Progress monitoring ----------------------------------------------------------------


@dataclass(frozen=True)
class AlsoEvidence:
    """"Also record as evidence": the same result, as a level on the linked competencies' scale."""

    competencies: Sequence[Competency]
    level: Decimal
    kind: str
    demonstration: str


@transaction.atomic
def record_progress(
    *, goal: Goal, measured_on: date, value: Decimal, note: str, recorded_by: User,
    also_evidence: AlsoEvidence | None = None, from_evidence: Evidence | None = None,
) -> GoalStatus:
    """Add a data point and apply the decision rule (iep.status); returns the goal's status; one entry serves both the goal and the class record.

    - the result must be one the goal's measure allows (results.check_result: a number of its kind, in its
      range, not in the future nor before the baseline): ResultRefused otherwise, and nothing is written
    - one point per goal per day: PointExists otherwise
    - the goal is locked so two entries at once cannot both miss (or both send) the flag
    - also_evidence: the same result is recorded as evidence on linked competencies through
      competencies.services.record_evidence, in this transaction (mastery is recomputed and paths hear of it
      after commit); a level off the scale raises ValidationError and nothing at all is written
    - from_evidence: the point is taken from evidence already in the class record and linked to it, so it is
      not offered again
    - a goal that is not on track (four points in a row below the aim line) is flagged and the case manager
      told after commit; data back on track clear the flag
    """
    goal = Goal.objects.select_for_update(of=("self",)).select_related("plan__student").get(pk=goal.pk)
    linked = set(goal.competencies.values_list("pk", flat=True))
    value = results.check_result(goal, measured_on=measured_on, value=value)
    _check_evidence_links(goal, linked, also_evidence, from_evidence)
    try:
        with transaction.atomic():
            point = ProgressPoint.objects.create(goal=goal, measured_on=measured_on, value=value, note=note,
                                                 recorded_by=recorded_by)
    except IntegrityError:
        raise PointExists({"measured_on": [_("This goal already has a result for that day.")]}) from None
    if also_evidence is not None:
        rows = record_evidence(
            student=goal.plan.student, competencies=list(also_evidence.competencies), score=also_evidence.level,
            observed_on=measured_on, kind=also_evidence.kind, demonstration=also_evidence.demonstration,
            note=(note or _("IEP goal progress monitoring"))[:300], recorded_by=recorded_by,
        )
        point.evidence.add(*rows)
    if from_evidence is not None:
        point.evidence.add(from_evidence)
    return _apply_decision(goal)


def check_result(*, goal: Goal, measured_on, value, replacing: ProgressPoint | None = None) -> None:
    """The rule record_progress and correct_result apply, for a form to show at its fields before saving."""
    results.check_result(goal, measured_on=measured_on, value=value, replacing=replacing)


REASON_MAX = 500


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the result is changed: the family's record keeps the reason.")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}]})
    return reason


def _point_to_change(*, goal: Goal, point_id: int, by: User, version: int) -> tuple[Goal, ProgressPoint]:
    """Lock the goal (as record_progress does, so the decision rule sees one order of writes), then the result;
    refuse when the person may not change it or someone changed it since they looked."""
    goal = Goal.objects.select_for_update(of=("self",)).select_related("plan__student").get(pk=goal.pk)
    point = ProgressPoint.with_voided.select_for_update().filter(pk=point_id, goal=goal).first()
    if point is None:
        raise ProgressPoint.DoesNotExist
    point.goal = goal
    if not (by.has_perm("iep.correct_progress", goal.plan.student) and by.has_perm("iep.correct_result", point)):
        raise PermissionDenied
    if point.is_voided or point.version != version:
        raise ResultChanged
    return goal, point


@transaction.atomic
def correct_result(*, goal: Goal, point_id: int, by: User, version: int, measured_on: date, value: Decimal,
                   note: str, reason: str) -> ResultCorrection:
    """Correct a result (its date, value or note), keeping what it was, who changed it, when and why.

    - only its recorder or the student's case manager (iep.correct_result): PermissionDenied otherwise
    - `version` is the one the person saw: a result corrected or voided since raises ResultChanged, nothing saved
    - the new result passes the same rule as a new one (results.check_result, its own day excepted)
    - a reason is required; a "correction" that changes nothing is refused
    - the decision rule is applied again (the flag follows the corrected data); reports already made keep
      their snapshot, and the next one lists the correction (selectors.report_corrections)
    """
    reason = _reason(reason)
    goal, point = _point_to_change(goal=goal, point_id=point_id, by=by, version=version)
    value = results.check_result(goal, measured_on=measured_on, value=value, replacing=point)
    note = (note or "").strip()
    if (point.measured_on, point.value, point.note) == (measured_on, value, note):
        raise ValidationError({"value": [_("This is the result already recorded: change the date, the result or "
                                           "the note, or void the result instead.")]})
    correction = ResultCorrection.objects.create(
        point=point, action=ResultCorrection.Action.CORRECTED, reason=reason, by=by,
        was_measured_on=point.measured_on, was_value=point.value, was_note=point.note,
        now_measured_on=measured_on, now_value=value, now_note=note)
    try:
        with transaction.atomic():
            ProgressPoint.with_voided.filter(pk=point.pk).update(measured_on=measured_on, value=value, note=note,
                                                                 version=F("version") + 1)
    except IntegrityError:
        raise PointExists({"measured_on": [_("This goal already has a result for that day.")]}) from None
    _apply_decision(goal)
    return correction


@transaction.atomic
def void_result(*, goal: Goal, point_id: int, by: User, version: int, reason: str) -> ResultCorrection:
    """Void a result typed by mistake: it counts nowhere any more (chart, decision rule, latest result, the next
    report), and stays in the history and the family's record export with who voided it, when and why.
    Same permission, version check and reason as correct_result."""
    reason = _reason(reason)
    goal, point = _point_to_change(goal=goal, point_id=point_id, by=by, version=version)
    correction = ResultCorrection.objects.create(
        point=point, action=ResultCorrection.Action.VOIDED, reason=reason, by=by,
        was_measured_on=point.measured_on, was_value=point.value, was_note=point.note)
    ProgressPoint.with_voided.filter(pk=point.pk).update(voided_at=timezone.now(), version=F("version") + 1)
    _apply_decision(goal)
    return correction


def _check_evidence_links(goal: Goal, linked: set[int], also_evidence: AlsoEvidence | None,
                          from_evidence: Evidence | None) -> None:
    if also_evidence is not None and also_evidence.competencies:
        if any(c.pk not in linked for c in also_evidence.competencies):
            raise ValidationError(_("Evidence can only be recorded on the competencies this goal is linked to."))
        if from_evidence is not None:
            raise ValidationError(_("This result comes from the class record already; it is not recorded there twice."))
    if from_evidence is not None:
        if from_evidence.student_id != goal.plan.student_id or from_evidence.competency_id not in linked:
            raise ValidationError(_("That result is not about a competency this goal is linked to."))
        if from_evidence.progress_points.filter(goal=goal).exists():
            raise ValidationError(_("That result is already one of this goal's results."))


def _apply_decision(goal: Goal) -> GoalStatus:
    """Judge the goal's data (iep.status, the one rule); flag it when it needs a look (the case manager is told
    after commit) or clear the flag. The flag is the status, stored for the outbox: pages read the status."""
    status = selectors.status_of(goal, list(goal.points.order_by("measured_on")))
    if status.needs_a_look and goal.flagged_at is None:
        goal.flagged_at, goal.flag_notified_at = timezone.now(), None
        Goal.objects.filter(pk=goal.pk).update(flagged_at=goal.flagged_at, flag_notified_at=None)
        _after_commit("notify_goal_flag", goal_id=goal.pk)
    elif not status.needs_a_look and goal.flagged_at is not None:
        goal.flagged_at = None
        Goal.objects.filter(pk=goal.pk).update(flagged_at=None)
    return status


# --- Plans and goals --------------------------------------------------------------------


@transaction.atomic
def save_plan(*, student: Student, by: User, start_date: date, annual_review_due: date, reevaluation_due: date,
              case_manager: User | None, team: dict[int, str]) -> IEPPlan:
    """Start the student's plan, or change the current one, and seat its team.

    - the current plan is locked while it changes; a new one is created when there is none (the database keeps
      one current plan per student)
    - saved through the models so history keeps who changed what and when (plan and every team seat)
    - team: {user_id: role}; seats are added, re-roled or removed to match; the case manager always has a seat
    """
    plan = IEPPlan.objects.select_for_update().filter(student=student, is_current=True).first()
    plan = plan or IEPPlan(student=student, is_current=True)
    plan.start_date, plan.annual_review_due, plan.reevaluation_due = start_date, annual_review_due, reevaluation_due
    plan.case_manager = case_manager
    plan._history_user = by
    plan.save()
    if case_manager is not None and case_manager.pk not in team:
        team = {**team, case_manager.pk: TeamMember.Role.CASE_MANAGER}
    _seat_team(plan, team, by)
    return plan


def _seat_team(plan: IEPPlan, team: dict[int, str], by: User) -> None:
    seats = {seat.user_id: seat for seat in plan.team.all()}
    for user_id, seat in seats.items():
        seat._history_user = by
        if user_id not in team:
            seat.delete()
        elif seat.role != team[user_id]:
            seat.role = team[user_id]
            seat.save(update_fields=["role"])
    for user_id, role in team.items():
        if user_id not in seats:
            seat = TeamMember(plan=plan, user_id=user_id, role=role)
            seat._history_user = by
            seat.save()


GOAL_FIELDS = ("area", "statement", "unit", "baseline", "baseline_date", "target", "target_date", "measurement_method",
               "monitoring_schedule", "measure_kind", "whole_numbers", "minimum", "maximum")
MEASURE_FIELDS = ("measure_kind", "whole_numbers", "minimum", "maximum")


def check_measure(*, goal: Goal | None, measure_kind: str, whole_numbers: bool, minimum, maximum, baseline,
                  target) -> None:
    """The goal's measure makes sense and holds its baseline and target, and a changed measure holds every result
    already recorded (results.check_measure); for the goal form to show at its fields, and for save_goal. A
    measure left as it was is not re-judged against old results (results recorded before measures were declared
    can be corrected or voided one by one, without blocking other changes to the goal)."""
    changed = goal is not None and goal.pk and (goal.measure_kind, goal.whole_numbers, goal.minimum, goal.maximum) != (
        measure_kind, whole_numbers or measure_kind in results.WHOLE_KINDS, minimum, maximum)
    recorded = list(goal.points.values_list("value", flat=True)) if changed else []
    results.check_measure(kind=measure_kind, whole_numbers=whole_numbers, minimum=minimum, maximum=maximum,
                          baseline=baseline, target=target, results=recorded)


@transaction.atomic
def save_goal(*, plan: IEPPlan, by: User, goal: Goal | None = None, competencies: Sequence[Competency] = (),
              profile_goals: Sequence[ProfileGoal] = (), **fields) -> Goal:
    """Add a measurable annual goal to the plan, or change one, with its links.

    - links only to the student's own profile goals and to competencies the student works on (or already linked)
    - saved through the model, links included, so history keeps who changed what and when
    - the measure (kind, whole numbers, lowest and highest result) must hold the baseline, the target and every
      result already recorded (check_measure): ValidationError otherwise, nothing saved
    - a changed baseline, target or goal date moves the aim line: the decision rule is applied again
    """
    student = plan.student
    if any(g.student_id != student.pk for g in profile_goals):
        raise ValidationError(_("A goal can only be linked to this student's own learner-profile goals."))
    allowed = {c.pk for c in selectors.linkable_competencies(student, goal)}
    if any(c.pk not in allowed for c in competencies):
        raise ValidationError(_("A goal can only be linked to competencies of the student's classes."))
    if goal is None:
        goal = Goal(plan=plan)
    else:
        goal = Goal.objects.select_for_update().get(pk=goal.pk, plan=plan)
    if fields.get("measure_kind") in results.WHOLE_KINDS:
        fields = {**fields, "whole_numbers": True}
    check_measure(goal=goal, baseline=fields["baseline"], target=fields["target"],
                  **{name: fields[name] for name in MEASURE_FIELDS})
    for name in GOAL_FIELDS:
        setattr(goal, name, fields[name])
    goal.statement_es = fields.get("statement_es", goal.statement_es)
    goal._history_user = by
    goal.save()
    goal.competencies.set(competencies)
    goal.profile_goals.set(profile_goals)
    _apply_decision(goal)
    return goal


# --- Notifications (outbox) ---------------------------------------------------------------


Reader = tuple[str, str]  # (email, preferred language)


def _send(queryset: QuerySet, field: str, *, subject: str, template: str, context: dict, to: Sequence[Reader]) -> bool:
    """Send one outbox notification once (notifications.outbox.send_once: claim, send and mark in one
    transaction; a refused email is recorded for the district administrator, T8.6). Each reader gets it in
    their own language: one email per language, a lazy `subject` translated with the body."""
    def send() -> None:
        for language, emails in _by_language(to).items():
            with translation.override(language):
                send_mail(str(subject), render_to_string(template, context), None, emails)

    return send_once(queryset, field, send, to=[email for email, _language in to])


def _by_language(readers: Sequence[Reader]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for email, language in readers:
        groups.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    return groups


def _input_reviewers(student: Student) -> list[Reader]:
    return list(access.input_reviewers(student).values_list("email", "preferred_language"))


def notify_new_input(*, input_id: int) -> bool:
    """Tell the student's case manager (or, without one, the district's director) that an input arrived; an input
    to a support team, the people who answer it (roster.access.support_team: the school's problem-solving team and
    the interventionist)."""
    item = IEPInput.objects.select_related("student__school").get(pk=input_id)
    if item.team == IEPInput.Team.SUPPORT:
        subject = gettext_lazy("New message for a support team (extra help)")
        readers = list(access.support_team(item.student).values_list("email", "preferred_language"))
    else:
        subject, readers = gettext_lazy("New input for an IEP team"), _input_reviewers(item.student)
    return _send(IEPInput.objects.filter(pk=input_id), "notified_at", subject=subject,
                 template="iep/emails/new_input.txt", context={"input": item}, to=readers)


def notify_answer(*, input_id: int) -> bool:
    """Write the team's answer to the person who sent the input."""
    item = IEPInput.objects.select_related("student", "submitted_by", "answered_by").get(pk=input_id)
    sender = item.submitted_by
    subject = (gettext_lazy("The support team answered you") if item.team == IEPInput.Team.SUPPORT
               else gettext_lazy("The IEP team answered you"))
    return _send(IEPInput.objects.filter(pk=input_id), "answer_notified_at", subject=subject,
                 template="iep/emails/answer.txt", context={"input": item}, to=[(sender.email, sender.preferred_language)])


def notify_assignment(*, input_id: int) -> bool:
    """Tell the person an input was given to that it is theirs now (once per assignment)."""
    item = IEPInput.objects.select_related("student__school", "assigned_to").get(pk=input_id)
    owner = item.assigned_to
    if owner is None or not owner.email:
        return False
    return _send(IEPInput.objects.filter(pk=input_id, assigned_to=owner), "assigned_notified_at",
                 subject=gettext_lazy("An input to an IEP team was given to you"), template="iep/emails/assigned.txt",
                 context={"input": item}, to=[(owner.email, owner.preferred_language)])


def notify_goal_flag(*, goal_id: int) -> bool:
    """Tell the case manager (or, without one, the reviewers) that a goal needs a look, with its status as every
    page shows it. Nothing is sent if the data recovered before the email went."""
    goal = (Goal.objects.select_related("plan__student", "plan__case_manager")
            .prefetch_related(Prefetch("points", queryset=ProgressPoint.objects.order_by("measured_on"))).get(pk=goal_id))
    status = selectors.status_of(goal, list(goal.points.all()))
    if goal.flagged_at is None or not status.needs_a_look:
        return False
    manager = goal.plan.case_manager
    to = [(manager.email, manager.preferred_language)] if manager and manager.email else _input_reviewers(goal.plan.student)
    return _send(Goal.objects.filter(pk=goal_id, flagged_at__isnull=False), "flag_notified_at",
                 subject=gettext_lazy("An IEP goal needs a look"), template="iep/emails/goal_flag.txt",
                 context={"goal": goal, "status": status}, to=to)


def _family_readers(student: Student) -> list[Reader]:
    """Who reads the student's reports: the guardians with the right to records, or the adult student."""
    return [(reader.email, reader.preferred_language) for reader in access.family_readers(student)]


def notify_family_of_report(*, report_id: int) -> bool:
    """Tell the family a report is ready, with where each goal stands in it (the report's own results)."""
    report = ProgressReport.objects.select_related("student__user").get(pk=report_id)
    return _send(ProgressReport.objects.filter(pk=report_id).exclude(pdf=""), "family_notified_at",
                 subject=gettext_lazy("A new progress report is ready"), template="iep/emails/report_ready.txt",
                 context={"report": report, "goals": selectors.report_goals(report)}, to=_family_readers(report.student))


def sweep_outbox() -> int:
    """Send every notification still pending (a broker that was down dropped its task), except those that
    failed for good and wait for a person (T8.6). Returns how many were sent now; the claims keep this
    safe to run while the regular tasks run too."""
    jobs = [
        (unsent(IEPInput.objects.all(), "notified_at"), notify_new_input, "input_id"),
        (unsent(IEPInput.objects.filter(answered_at__isnull=False), "answer_notified_at"), notify_answer, "input_id"),
        (unsent(IEPInput.objects.filter(assigned_to__isnull=False), "assigned_notified_at"), notify_assignment, "input_id"),
        (unsent(Goal.objects.filter(flagged_at__isnull=False), "flag_notified_at"), notify_goal_flag, "goal_id"),
        (unsent(ProgressReport.objects.exclude(pdf=""), "family_notified_at"), notify_family_of_report, "report_id"),
    ]
    return sum(sweep(pending.values_list("pk", flat=True), lambda pk, notify=notify, key=key: notify(**{key: pk}),
                     notify.__name__) for pending, notify, key in jobs)


# --- Quarterly progress reports ----------------------------------------------------------------


def _report_pdf(context: dict, language: str) -> bytes:
    with translation.override(language):
        pdf, _refused = render_pdf(render_to_string("iep/report_pdf.html", {**context, "LANGUAGE_CODE": language}))
    return pdf


def report_context(*, plan: IEPPlan, period: str, interim_up_to: date | None = None) -> dict:
    """What a report of `period` shows: each goal with the results up to the period's end, or up to the interim
    cut-off for an interim report (the caller has checked the cut-off: monitoring.report_cutoff)."""
    first, last = monitoring.quarter_bounds(period)
    return {"plan": plan, "student": plan.student, "period": period, "period_start": first, "period_end": last,
            "interim_up_to": interim_up_to, "goals": selectors.goals_with_progress(plan, up_to=interim_up_to or last),
            "status_audience": Audience.FAMILY.value, "corrections": selectors.report_corrections(plan, period)}


def create_progress_report(*, student_id: int, period: str, interim_up_to: date | None = None) -> ProgressReport | None:
    """The student's report for `period`: made once, however often the job runs.

    - only for a period that has ended, unless `interim_up_to` asks for an interim report (results up to that
      day, in the period, not after today): monitoring.ReportNotAllowed otherwise, and nothing is written
    - no current plan: nothing
    - the row is created or found (unique student + period for the period's report; + cut-off day for an interim
      one) and locked, so two workers render once
    - the PDF is rendered with no URL fetching and stored, in the school's language and in each other language
      its family reads (the same snapshot, made together); the family is told after commit
    """
    monitoring.report_cutoff(period, today=timezone.localdate(), interim_up_to=interim_up_to)
    student = Student.objects.filter(pk=student_id).first()
    plan = selectors.current_plan(student) if student else None
    if plan is None:
        return None
    with transaction.atomic():
        report, _created = ProgressReport.objects.get_or_create(student=student, period=period,
                                                                interim_up_to=interim_up_to, defaults={"plan": plan})
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.pdf:
            return report
        context = {**report_context(plan=plan, period=period, interim_up_to=interim_up_to), "report": report}
        stem = f"{student.uuid}-{report.file_name.removeprefix('progress-report-').removesuffix('.pdf')}"
        report.pdf.save(f"{stem}.pdf", ContentFile(_report_pdf(context, settings.LANGUAGE_CODE)), save=True)
        for language in sorted({lang for _email, lang in _family_readers(student)} - {settings.LANGUAGE_CODE, ""}):
            copy = ProgressReportCopy(report=report, language=language)
            copy.pdf.save(f"{stem}-{language}.pdf", ContentFile(_report_pdf(context, language)), save=True)
        _after_commit("notify_family_report", report_id=report.pk)
    return report

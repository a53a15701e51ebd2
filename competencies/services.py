"""Every write that matters in competencies: evidence, mastery, prerequisites, CASE import."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simple_history.utils import bulk_create_with_history

from accounts.language import language_of
from accounts.models import User
from roster.models import Section, Student

from . import mastery
from .graph import find_cycle
from .importers import case
from .models import Competency, Evidence, ImportJob, Mastery, Prerequisite, SectionCompetency
from .selectors import scale_info
from .signals import mastery_changed, mastery_changed_in_bulk

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One student's result in a bulk entry."""

    student: Student
    score: Decimal
    demonstration: str
    accommodations: tuple[str, ...] = ()


# --- evidence -----------------------------------------------------------------


def _check_result(*, competency: Competency, score, observed_on, levels: Sequence[tuple[int, str]], student: Student | None = None,
                  ) -> Decimal:
    """The level as a Decimal, if the result may be written: a current competency, a level of its framework's scale
    (a number, one of the scale's levels), a date not ahead. Otherwise ValidationError, each refusal with the part it
    is about as its code ("competencies", "score", "observed_on") so a form shows it at its field; in a bulk entry
    params["student"] names the student's id."""
    if competency.is_retired:
        raise ValidationError(_("%(code)s is no longer part of its framework.") % {"code": competency.short_code or competency.pk},
                              code="competencies")
    return _check_level_and_day(score=score, observed_on=observed_on, levels=levels, student=student)


def _check_level_and_day(*, score, observed_on, levels: Sequence[tuple[int, str]], student: Student | None = None) -> Decimal:
    errors = []
    level = level_of(score, levels)
    if level is None:
        values = [value for value, _label in levels]
        number = _number(score)
        if number is None or not values or not min(values) <= number <= max(values):
            message = _("The level must be on the scale, from %(low)s to %(high)s.") % {
                "low": min(values, default=0), "high": max(values, default=0)}
        else:
            message = _("The level must be one of the levels on the scale: %(levels)s.") % {"levels": ", ".join(map(str, values))}
        errors.append(ValidationError(message, code="score", params={"student": student.pk if student else None}))
    if not isinstance(observed_on, date) or isinstance(observed_on, datetime):
        errors.append(ValidationError(_("Enter the date of the result."), code="observed_on"))
    elif observed_on > timezone.localdate():
        errors.append(ValidationError(_("The date cannot be in the future."), code="observed_on"))
    if errors:
        raise ValidationError(errors)
    return level


def _number(value) -> Decimal | None:
    """A finite Decimal from a Decimal, an int or numeric text; None for anything else (a bool, a float's noise, NaN)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def level_of(score, levels: Sequence[tuple[int, str]]) -> Decimal | None:
    """The score as one of the scale's levels, or None when it is not one (off the scale, between levels, not a number)."""
    number = _number(score)
    return number if number is not None and number in {Decimal(value) for value, _label in levels} else None


@transaction.atomic
def record_evidence(
    *, student: Student, competencies: Sequence[Competency], score: Decimal, observed_on: date, kind: str,
    demonstration: str, accommodations: Iterable[str] = (), note: str = "", recorded_by: User,
) -> list[Evidence]:
    """One result of one student on one or more competencies.

    - checks each competency is current and the level is on its framework's scale, the date not ahead
    - saves the evidence rows, recomputes the stored mastery, tells higher apps after commit
    """
    info = scale_info({c.framework_id for c in competencies})
    for competency in competencies:
        score = _check_result(competency=competency, score=score, observed_on=observed_on, levels=info[competency.framework_id].levels)
    rows = bulk_create_with_history(
        [Evidence(student=student, competency=competency, score=score, observed_on=observed_on, kind=kind,
                  demonstration=demonstration, accommodations=sorted(set(accommodations)), note=note, recorded_by=recorded_by)
         for competency in competencies], Evidence, default_user=recorded_by,
    )
    recompute_mastery(pairs=[(student.pk, c.pk) for c in competencies])
    return rows


@transaction.atomic
def record_section_evidence(
    *, section: Section, competency: Competency, entries: Sequence[Entry], observed_on: date, kind: str, recorded_by: User,
) -> list[Evidence]:
    """One assessment of many students of a class on one competency, in one transaction.

    - refuses students not enrolled in the class and competencies the class is not linked to
    - a bounded number of queries whatever the class size (bulk insert, set-based recompute)
    """
    if not SectionCompetency.objects.filter(section=section, competency=competency).exists():
        raise ValidationError(_("This class is not working on that competency."))
    enrolled = set(section.enrollments.values_list("student_id", flat=True))
    if any(entry.student.pk not in enrolled for entry in entries):
        raise ValidationError(_("Results can only be recorded for students in this class."))
    if not entries:
        raise ValidationError(_("Enter a level for at least one student."))
    if len({entry.student.pk for entry in entries}) != len(entries):
        raise ValidationError(_("Each student can have only one result in one entry."))
    levels = scale_info({competency.framework_id})[competency.framework_id].levels
    entries = _checked_entries(competency, entries, observed_on, levels)
    rows = bulk_create_with_history(
        [Evidence(student=entry.student, competency=competency, score=entry.score, observed_on=observed_on, kind=kind,
                  demonstration=entry.demonstration, accommodations=sorted(set(entry.accommodations)), recorded_by=recorded_by)
         for entry in entries], Evidence, default_user=recorded_by,
    )
    recompute_mastery(pairs=[(entry.student.pk, competency.pk) for entry in entries])
    return rows


def _checked_entries(competency: Competency, entries: Sequence[Entry], observed_on: date, levels) -> list[Entry]:
    """Every entry checked (all refusals together, each naming its student), the levels as Decimals."""
    checked, errors = [], []
    for entry in entries:
        try:
            level = _check_result(competency=competency, score=entry.score, observed_on=observed_on, levels=levels, student=entry.student)
        except ValidationError as error:
            errors += [e for e in error.error_list if e.code != "observed_on" or not any(o.code == "observed_on" for o in errors)]
        else:
            checked.append(Entry(entry.student, level, entry.demonstration, entry.accommodations))
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def correct_evidence(*, evidence: Evidence, corrected_by: User, reason: str, score=None, observed_on: date | None = None,
                     note: str | None = None) -> Evidence:
    """Correct a result's level, date or note (None: unchanged), saying why.

    - who may (the person who recorded it, the student's case manager) is the caller's check:
      competencies.correct_evidence in roster/access.py
    - the same rules as when it was recorded (a level of the scale, a date not ahead); a removed result cannot be
      corrected; something must change
    - the version before stays in the history (who, when, what, why); the pair's mastery is recomputed
    """
    row = _locked(evidence, reason)
    levels = scale_info({row.competency.framework_id})[row.competency.framework_id].levels
    new_score = _check_level_and_day(score=row.score if score is None else score,
                                     observed_on=row.observed_on if observed_on is None else observed_on, levels=levels)
    new_day = row.observed_on if observed_on is None else observed_on
    new_note = row.note if note is None else note.strip()[:300]
    if (new_score, new_day, new_note) == (row.score, row.observed_on, row.note):
        raise ValidationError(_("Nothing was changed: correct the level, the date or the note."))
    row.score, row.observed_on, row.note, row.corrected_at = new_score, new_day, new_note, timezone.now()
    _save_with_reason(row, corrected_by, reason)
    return row


@transaction.atomic
def void_evidence(*, evidence: Evidence, voided_by: User, reason: str) -> Evidence:
    """Remove a result recorded by mistake, saying why: it no longer counts (mastery, charts, offers) but stays, with
    who, when and why, in its row, its history and the family's record export; the pair's mastery is recomputed."""
    row = _locked(evidence, reason)
    row.voided_at, row.voided_by, row.void_reason = timezone.now(), voided_by, reason.strip()[:300]
    _save_with_reason(row, voided_by, reason)
    return row


def _locked(evidence: Evidence, reason: str) -> Evidence:
    """The result, locked, if it may still change: not removed already, and a reason given."""
    row = Evidence.objects.select_for_update(of=("self",)).select_related("competency").get(pk=evidence.pk)
    if row.voided_at is not None:
        raise ValidationError(_("This result was removed already; it no longer counts."))
    if not (reason or "").strip():
        raise ValidationError(_("Say why, so the family and the team can see it."), code="reason")
    if not row.history.exists():  # recorded before results had a history: keep the original as its first version
        Evidence.history.bulk_history_create([row], default_user=row.recorded_by, default_date=row.recorded_at)
    return row


def _save_with_reason(row: Evidence, by: User, reason: str) -> None:
    row._history_user, row._change_reason = by, reason.strip()[:300]
    row.save()
    recompute_mastery(pairs=[(row.student_id, row.competency_id)])


# --- mastery ------------------------------------------------------------------


@transaction.atomic
def recompute_mastery(*, pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Recompute stored mastery for (student_id, competency_id) pairs with set-based queries.

    - one query for the evidence, one for the rows already stored, one upsert
    - returns {student_id: competency ids whose value or mastered state changed} and sends
      mastery_changed for them after commit
    """
    pairs = set(pairs)
    if not pairs:
        return {}
    student_ids, competency_ids = {s for s, _c in pairs}, {c for _s, c in pairs}
    frameworks = dict(Competency.objects.filter(pk__in=competency_ids).values_list("pk", "framework_id"))
    info = scale_info(set(frameworks.values()))
    scores, last_day = defaultdict(list), {}
    evidence = Evidence.objects.current().filter(student_id__in=student_ids, competency_id__in=competency_ids).order_by("observed_on", "pk")
    for student_id, competency_id, day, score in evidence.values_list("student_id", "competency_id", "observed_on", "score"):
        if (student_id, competency_id) in pairs:
            scores[student_id, competency_id].append(score)
            last_day[student_id, competency_id] = day
    before = {(m.student_id, m.competency_id): m for m in Mastery.objects.select_for_update().order_by("pk").filter(
        student_id__in=student_ids, competency_id__in=competency_ids)}
    now, rows, changed = timezone.now(), [], defaultdict(set)
    for pair in pairs:
        params = info[frameworks[pair[1]]].params
        result = mastery.compute(scores.get(pair, []), params)
        old = before.get(pair)
        if old is None or old.value != result.value or old.is_mastered != result.is_mastered or old.params != params.as_json():
            changed[pair[0]].add(pair[1])
        rows.append(stored_row(pair, result, params, old, last_day.get(pair), now))
    Mastery.objects.bulk_create(rows, batch_size=500, update_conflicts=True, unique_fields=["student", "competency"],
                                update_fields=list(STORED))
    _announce(changed)
    return dict(changed)


# The columns a recomputation writes (never the override's): the computed result and the effective state.
STORED = ("value", "is_mastered", "evidence_count", "method", "params", "computed_at", "effective_value",
          "effective_mastered", "mastered_on")


def stored_row(pair: tuple[int, int], result: mastery.Result, params: mastery.Params, old: Mastery | None,
               last_day: date | None, now) -> Mastery:
    """The Mastery row to upsert for one pair: the computed result, and the effective state from the stored override
    (old row) through mastery.effective and mastery.mastered_since (a computed mastery is reached on its newest
    result's date)."""
    override = old.override_value if old is not None else None
    value, mastered = mastery.effective(result.value, result.is_mastered, override, params.threshold)
    since = mastery.mastered_since(bool(old and old.effective_mastered), old.mastered_on if old else None, mastered,
                                   last_day or timezone.localdate(now))
    return Mastery(student_id=pair[0], competency_id=pair[1], value=result.value, is_mastered=result.is_mastered,
                   evidence_count=result.evidence_count, method=params.method, params=params.as_json(), computed_at=now,
                   effective_value=value, effective_mastered=mastered, mastered_on=since)


def _announce(changed: dict[int, set[int]]) -> None:
    if not changed:
        return
    pairs = [(s, c) for s, ids in changed.items() for c in ids]

    def send():
        mastered = Mastery.objects.filter(student_id__in=changed, competency_id__in={c for _s, c in pairs}).mastered_ids()
        in_bulk = len(changed) > 1
        for student_id, ids in changed.items():
            mastery_changed.send(sender=Mastery, student_id=student_id, competency_ids=sorted(ids),
                                 mastered_ids=sorted(ids & mastered.get(student_id, set())), in_bulk=in_bulk)
        if in_bulk:
            mastery_changed_in_bulk.send(sender=Mastery, student_ids=sorted(changed))

    transaction.on_commit(send, robust=True)


def recompute_all(*, framework_id: int | None = None, student_ids: Sequence[int] | None = None, chunk: int = 1000) -> int:
    """Recompute every pair with evidence (or one framework's, or some students'): the command, the task and the bench.

    - one set-based statement per framework (competencies/recompute.py); on SQLite the decaying average and power
      law run in Python over chunks of `chunk` students
    - overrides kept; mastery_changed after commit for the pairs whose value, mastered state or parameters changed
    """
    from .recompute import recompute_frameworks

    done, _changed = recompute_frameworks(framework_id=framework_id, student_ids=student_ids, chunk=chunk)
    return done


@transaction.atomic
def override_mastery(*, student: Student, competency: Competency, value: Decimal | None, reason: str, overridden_by: User) -> Mastery:
    """A teacher's judgement over the computed value, with a reason; kept in history. None clears it.

    - saves through the model so django-simple-history records who, when and why
    """
    info = scale_info({competency.framework_id})[competency.framework_id]
    if value is not None:
        value = _check_result(competency=competency, score=value, observed_on=timezone.localdate(), levels=info.levels)
        if not reason.strip():
            raise ValidationError(_("Say why you are changing the level, so the family and the team can see it."), code="reason")
    row = Mastery.objects.select_for_update().filter(student=student, competency=competency).first()
    if row is None:
        recompute_mastery(pairs=[(student.pk, competency.pk)])
        row = Mastery.objects.select_for_update().get(student=student, competency=competency)
    was_mastered = row.effective_mastered
    row.override_value = value
    row.override_reason = reason.strip() if value is not None else ""
    row.overridden_by = overridden_by if value is not None else None
    row.effective_value, row.effective_mastered = mastery.effective(
        row.value, row.is_mastered, value, Decimal(row.params.get("threshold", info.threshold)))
    reached = timezone.localdate() if value is not None else _newest_result_day(student, competency)
    row.mastered_on = mastery.mastered_since(was_mastered, row.mastered_on, row.effective_mastered, reached)
    row._history_user = overridden_by
    row.save()
    _announce({student.pk: {competency.pk}})
    return row


def _newest_result_day(student: Student, competency: Competency) -> date:
    day = (Evidence.objects.current().filter(student=student, competency=competency).order_by("-observed_on")
           .values_list("observed_on", flat=True).first())
    return day or timezone.localdate()


# --- frameworks -----------------------------------------------------------------


@transaction.atomic
def add_prerequisite(*, prerequisite: Competency, competency: Competency) -> Prerequisite:
    """`prerequisite` must be mastered before `competency` opens; a loop is refused."""
    if prerequisite.framework_id != competency.framework_id:
        raise ValidationError(_("Both competencies must belong to the same framework."))
    if prerequisite.pk == competency.pk:
        raise ValidationError(_("A competency cannot be its own prerequisite."))
    edges = list(Prerequisite.objects.filter(competency__framework_id=competency.framework_id).values_list("prerequisite_id", "competency_id"))
    cycle = find_cycle([*edges, (prerequisite.pk, competency.pk)])
    if cycle:
        codes = dict(Competency.objects.filter(pk__in=cycle).values_list("pk", "code"))
        raise ValidationError(
            _("This would make a loop of prerequisites: %(loop)s.") % {"loop": " > ".join(codes[pk] or str(pk) for pk in cycle)}
        )
    link, _created = Prerequisite.objects.get_or_create(prerequisite=prerequisite, competency=competency)
    return link


@transaction.atomic
def link_section_competencies(*, section: Section, competencies: Sequence[Competency]) -> None:
    """The class works on these competencies, in this order (an existing link keeps its row)."""
    existing = {link.competency_id: link for link in SectionCompetency.objects.filter(section=section)}
    for position, competency in enumerate(competencies):
        link = existing.get(competency.pk)
        if link is None:
            SectionCompetency.objects.create(section=section, competency=competency, position=position)
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])


# --- CASE import ----------------------------------------------------------------


def import_case(*, raw: bytes | str) -> tuple:
    """Check, then write a CASE package in one transaction. Raises case.CaseImportError, writing nothing."""
    package = case.parse_package(raw)
    return case.write_package(package)


def start_case_import(*, source_name: str, payload: str, created_by: User) -> ImportJob:
    """Keep the upload in the database, then hand it to a worker after commit."""
    from .tasks import task_run_case_import

    job = ImportJob.objects.create(source_name=source_name[:300], payload=payload, created_by=created_by)
    transaction.on_commit(lambda: task_run_case_import.delay(job_id=job.pk), robust=True)
    return job


def run_case_import(*, job: ImportJob) -> None:
    """Run one job; safe to retry: a job already finished or claimed by another worker is left alone."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(status=ImportJob.Status.CHECKING)
    if claimed != 1:
        return
    # The message and warnings are stored as text: write them in the language of the person who uploaded the file.
    with translation.override(language_of(job.created_by)):
        _run_claimed_case_import(job)



def _run_claimed_case_import(job: ImportJob) -> None:
    try:
        package = case.parse_package(job.payload)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING, item_total=len(package.items))
        with transaction.atomic():  # the rows and the DONE status together: a failure while finishing keeps neither
            framework, summary = case.write_package(package)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE, framework=framework, summary=summary, payload="",
                finished_at=timezone.now(),
                message=_("Imported %(n)d items: %(c)d new, %(u)d changed, %(s)d unchanged.") % {
                    "n": summary["items"], "c": summary["created"], "u": summary["updated"], "s": summary["unchanged"]},
            )
    except case.CaseImportError as error:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message=str(error), finished_at=timezone.now())
    except Exception:
        # Anything else (a bug, a database error) must not leave the page on "Checking the file" for ever
        # (quality.md T4): log it with the job id, and tell the person the same id.
        logger.exception("CASE import job %s failed unexpectedly", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(),
            message=_("An unexpected problem stopped the import. Please try again; if it happens again, give "
                      "Waypoint support this reference: import job %(id)d.") % {"id": job.pk},
        )

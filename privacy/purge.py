"""Purge a departed student's record, generated from the privacy registry (IDEA 300.624, NDPA Art. IV §6,
SOPIPA; quality.md T3.3, T3.7).

- every registered model linked to the student loses the student's rows, history tables included;
- the fields IDEA 300.624(b) lets a district keep (name, classes, grade level, year completed) are
  copied to a PermanentRecord first;
- the disclosure record (FERPA 99.32) and the security log stay, as the registry declares;
- a certificate lists the rows removed and kept per table. A dry run counts and changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.core.files.storage import Storage
from django.db.models import FileField, Model
from django.utils import timezone

from accounts.models import User
from roster.models import District, Section, Student

from . import registry
from .models import DEFAULT_RETENTION_DAYS, Departure, DisclosureRecord, PermanentRecord, PurgeCertificate


@dataclass
class Certificate:
    student_uuid: str
    dry_run: bool
    deleted: dict[str, int] = field(default_factory=dict)
    kept: dict[str, dict] = field(default_factory=dict)  # label -> {"rows": n, "why": reason}
    certificate_id: int | None = None

    @property
    def total_deleted(self) -> int:
        return sum(self.deleted.values())

    def lines(self) -> list[str]:
        heading = "DRY RUN: nothing was deleted" if self.dry_run else f"Certificate {self.certificate_id}"
        out = [f"{heading}. Student {self.student_uuid}.", "Rows deleted per table:"]
        out += [f"  {label}: {count}" for label, count in sorted(self.deleted.items())]
        out.append("Rows kept:")
        out += [f"  {label}: {kept['rows']} ({kept['why']})" for label, kept in sorted(self.kept.items())]
        return out


def _plan(student: Student) -> tuple[list[tuple[type[Model], list]], dict[str, dict]]:
    """Primary keys to delete per model, collected before anything is deleted (history rows are found
    through their parents, which a purge removes)."""
    to_delete, kept = [], {}
    for model, declaration in registry.student_models():
        pks = list(registry.rows_for(model, declaration, student).values_list("pk", flat=True))
        if declaration.kept_on_purge:
            kept[model._meta.label] = {"rows": len(pks), "why": declaration.kept_on_purge}
        elif pks:
            to_delete.append((model, pks))
    return to_delete, kept


def _depth(item: tuple[type[Model], list]) -> tuple[int, int]:
    model, _ = item
    link = registry.REGISTRY[model._meta.label].student_link
    is_student = model is Student
    depth = link.count("__") if isinstance(link, str) else 0
    return (1 if is_student or model is User else 0, -depth)  # deepest rows first, the student and account last


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for label, count in counts.items():
        if count:
            total[label] = total.get(label, 0) + count


def _delete_history_written_by_the_purge(deleted_pks: dict[type[Model], list]) -> dict[str, int]:
    """django-simple-history writes a "-" version of every row it sees deleted; those versions hold the
    same data, so they go too (a history row's `id` is the primary key of the row it is a version of)."""
    counts: dict[str, int] = {}
    for model, _ in registry.student_models():
        base = getattr(model, "instance_type", None)
        if base is not None and base in deleted_pks:
            _, per_label = model._base_manager.filter(id__in=deleted_pks[base]).delete()
            _add(counts, per_label)
    return counts


def _permanent_record(student: Student) -> None:
    sections = Section.objects.filter(enrollments__student=student).select_related("term").order_by("term__start_date", "name")
    classes = [{"class": s.name, "subject": s.subject, "term": s.term.name} for s in sections]
    last_term = max((s.term.end_date for s in sections), default=None)
    PermanentRecord.objects.update_or_create(
        student_uuid=student.uuid,
        defaults={"district_id": student.school.district_id, "first_name": student.first_name, "last_name": student.last_name,
                  "grade_level": student.grade_level, "year_completed": last_term.year if last_term else None,
                  "classes": classes},
    )


STORED_FILES = "stored files (report PDFs, photos, attachments)"


def _stored_files(to_delete) -> list[tuple[Storage, str]]:
    """The files the rows to delete point at: progress-report PDFs, highlight photos, input attachments."""
    files = set()
    for model, pks in to_delete:
        fields = [f for f in model._meta.concrete_fields if isinstance(f, FileField)]
        if not fields:
            continue
        for row in model._base_manager.filter(pk__in=pks).values_list(*(f.attname for f in fields)):
            files.update((f.storage, name) for f, name in zip(fields, row) if name)
    return sorted(files, key=lambda item: item[1])


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)  # a file already missing is no error


@transaction.atomic
def purge_student(*, student: Student, run_by: User | None, reason: str, dry_run: bool = False) -> Certificate:
    student = Student.objects.select_for_update().select_related("school").get(pk=student.pk)
    to_delete, kept = _plan(student)
    certificate = Certificate(student_uuid=str(student.uuid), dry_run=dry_run, kept=kept)
    files = _stored_files(to_delete)
    certificate.deleted = {model._meta.label: len(pks) for model, pks in to_delete} | {STORED_FILES: len(files)}
    if dry_run:
        return certificate
    _permanent_record(student)
    DisclosureRecord.objects.filter(student=student).update(student=None)  # the uuid and name snapshot stay
    deleted: dict[str, int] = {}
    for model, pks in sorted(to_delete, key=_depth):
        _, per_label = model._base_manager.filter(pk__in=pks).delete()
        _add(deleted, per_label)
    _add(deleted, _delete_history_written_by_the_purge(dict(to_delete)))
    deleted[STORED_FILES] = len(files)
    # The files go once the rows are gone for good: a rolled-back purge must leave the record whole.
    transaction.on_commit(lambda: _delete_files(files))
    certificate.deleted = deleted
    kept["privacy.PermanentRecord"] = {"rows": 1, "why": registry.REGISTRY["privacy.PermanentRecord"].kept_on_purge}
    row = PurgeCertificate.objects.create(
        district_id=student.school.district_id, student_uuid=student.uuid, run_by=run_by, reason=reason,
        deleted=deleted, kept=kept,
    )
    certificate.certificate_id = row.pk
    return certificate


def retention_days(district: District) -> int:
    rule = getattr(district, "retention_rule", None)
    return rule.days_after_departure if rule else DEFAULT_RETENTION_DAYS


def due_for_purge(today: date | None = None) -> list[Student]:
    """Departed students whose district's retention period has passed, oldest departures first."""
    today = today or timezone.localdate()
    departures = Departure.objects.filter(student__is_active=False).select_related("student__school__district__retention_rule")
    due = []
    for departure in departures.order_by("departed_on", "pk"):
        district = departure.student.school.district
        if departure.departed_on + timedelta(days=retention_days(district)) <= today:
            due.append(departure.student)
    return due


def purge_due(*, today: date | None = None, dry_run: bool = False) -> list[Certificate]:
    return [purge_student(student=s, run_by=None, reason="Retention period after departure has passed", dry_run=dry_run)
            for s in due_for_purge(today)]

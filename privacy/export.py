"""The complete record of one student, generated from the privacy registry (FERPA 99.10, IDEA 300.613,
ASVS 4.0.3 V8.3.2; quality.md T3.2).

Every model the registry links to a student is read, with every field except declared secrets
(password hashes, tokens). Foreign keys to people are shown with the person's name as well as the id.
A parent's statement of disagreement travels with the item it contests (FERPA 99.21(c)).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from roster.models import Student

from . import registry
from .models import AmendmentRequest

FORMAT_VERSION = 1


def redisclosure_notice() -> str:
    return _(
        "This record is an education record protected by the Family Educational Rights and Privacy Act (34 CFR Part 99). "
        "Anyone who receives it from the school district may not give it to anyone else without the written consent of "
        "the parent or eligible student, except as 34 CFR 99.33 allows."
    )


@dataclass
class Table:
    label: str
    title: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def _columns(model: type[Model], declaration: registry.PersonalData) -> list[str]:
    secret = declaration.secret_fields
    return [f.attname for f in model._meta.concrete_fields if f.name not in secret]


def _statements(student: Student) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    requests = AmendmentRequest.objects.filter(student=student, statement__isnull=False).select_related("statement")
    for request in requests:
        found.setdefault(request.item_key, []).append(
            {"statement": request.statement.text, "added_at": request.statement.created_at.isoformat(),
             "request_status": request.get_status_display(), "item": request.item_label}
        )
    return found


def build_tables(student: Student) -> list[Table]:
    """One table per registered model, rows of this student only, values as plain JSON types."""
    statements = _statements(student)
    tables = []
    for model, declaration in registry.student_models():
        columns = _columns(model, declaration)
        table = Table(model._meta.label, str(model._meta.verbose_name_plural).capitalize(), columns)
        for row in registry.rows_for(model, declaration, student).values(*columns):
            plain = {name: _plain(value) for name, value in row.items()}
            contested = {
                f.name: statements[key]
                for f in model._meta.concrete_fields
                if (key := registry.item_key(model, row.get(model._meta.pk.attname), f.name)) in statements
            }
            if contested:
                plain["statements_of_disagreement"] = contested
            table.rows.append(plain)
        tables.append(table)
    return tables


def _people(tables: list[Table]) -> dict[str, str]:
    """Names of the people the record mentions (staff, family), in one query."""
    user_columns = {}
    for model, declaration in registry.student_models():
        user_columns[model._meta.label] = [
            f.attname for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is User and f.name not in declaration.secret_fields
        ]
    ids = {row[c] for t in tables for c in user_columns.get(t.label, []) for row in t.rows if row.get(c)}
    return {str(u.pk): u.get_full_name() or u.email for u in User.objects.filter(pk__in=ids)}


def build_export(student: Student) -> dict:
    tables = build_tables(student)
    return {
        "format": "waypoint-student-record",
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "student": {"uuid": str(student.uuid), "name": student.display_name, "school": student.school.name},
        "notice": redisclosure_notice(),
        "people": _people(tables),
        "tables": {t.label: {"title": t.title, "columns": t.columns, "rows": t.rows} for t in tables},
    }

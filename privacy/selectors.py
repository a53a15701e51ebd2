"""Reads of the privacy app, scoped by the caller (the access door has already checked the student)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from roster.access import STAFF_SEES_STUDENT, holds_any, staff_relationships
from roster.models import Section, StaffAssignment, Student

from . import registry
from .models import AmendmentRequest, DisclosureRecord


def disclosures_for(student: Student) -> QuerySet[DisclosureRecord]:
    return DisclosureRecord.objects.filter(student_uuid=student.uuid).order_by("-at", "-pk")


def amendments_for(student: Student) -> QuerySet[AmendmentRequest]:
    return (
        AmendmentRequest.objects.filter(student=student)
        .select_related("requested_by", "decided_by", "statement")
        .order_by("-created_at", "-pk")
    )


def statements_for(student: Student) -> QuerySet[AmendmentRequest]:
    """Requests carrying a statement of disagreement: shown with the record (FERPA 99.21(c))."""
    return amendments_for(student).filter(statement__isnull=False)


def contestable_items(student: Student) -> list[tuple[str, str]]:
    """(item key, label) for every field a parent may ask to amend, one query per kind of record."""
    items = []
    for model, declaration in registry.student_models():
        if not declaration.contestable:
            continue
        for obj in registry.rows_for(model, declaration, student):
            for name in declaration.contestable:
                field = model._meta.get_field(name)
                label = f"{str(model._meta.verbose_name).capitalize()} — {obj} — {field.verbose_name}"
                items.append((registry.item_key(model, obj.pk, name), label[:300]))
    return items


@dataclass(frozen=True)
class StaffAccess:
    user: User
    reasons: list[str]


PII_REASONS = {
    "teaches": _("Teaches students this term"),
    "caseload": _("Has students on a caseload"),
    "leads": _("Leads a school"),
    "directs": _("Directs special education for the district"),
    "owns_input": _("Was given an input to an IEP team to handle"),
    "mtss_team": _("Sits on a school's problem-solving team (MTSS)"),
    "interventionist": _("Gives a student's intervention (MTSS)"),
    "administers": _("Administers the district's accounts and roster"),
}


def staff_with_pii_access(*, district_ids) -> list[StaffAccess]:
    """IDEA 300.623(d): the names and positions of employees who may reach students' personal data,
    derived from the access policy (roster/access.py): the relationships that open a student record."""
    students = Student.objects.filter(school__district__in=district_ids)
    flags = staff_relationships(students, STAFF_SEES_STUDENT)
    flags["rel_administers"] = Exists(StaffAssignment.objects.filter(
        user=OuterRef("pk"), role=StaffAssignment.Role.DISTRICT_ADMIN, district__in=district_ids))
    users = (User.objects.filter(is_active=True).annotate(**flags).filter(holds_any(flags))
             .order_by("last_name", "first_name", "pk"))
    reasons = {"teaches": "teaches", "has_on_caseload": "caseload", "leads_school": "leads", "directs": "directs",
               "owns_input": "owns_input", "mtss_team": "mtss_team", "interventionist": "interventionist",
               "administers": "administers"}
    return [StaffAccess(u, [PII_REASONS[reason] for name, reason in reasons.items() if getattr(u, f"rel_{name}")])
            for u in users]


def director_districts(user: User) -> QuerySet:
    return StaffAssignment.objects.filter(user=user, role=StaffAssignment.Role.SPED_DIRECTOR).values("district")


def current_sections(student: Student) -> QuerySet[Section]:
    today = timezone.localdate()
    return Section.objects.filter(enrollments__student=student, term__start_date__lte=today, term__end_date__gte=today)

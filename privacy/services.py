"""Writes of the privacy app: exports with their disclosure record, amendment requests and decisions."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from roster.models import Student

from . import export, pdf
from .models import AmendmentRequest, DisclosureRecord, RecordStatement


class TransitionRefused(Exception):
    """Someone else decided first, or the request is not in a state that allows this step."""

    def __init__(self, current: AmendmentRequest):
        super().__init__(current.status)
        self.current = current


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    disclosure: DisclosureRecord


@transaction.atomic
def export_record(*, request: HttpRequest, student: Student, by: User, kind: str, recipient: str, purpose: str) -> ExportFile:
    """The complete record as JSON or PDF, and the disclosure record that says who received it.

    - the disclosure is written first, in the same transaction: no export without its record (T2.5)
    - the content is generated from the privacy registry (privacy.export)
    """
    disclosure = DisclosureRecord.objects.create(
        student=student, student_uuid=student.uuid, student_name=f"{student.first_name} {student.last_name}",
        kind=kind, recipient=recipient, purpose=purpose, requested_by=by,
        requested_by_name=by.get_full_name() or by.email,
    )
    data = export.build_export(student)
    stamp = timezone.localdate().isoformat()
    if kind == DisclosureRecord.Kind.EXPORT_JSON:
        content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        return ExportFile(content, f"student-record-{student.uuid}-{stamp}.json", "application/json", disclosure)
    content = pdf.render_record_pdf(request=request, student=student, data=data, disclosure=disclosure)
    return ExportFile(content, f"student-record-{student.uuid}-{stamp}.pdf", "application/pdf", disclosure)


def request_amendment(*, student: Student, by: User, item_key: str, item_label: str, reason: str) -> AmendmentRequest:
    return AmendmentRequest.objects.create(student=student, requested_by=by, item_key=item_key, item_label=item_label, reason=reason)


_DECISIONS = {
    # action: (allowed from, moves to)
    "agree": ({AmendmentRequest.Status.RECEIVED, AmendmentRequest.Status.HEARING_REQUESTED}, AmendmentRequest.Status.AGREED),
    "refuse": ({AmendmentRequest.Status.RECEIVED}, AmendmentRequest.Status.REFUSED),
    "uphold": ({AmendmentRequest.Status.HEARING_REQUESTED}, AmendmentRequest.Status.UPHELD),
}


@transaction.atomic
def decide_amendment(*, request_id: int, student: Student, action: str, note: str, by: User, seen_status: str) -> AmendmentRequest:
    """Staff decide: agree, refuse (which offers the parent a hearing, 99.21), or uphold after a hearing.

    - locks the row; a second decider who saw the same state gets TransitionRefused (T7.3)
    """
    amendment = AmendmentRequest.objects.select_for_update().get(pk=request_id, student=student)
    allowed_from, target = _DECISIONS[action]
    if amendment.status != seen_status or amendment.status not in allowed_from:
        raise TransitionRefused(amendment)
    amendment.status, amendment.decision_note = target, note
    amendment.decided_by, amendment.decided_at = by, timezone.now()
    amendment.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    return amendment


@transaction.atomic
def request_hearing(*, request_id: int, student: Student) -> AmendmentRequest:
    amendment = AmendmentRequest.objects.select_for_update().get(pk=request_id, student=student)
    if amendment.status != AmendmentRequest.Status.REFUSED:
        raise TransitionRefused(amendment)
    amendment.status = AmendmentRequest.Status.HEARING_REQUESTED
    amendment.save(update_fields=["status"])
    return amendment


@transaction.atomic
def add_statement(*, request_id: int, student: Student, text: str) -> RecordStatement:
    """The parent's statement of disagreement; one per request, which the parent may rewrite."""
    amendment = AmendmentRequest.objects.select_for_update().get(pk=request_id, student=student)
    if amendment.status not in AmendmentRequest.STATEMENT_ALLOWED:
        raise TransitionRefused(amendment)
    statement, _created = RecordStatement.objects.update_or_create(request=amendment, defaults={"text": text})
    return statement


def decision_message(action: str) -> str:
    return {
        "agree": _("Saved: you agreed. Please correct the record now."),
        "refuse": _("Saved: the family has been offered a hearing."),
        "uphold": _("Saved: the record stays as it is. The family may add a statement."),
    }[action]

"""Demo privacy data: Maya's family asked for one correction, which was refused, and added a statement;
the director once sent Maya's record to an outside evaluator. Idempotent (found by stable keys)."""

from django.utils import timezone

from accounts.models import User
from profiles.models import ProfileSection
from roster.models import District, Student

from .models import AmendmentRequest, DisclosureRecord, RecordStatement, RetentionRule
from .registry import item_key

DEMO_RECIPIENT = "Dr. Amal Idris, Riverside Children's Hearing Clinic"


def seed(district: District) -> None:
    RetentionRule.objects.get_or_create(district=district)
    maya = Student.objects.filter(sourced_id="demo-student-00").first()
    parent = User.objects.filter(email="parent@demo.test").first()
    director = User.objects.filter(email="director@demo.test").first()
    if maya is None or parent is None or director is None:
        return
    DisclosureRecord.objects.get_or_create(
        student_uuid=maya.uuid, recipient=DEMO_RECIPIENT,
        defaults={"student": maya, "student_name": f"{maya.first_name} {maya.last_name}",
                  "kind": DisclosureRecord.Kind.EXPORT_PDF, "purpose": "Independent educational evaluation the family asked for",
                  "requested_by": director, "requested_by_name": director.get_full_name()},
    )
    section = ProfileSection.objects.filter(student=maya, kind=ProfileSection.Kind.NEEDS).first()
    if section is None:
        return
    request, _ = AmendmentRequest.objects.get_or_create(
        student=maya, item_key=item_key(ProfileSection, section.pk, "text"),
        defaults={"requested_by": parent, "item_label": "Learner profile — Needs — text",
                  "reason": "It says Maya avoids reading aloud at home. She reads to her brother every evening.",
                  "status": AmendmentRequest.Status.REFUSED, "decided_by": director, "decided_at": timezone.now(),
                  "decision_note": "Her teachers see this in class; we keep the note and will watch for change."},
    )
    RecordStatement.objects.get_or_create(
        request=request, defaults={"text": "We disagree: at home Maya reads aloud every day. Please read this with the note."},
    )
    _second_family(Student.objects.filter(sourced_id="demo-student-02").first(), User.objects.filter(email="parent2@demo.test").first())


def _second_family(child: Student | None, parent: User | None) -> None:
    """parent2@ asked for a correction that waits for the principal's decision."""
    if child is None or parent is None:
        return
    AmendmentRequest.objects.get_or_create(
        student=child, item_key=item_key(Student, child.pk, "preferred_name"),
        defaults={"requested_by": parent, "item_label": "Student — preferred name",
                  "reason": f"{child.first_name} goes by a different name at school and at home; please add it."},
    )

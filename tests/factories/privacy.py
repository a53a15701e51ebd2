import factory

from privacy.models import AmendmentRequest, DisclosureRecord

from .accounts import UserFactory
from .roster import StudentFactory


class AmendmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmendmentRequest

    student = factory.SubFactory(StudentFactory)
    requested_by = factory.SubFactory(UserFactory)
    item_key = factory.LazyAttribute(lambda o: f"roster.Student:{o.student.pk}:first_name")
    item_label = "Student — first name"
    reason = factory.Sequence(lambda n: f"Please correct this, reason {n}")


class DisclosureRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisclosureRecord

    student = factory.SubFactory(StudentFactory)
    student_uuid = factory.LazyAttribute(lambda o: o.student.uuid)
    student_name = factory.LazyAttribute(lambda o: f"{o.student.first_name} {o.student.last_name}")
    kind = DisclosureRecord.Kind.EXPORT_JSON
    recipient = factory.Sequence(lambda n: f"Clinic {n}")
    purpose = "Evaluation"
    requested_by_name = "Someone"

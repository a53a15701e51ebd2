from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from mtss.models import Intervention, SupportPlan

from .accounts import UserFactory
from .roster import DistrictFactory, StudentFactory


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Repeated reading {n}")
    area = "reading"
    evidence_level = Intervention.Evidence.MODERATE
    group_size = 3
    sessions_per_week = 3
    minutes = 20


class SupportPlanFactory(factory.django.DjangoModelFactory):
    """Baseline 40 on day 0, aim 70 on day 300: the aim line rises 0.1 a day (as tests/factories/iep.GoalFactory)."""

    class Meta:
        model = SupportPlan

    student = factory.SubFactory(StudentFactory)
    area = "reading"
    tier = 2
    intervention = factory.LazyAttribute(lambda o: InterventionFactory(district=o.student.school.district))
    interventionist = factory.SubFactory(UserFactory, role="teacher")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    review_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=42))
    target_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=300))
    statement = "Read 70 words correctly per minute."
    unit = "words correct per minute"
    baseline = Decimal("40")
    target = Decimal("70")
    created_by = factory.SelfAttribute("interventionist")

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from iep.models import Goal, IEPInput, IEPPlan, InputEvent, ProgressPoint, TeamMember

from .accounts import UserFactory
from .roster import StudentFactory


class IEPPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IEPPlan

    student = factory.SubFactory(StudentFactory, plan="iep")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=200))
    annual_review_due = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=365))
    reevaluation_due = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=3 * 365))


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    plan = factory.SubFactory(IEPPlanFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamMember.Role.GENERAL_EDUCATOR


class GoalFactory(factory.django.DjangoModelFactory):
    """Baseline 40 on day 0, target 70 on day 300: the aim line rises 0.1 a day."""

    class Meta:
        model = Goal

    plan = factory.SubFactory(IEPPlanFactory)
    area = Goal.Area.READING
    statement = "Will read 70 words correctly per minute in a grade-level passage."
    unit = "words correct per minute"
    baseline = Decimal("40")
    baseline_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    target = Decimal("70")
    target_date = factory.LazyAttribute(lambda o: o.baseline_date + timedelta(days=300))
    measurement_method = "One-minute oral reading probe"
    monitoring_schedule = "weekly"
    # A rate with decimals from 0 to 200 words a minute (issue 16: every result is checked against it).
    measure_kind = Goal.MeasureKind.RATE
    whole_numbers = False
    minimum = Decimal("0")
    maximum = Decimal("200")


class ProgressPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressPoint

    goal = factory.SubFactory(GoalFactory)
    measured_on = factory.Sequence(lambda n: timezone.localdate() - timedelta(days=90 - n))
    value = Decimal("45")
    recorded_by = factory.SubFactory(UserFactory, role="special_educator")


class IEPInputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IEPInput

    student = factory.SubFactory(StudentFactory, plan="iep")
    submitted_by = factory.SubFactory(UserFactory, role="guardian")
    sender = IEPInput.Sender.FAMILY
    kind = IEPInput.Kind.CONCERN
    text = factory.Sequence(lambda n: f"Input number {n}")
    notified_at = factory.LazyFunction(timezone.now)


class InputEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InputEvent

    input = factory.SubFactory(IEPInputFactory)
    status = IEPInput.Status.RECEIVED
    actor = factory.SubFactory(UserFactory)

from decimal import Decimal

import factory
from django.utils import timezone

from competencies.models import Competency, Evidence, Framework, ProficiencyLevel, ProficiencyScale, SectionCompetency

LEVELS = [(1, "Beginning"), (2, "Developing"), (3, "Proficient"), (4, "Advanced")]


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    identifier = factory.Sequence(lambda n: f"framework-{n}")
    title = factory.Sequence(lambda n: f"Framework {n}")
    mastery_method = Framework.Method.DECAYING_AVERAGE


def scaled_framework(**kwargs) -> Framework:
    """A framework with the usual four-level scale, mastery at 3."""
    framework = FrameworkFactory(**kwargs)
    scale = ProficiencyScale.objects.create(framework=framework, mastery_threshold=Decimal(3))
    ProficiencyLevel.objects.bulk_create(ProficiencyLevel(scale=scale, value=v, label=label) for v, label in LEVELS)
    return framework


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    framework = factory.SubFactory(FrameworkFactory)
    identifier = factory.Sequence(lambda n: f"item-{n}")
    code = factory.Sequence(lambda n: f"5.NF.{n}")
    statement = factory.Sequence(lambda n: f"Skill number {n}")
    position = factory.Sequence(lambda n: n)


class SectionCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionCompetency

    competency = factory.SubFactory(CompetencyFactory)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    competency = factory.SubFactory(CompetencyFactory)
    score = Decimal(3)
    observed_on = factory.LazyFunction(timezone.localdate)
    kind = Evidence.Kind.QUIZ
    demonstration = Evidence.Demonstration.WRITTEN

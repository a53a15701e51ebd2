from datetime import timedelta

import factory
from django.utils import timezone

from paths.models import LearningSession, OptionKind, OptionMode, PathTemplate, TemplateOption, TemplateStep


class PathTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PathTemplate

    title = factory.Sequence(lambda n: f"Path {n}")


class TemplateStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateStep
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Step {n}")
    position = factory.Sequence(lambda n: n)
    target_days = 5

    @factory.post_generation
    def competencies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.competencies.set(extracted)


class TemplateOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateOption

    kind = OptionKind.SHOW
    mode = OptionMode.WRITE
    title = factory.Sequence(lambda n: f"Option {n}")
    estimated_minutes = 20


class LearningSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSession
        skip_postgeneration_save = True

    kind = LearningSession.Kind.SMALL_GROUP
    room = factory.Sequence(lambda n: f"Room {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    minutes = 30

    @factory.post_generation
    def students(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.students.set(extracted)

import factory

from profiles.models import Accommodation, ProfileGoal, ProfileSection, Visibility

from .roster import StudentFactory


class ProfileSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileSection

    student = factory.SubFactory(StudentFactory)
    kind = ProfileSection.Kind.STRENGTHS
    text = factory.Sequence(lambda n: f"Section text {n}")
    visibility = Visibility.STUDENT


class ProfileGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileGoal

    student = factory.SubFactory(StudentFactory)
    description = factory.Sequence(lambda n: f"Goal {n}")
    kind = ProfileGoal.Kind.ACADEMIC
    owner = ProfileGoal.Owner.TEACHER
    status = ProfileGoal.Status.IN_PROGRESS


class AccommodationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accommodation

    student = factory.SubFactory(StudentFactory)
    category = Accommodation.Category.CLASSROOM
    description = factory.Sequence(lambda n: f"Accommodation {n}")
    applies_in = "All classes"
    provided_by = "Classroom teacher"

from datetime import date, timedelta

import factory
from django.utils import timezone

from roster.models import Caseload, District, Enrollment, Guardianship, School, Section, StaffAssignment, Student, Term

from .accounts import UserFactory


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")


class TermFactory(factory.django.DjangoModelFactory):
    """A term running today, unless dates are given."""

    class Meta:
        model = Term

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    term = factory.SubFactory(TermFactory, district=factory.SelfAttribute("..school.district"))
    name = factory.Sequence(lambda n: f"Class {n}")

    @factory.post_generation
    def teachers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.teachers.set(extracted)


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    first_name = factory.Sequence(lambda n: f"Kid{n}")
    last_name = factory.Sequence(lambda n: f"Family{n}")
    grade_level = "5"
    date_of_birth = date(2016, 3, 14)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    student = factory.SubFactory(StudentFactory)
    section = factory.SubFactory(SectionFactory)


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    guardian = factory.SubFactory(UserFactory, role="guardian")
    student = factory.SubFactory(StudentFactory)


class CaseloadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caseload

    staff = factory.SubFactory(UserFactory, role="special_educator")
    student = factory.SubFactory(StudentFactory)
    role = Caseload.Role.CASE_MANAGER


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    school = None
    role = StaffAssignment.Role.TEACHER

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from competencies import services as competency_services
from competencies.models import Evidence
from credentials import educators
from credentials.models import BadgeRule, IssuerProfile, MicroCredential, MicroCredentialReviewer, RubricCriterion
from tests.factories.competencies import CompetencyFactory, scaled_framework


@pytest.fixture(autouse=True)
def _key_folder(settings, tmp_path):
    """Each test signs with development keys in its own folder (never the developer's var/credential-keys)."""
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.CREDENTIALS_DEV_KEYS = True
    settings.WAYPOINT_PUBLIC_URL = "https://waypoint.example.org"


@pytest.fixture
def issuer(school):
    return IssuerProfile.objects.create(district=school.district, name="Riverside Unified", url="https://riverside.example.org/",
                                        email="credentials@riverside.example.org")


@pytest.fixture
def framework(db):
    return scaled_framework(title="Grade 5 Math", uri="https://case.example.org/uri/framework-5")


@pytest.fixture
def competencies(framework):
    return [CompetencyFactory(framework=framework, code=f"5.NF.{n}", statement=f"Fractions skill {n}",
                              uri=f"https://case.example.org/uri/item-{n}") for n in (1, 2, 3)]


@pytest.fixture
def badged(issuer, framework):
    return BadgeRule.objects.create(issuer=issuer, framework=framework)


def record(student, competency, teacher, scores=(Decimal(3), Decimal(4))):
    """Results through the competencies app's own service: mastery is its one rule, never computed here."""
    today = timezone.localdate()
    for offset, score in enumerate(scores):
        competency_services.record_evidence(student=student, competencies=[competency], score=score,
                                            observed_on=today - timedelta(days=len(scores) - offset), kind=Evidence.Kind.QUIZ,
                                            demonstration=Evidence.Demonstration.WRITTEN, recorded_by=teacher)


@pytest.fixture
def mastered(student, competencies, teacher, badged):
    """The student mastered the first competency of a badged framework."""
    student.student_number = "S-1042"
    student.save(update_fields=["student_number"])
    record(student, competencies[0], teacher)
    return competencies[0]


@pytest.fixture
def micro(issuer):
    item = MicroCredential.objects.create(issuer=issuer, title="Progress monitoring of IEP goals", description="Measure often.",
                                          competencies="Choose a measure\nGraph weekly data")
    for index, name in enumerate(["Measurement", "Data and graph", "Decision"]):
        RubricCriterion.objects.create(micro_credential=item, name=name, description=f"{name} done well", position=index)
    return item


@pytest.fixture
def reviewer(issuer, sped_director):
    MicroCredentialReviewer.objects.create(issuer=issuer, user=sped_director)
    return sped_director


def submit(micro, educator, **kwargs):
    return educators.submit(micro_credential=micro, educator=educator, reflection=kwargs.get("reflection", "I graphed weekly."),
                            links=kwargs.get("links", "https://drive.example.org/x"), file=kwargs.get("file"))


def levels(micro, level=3):
    return {criterion.pk: level for criterion in micro.criteria.all()}

"""The family's "mastered lately" reads the stored mastery (issue 16.6): the day each competency was reached, a
teacher's judgement counted, a removed result gone (issue 16.2), no replay of the evidence."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from competencies import services
from family_portal import selectors
from tests.factories.competencies import CompetencyFactory, scaled_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(section):
    framework = scaled_framework()
    items = [CompetencyFactory(framework=framework) for _ in range(2)]
    services.link_section_competencies(section=section, competencies=items)
    return items


def record(student, competency, score, teacher, days_ago):
    return services.record_evidence(student=student, competencies=[competency], score=D(score),
                                    observed_on=timezone.localdate() - timedelta(days=days_ago), kind="quiz",
                                    demonstration="oral", recorded_by=teacher)[0]


def lately(student):
    return [(day, competency.pk) for day, competency in selectors.mastered_lately(student).items]


def test_mastered_lately_shows_the_stored_day_and_a_teachers_judgement(student, teacher, skills):
    record(student, skills[0], 4, teacher, days_ago=6)
    record(student, skills[0], 3, teacher, days_ago=2)  # still mastered: the day stays the first one
    record(student, skills[1], 1, teacher, days_ago=3)
    assert lately(student) == [(timezone.localdate() - timedelta(days=6), skills[0].pk)]
    services.override_mastery(student=student, competency=skills[1], value=D(4), reason="Shown in class", overridden_by=teacher)
    assert lately(student) == [(timezone.localdate(), skills[1].pk), (timezone.localdate() - timedelta(days=6), skills[0].pk)]


def test_a_removed_result_takes_its_mastery_off_the_family_page(student, teacher, case_manager, skills):
    record(student, skills[0], 2, teacher, days_ago=6)
    wrong = record(student, skills[0], 4, teacher, days_ago=2)
    assert lately(student) == [(timezone.localdate() - timedelta(days=2), skills[0].pk)]
    services.void_evidence(evidence=wrong, voided_by=case_manager, reason="Another student's quiz")
    assert lately(student) == []

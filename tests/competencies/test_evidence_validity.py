"""Evidence levels come from the framework's proficiency scale, on every writer (issue 16.1): a level off the scale,
between two levels or not a number, and a date ahead or missing, are refused at the field they are about, and nothing
is written (no evidence, no mastery)."""

from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competencies import services
from competencies.models import Evidence, Mastery, ProficiencyLevel, ProficiencyScale, SectionCompetency
from tests.factories.competencies import CompetencyFactory, FrameworkFactory
from tests.factories.roster import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def record(student, competencies, score, teacher, observed_on=None):
    return services.record_evidence(
        student=student, competencies=competencies, score=score, observed_on=TODAY() if observed_on is None else observed_on,
        kind=Evidence.Kind.QUIZ, demonstration=Evidence.Demonstration.ORAL, recorded_by=teacher,
    )


@pytest.mark.parametrize(("score", "code", "message"), [
    (D(-5), "score", "The level must be on the scale, from 1 to 4."),
    (D(5), "score", "The level must be on the scale, from 1 to 4."),
    (D(0), "score", "The level must be on the scale, from 1 to 4."),
    (D("2.5"), "score", "The level must be one of the levels on the scale: 1, 2, 3, 4."),
    ("three", "score", "The level must be on the scale, from 1 to 4."),
    ("NaN", "score", "The level must be on the scale, from 1 to 4."),
    (D("Infinity"), "score", "The level must be on the scale, from 1 to 4."),
    (None, "score", "The level must be on the scale, from 1 to 4."),
    (True, "score", "The level must be on the scale, from 1 to 4."),
    (3.0, "score", "The level must be on the scale, from 1 to 4."),
])
def test_a_level_off_the_scale_is_refused_by_the_service_and_nothing_is_written(student, teacher, competencies, score, code, message):
    """T3: the service call (the API every writer shares): refused with the part it is about, no row written."""
    with pytest.raises(ValidationError) as refused:
        record(student, competencies[:2], score, teacher)
    assert [(e.code, e.message) for e in refused.value.error_list] == [(code, message)]
    assert not Evidence.objects.exists() and not Mastery.objects.exists()


@pytest.mark.parametrize(("observed_on", "message"), [
    (lambda: TODAY() + timedelta(days=1), "The date cannot be in the future."),
    (lambda: "2026-01-05", "Enter the date of the result."),
    (lambda: datetime.now(), "Enter the date of the result."),
    (lambda: None, "Enter the date of the result."),
])
def test_a_date_ahead_or_not_a_date_is_refused(student, teacher, competencies, observed_on, message):
    with pytest.raises(ValidationError) as refused:
        services.record_evidence(student=student, competencies=competencies[:1], score=D(3), observed_on=observed_on(),
                                 kind=Evidence.Kind.QUIZ, demonstration=Evidence.Demonstration.ORAL, recorded_by=teacher)
    assert [(e.code, e.message) for e in refused.value.error_list] == [("observed_on", message)]
    assert not Evidence.objects.exists()


def test_a_level_given_as_text_or_a_whole_number_is_stored_as_the_level(student, teacher, competencies):
    record(student, competencies[:1], "3", teacher)
    record(student, competencies[:1], 4, teacher)
    assert sorted(Evidence.objects.values_list("score", flat=True)) == [D(3), D(4)]


def test_bulk_entry_refuses_every_bad_level_naming_the_student_and_writes_nothing(section, teacher, competencies):
    """T3: the class-grid entry (one transaction): one bad level among good ones, nothing written; each refusal names
    the student it is about, so the grid form shows it beside that student."""
    students = [EnrollmentFactory(section=section, student=StudentFactory(school=section.school)).student for _ in range(3)]
    entries = [services.Entry(students[0], D(3), "oral"), services.Entry(students[1], D(7), "oral"),
               services.Entry(students[2], D("1.5"), "oral")]
    with pytest.raises(ValidationError) as refused:
        services.record_section_evidence(section=section, competency=competencies[0], entries=entries, observed_on=TODAY(),
                                         kind=Evidence.Kind.QUIZ, recorded_by=teacher)
    assert [(e.code, e.params["student"]) for e in refused.value.error_list] == [("score", students[1].pk), ("score", students[2].pk)]
    assert not Evidence.objects.exists() and not Mastery.objects.exists()
    with pytest.raises(ValidationError, match="only one result"):
        services.record_section_evidence(section=section, competency=competencies[0], entries=[entries[0], entries[0]],
                                         observed_on=TODAY(), kind=Evidence.Kind.QUIZ, recorded_by=teacher)
    assert not Evidence.objects.exists()


def test_the_override_takes_only_a_level_of_the_scale(student, teacher, competencies):
    record(student, competencies[:1], D(2), teacher)
    with pytest.raises(ValidationError, match="one of the levels"):
        services.override_mastery(student=student, competency=competencies[0], value=D("3.5"), reason="Seen", overridden_by=teacher)
    row = Mastery.objects.get(student=student, competency=competencies[0])
    assert (row.override_value, row.effective_value) == (None, D(2))


@pytest.fixture
def zero_based(section):
    """A second framework taught in the class, on a 0-3 scale: the evidence form offers 0 to 4 (both scales)."""
    framework = FrameworkFactory()
    scale = ProficiencyScale.objects.create(framework=framework, mastery_threshold=D(2))
    ProficiencyLevel.objects.bulk_create(ProficiencyLevel(scale=scale, value=v, label=f"Level {v}") for v in range(4))
    competency = CompetencyFactory(framework=framework)
    SectionCompetency.objects.create(section=section, competency=competency, position=99)
    return competency


def test_the_evidence_form_shows_the_services_refusal_at_the_level_field(client, teacher, student, competencies, zero_based):
    """A level of one framework's scale that another framework's scale lacks: refused at "Level reached", nothing written."""
    client.force_login(teacher)
    url = reverse("competencies:evidence-new", args=[student.uuid])
    response = client.post(url, {"competencies": [competencies[0].pk], "level": "0", "observed_on": TODAY().isoformat(),
                                 "kind": "quiz", "demonstration": "oral"})
    assert response.status_code == 200
    assert response.context["form"].errors["level"] == ["The level must be on the scale, from 1 to 4."]
    assert not Evidence.objects.exists()


def test_the_grid_entry_shows_a_refusal_beside_the_student(client, teacher, section, student, competencies, monkeypatch):
    """The bulk form offers the scale's levels only; should a level still be refused by the service (the scale changed
    while the form was open), the message is at that student's level field and nothing is written."""
    client.force_login(teacher)
    url = reverse("competencies:section-evidence", args=[section.pk]) + f"?competency={competencies[0].pk}"
    ProficiencyLevel.objects.filter(scale__framework=competencies[0].framework, value=4).delete()
    monkeypatch.setattr("competencies.forms.level_choices", lambda levels, blank=None: [
        ("", blank), *[(str(v), str(v)) for v in (1, 2, 3, 4)]])
    response = client.post(url, {"observed_on": TODAY().isoformat(), "kind": "quiz", "demonstration": "oral",
                                 f"level_{student.pk}": "4"})
    assert response.status_code == 200
    assert response.context["form"].errors[f"level_{student.pk}"] == ["The level must be on the scale, from 1 to 3."]
    assert not Evidence.objects.exists()

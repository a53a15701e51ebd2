"""Evidence, mastery storage, overrides and prerequisites (services.py)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from competencies import services
from competencies.models import Evidence, Framework, Mastery
from competencies.signals import mastery_changed
from tests.factories.competencies import CompetencyFactory, scaled_framework
from tests.factories.roster import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def record(student, competencies, score, teacher, days_ago=0, **extra):
    return services.record_evidence(
        student=student, competencies=competencies, score=D(score), observed_on=timezone.localdate() - timedelta(days=days_ago),
        kind=Evidence.Kind.QUIZ, demonstration=Evidence.Demonstration.ORAL, recorded_by=teacher, **extra,
    )


def test_evidence_keeps_how_it_was_shown_and_accommodations_and_stores_mastery(student, teacher, competencies):
    record(student, competencies[:2], 2, teacher, days_ago=10, accommodations=["read_aloud", "extended_time"])
    record(student, competencies[:1], 4, teacher)
    first = Evidence.objects.filter(competency=competencies[0]).order_by("observed_on").first()
    assert (first.demonstration, first.accommodations) == ("oral", ["extended_time", "read_aloud"])
    row = Mastery.objects.get(student=student, competency=competencies[0])
    # decaying average: 2 -> .65*4 + .35*2 = 3.30
    assert (row.value, row.is_mastered, row.evidence_count, row.method) == (D("3.30"), True, 2, "decaying_average")
    assert row.params == {"method": "decaying_average", "threshold": "3.00", "scale_min": "1", "scale_max": "4",
                          "decay_weight": "0.65", "n_times": 2, "min_evidence": 1}


def test_stored_row_keeps_the_method_it_was_computed_with(student, teacher, competencies, framework):
    record(student, competencies[:1], 2, teacher)
    Framework.objects.filter(pk=framework.pk).update(mastery_method="highest")
    assert Mastery.objects.get(student=student).method == "decaying_average"
    services.recompute_all()
    assert Mastery.objects.get(student=student).method == "highest"


@pytest.mark.parametrize(
    ("score", "days_ago", "message"),
    [(5, 0, "on the scale, from 1 to 4"), (0, 0, "on the scale"), (3, -1, "cannot be in the future")],
)
def test_bad_input_is_refused_and_writes_nothing(student, teacher, competencies, score, days_ago, message):
    with pytest.raises(ValidationError, match=message):
        record(student, competencies[:2], score, teacher, days_ago=days_ago)
    assert (Evidence.objects.count(), Mastery.objects.count()) == (0, 0)


def test_retired_competency_is_refused(student, teacher, competencies):
    competencies[2].is_retired = True
    competencies[2].save()
    with pytest.raises(ValidationError, match="no longer part"):
        record(student, competencies[1:], 3, teacher)
    assert Evidence.objects.count() == 0


def test_mastery_changed_is_sent_after_commit_with_the_student_and_competencies(student, teacher, competencies,
                                                                                django_capture_on_commit_callbacks):
    """T8.1: the signal goes out only after commit, once, with what changed."""
    heard = []
    mastery_changed.connect(lambda **kw: heard.append((kw["student_id"], kw["competency_ids"], kw["mastered_ids"])),
                            weak=False, dispatch_uid="test-listener")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            record(student, competencies[:2], 3, teacher)
        assert heard == []
        for callback in callbacks:
            callback()
        assert heard == [(student.pk, sorted(c.pk for c in competencies[:2]), sorted(c.pk for c in competencies[:2]))]
    finally:
        mastery_changed.disconnect(dispatch_uid="test-listener")


def test_override_with_reason_is_kept_in_history(student, teacher, competencies):
    record(student, competencies[:1], 2, teacher)
    with pytest.raises(ValidationError, match="Say why"):
        services.override_mastery(student=student, competency=competencies[0], value=D(3), reason=" ", overridden_by=teacher)
    row = services.override_mastery(student=student, competency=competencies[0], value=D(3),
                                    reason="Showed it clearly in a conference", overridden_by=teacher)
    assert (row.effective_value, row.effective_mastered, row.mastered_on, row.value) == (D(3), True, timezone.localdate(), D("2.00"))
    latest = row.history.order_by("-history_date").first()
    assert (latest.override_reason, latest.history_user) == ("Showed it clearly in a conference", teacher)
    record(student, competencies[:1], 1, teacher)  # new evidence keeps the teacher's judgement
    assert Mastery.objects.get(pk=row.pk).override_value == D(3)


def test_prerequisite_loop_is_refused_with_codes(competencies):
    with pytest.raises(ValidationError, match=r"loop of prerequisites: 5\.NF\.1 > 5\.NF\.2 > 5\.NF\.1"):
        services.add_prerequisite(prerequisite=competencies[1], competency=competencies[0])


def test_prerequisite_across_frameworks_is_refused(competencies):
    other = CompetencyFactory(framework=scaled_framework())
    with pytest.raises(ValidationError, match="same framework"):
        services.add_prerequisite(prerequisite=other, competency=competencies[0])


def test_bulk_entry_refuses_a_student_not_in_the_class(student, teacher, section, competencies, other_student):
    entries = [services.Entry(student=student, score=D(3), demonstration="written"),
               services.Entry(student=other_student, score=D(3), demonstration="written")]
    with pytest.raises(ValidationError, match="students in this class"):
        services.record_section_evidence(section=section, competency=competencies[0], entries=entries,
                                         observed_on=timezone.localdate(), kind="quiz", recorded_by=teacher)
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("class_size", [5, 30])
def test_bulk_entry_query_count_does_not_grow_with_the_class(teacher, section, competencies, class_size, django_assert_num_queries):
    """T10 / P1: one assessment for a whole class is a fixed number of queries (5 or 30 students)."""
    students = StudentFactory.create_batch(class_size, school=section.school)
    for kid in students:
        EnrollmentFactory(student=kid, section=section)
    entries = [services.Entry(student=kid, score=D(3), demonstration="oral", accommodations=("read_aloud",)) for kid in students]
    with django_assert_num_queries(14):  # 13, and the history rows of the new results (issue 16.2: corrections keep the original)
        services.record_section_evidence(section=section, competency=competencies[0], entries=entries,
                                         observed_on=timezone.localdate(), kind="quiz", recorded_by=teacher)
    assert Mastery.objects.filter(competency=competencies[0], is_mastered=True).count() == class_size

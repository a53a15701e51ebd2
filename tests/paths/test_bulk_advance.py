"""P5: a mass mastery recomputation advances every student's path once, set-based, not once per student."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from competencies import services as competency_services
from paths.models import PathEvent, PathStep
from tests.factories.competencies import EvidenceFactory
from tests.factories.roster import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("class_size", [2, 6])
def test_recompute_all_opens_next_steps_with_one_path_read_per_chunk(
    assign, student, section, teacher, competencies, class_size, django_capture_on_commit_callbacks
):
    """P5 / T10: after recompute_all, every student who mastered 5.NF.1 has step 1 mastered and step 2 open, and
    paths reads the students' paths and steps once (mastery_changed_in_bulk), at 2 and at 6 students alike."""
    students = [student] + [StudentFactory(school=section.school) for _ in range(class_size - 1)]
    for kid in students[1:]:
        EnrollmentFactory(student=kid, section=section)
    paths = assign(students)
    for kid in students:  # written straight to the table: nothing recomputed or announced yet
        EvidenceFactory.create_batch(2, student=kid, competency=competencies[0], score=Decimal(4), recorded_by=teacher)
    before = PathEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    history_before = PathStep.history.aggregate(last=Max("history_id"))["last"] or 0
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        competency_services.recompute_all()
    assert [[s.status for s in p.steps.order_by("position")] for p in paths] == [["mastered", "open", "locked"]] * class_size
    path_reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and 'FROM "paths_studentpath"' in q["sql"]]
    step_reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and 'FROM "paths_pathstep"' in q["sql"]
                  and "INNER JOIN" in q["sql"]]
    assert (len(path_reads), len(step_reads)) == (1, 1)
    # written in bulk, still told: an event and a history row for each step that moved
    for path in paths:
        assert list(path.events.filter(pk__gt=before).order_by("pk").values_list("kind", "step_title")) == [
            ("mastered", "Step 1"), ("unlocked", "Step 2")]
        assert set(PathStep.history.filter(path_id=path.pk, history_id__gt=history_before).values_list("position", "status")) == {
            (0, "mastered"), (1, "open")}


def test_one_students_change_still_advances_through_mastery_changed(assign, student, teacher, competencies,
                                                                    django_capture_on_commit_callbacks):
    """A single student's recomputation is not 'in bulk': the per-student receiver advances the path."""
    (path,) = assign([student])
    EvidenceFactory.create_batch(2, student=student, competency=competencies[0], score=Decimal(4), recorded_by=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        competency_services.recompute_all(student_ids=[student.pk])
    assert [s.status for s in path.steps.order_by("position")] == ["mastered", "open", "locked"]

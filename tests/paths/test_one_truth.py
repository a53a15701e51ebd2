"""One stored truth for mastery (issue 16.6): for a student whose teacher set a level by judgement, every reader says
the same thing: the class grid, the student's progression, the path, the small-group suggestions, the family's
"mastered lately" and the mastery_changed signal."""

from decimal import Decimal

import pytest

from django.utils import timezone

from competencies import selectors as competency_selectors
from competencies import services as competency_services
from competencies.models import Mastery
from competencies.signals import mastery_changed
from family_portal import selectors as family_selectors
from paths import selectors as path_selectors

pytestmark = pytest.mark.django_db


def record(student, competency, teacher, score):
    competency_services.record_evidence(student=student, competencies=[competency], score=Decimal(score),
                                        observed_on=timezone.localdate(), kind="quiz", demonstration="written", recorded_by=teacher)


def test_every_page_agrees_on_an_overridden_mastery(assign, student, teacher, section, competencies,
                                                     django_capture_on_commit_callbacks):
    (path,) = assign([student])
    with django_capture_on_commit_callbacks(execute=True):
        record(student, competencies[0], teacher, 1)  # computed: not mastered
        record(student, competencies[3], teacher, 4)  # computed: mastered ...
    heard = []
    mastery_changed.connect(lambda **kw: heard.append(kw["mastered_ids"]), weak=False, dispatch_uid="test-one-truth")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            competency_services.override_mastery(student=student, competency=competencies[0], value=Decimal(3),
                                                 reason="Shown in a conference", overridden_by=teacher)
            competency_services.override_mastery(student=student, competency=competencies[3], value=Decimal(2),
                                                 reason="Guessed on the quiz", overridden_by=teacher)  # ... overridden: not
    finally:
        mastery_changed.disconnect(dispatch_uid="test-one-truth")
    mastered = {competencies[0].pk}
    assert heard == [[competencies[0].pk], []]

    grid = competency_selectors.section_grid(section=section)
    cells = dict(next(cells for s, cells in grid["rows"] if s.pk == student.pk))
    assert {c.pk for c, cell in cells.items() if cell.state == competency_selectors.MASTERED} == mastered

    progression = competency_selectors.student_progression(student)
    course = progression["courses"][0]
    assert {c.pk for c, cell in course["cells"] if cell.state == competency_selectors.MASTERED} == mastered

    (view,) = path_selectors.paths_for_student(student)
    assert set().union(*(step.mastered_ids for step in view.steps)) == mastered
    assert [s.status for s in path.steps.order_by("position")] == ["mastered", "open", "locked"]

    assert competencies[0].pk not in {s.competency.pk for s in path_selectors.group_suggestions(section)}

    lately = family_selectors.mastered_lately(student)
    assert [(day, c.pk) for day, c in lately.items] == [(timezone.localdate(), competencies[0].pk)]

    assert Mastery.objects.filter(student=student).mastered_ids() == {student.pk: mastered}

"""One stored truth for mastery (issue 16.6): Mastery stores the effective state (computed, or a teacher's override)
and the day it was first reached; every write keeps it, one queryset method reads it."""

import importlib
import re
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from competencies import services
from competencies.models import Evidence, Framework, Mastery
from competencies.signals import mastery_changed

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def record(student, competencies, score, teacher, days_ago=0):
    return services.record_evidence(
        student=student, competencies=competencies, score=D(score), observed_on=timezone.localdate() - timedelta(days=days_ago),
        kind=Evidence.Kind.QUIZ, demonstration=Evidence.Demonstration.ORAL, recorded_by=teacher,
    )


def stored(student, competency) -> Mastery:
    return Mastery.objects.get(student=student, competency=competency)


def test_mastered_on_is_the_day_of_the_result_that_reached_mastery_and_stays_while_mastered(student, teacher, competencies):
    """Evidence writes keep effective state and mastered_on: reached on the result's date, kept, cleared on a drop."""
    record(student, competencies[:1], 2, teacher, days_ago=20)
    assert (stored(student, competencies[0]).effective_mastered, stored(student, competencies[0]).mastered_on) == (False, None)
    record(student, competencies[:1], 4, teacher, days_ago=12)
    row = stored(student, competencies[0])
    assert (row.effective_value, row.effective_mastered, row.mastered_on) == (D("3.30"), True, timezone.localdate() - timedelta(days=12))
    record(student, competencies[:1], 3, teacher, days_ago=5)  # still mastered: the day it was reached stays
    assert stored(student, competencies[0]).mastered_on == timezone.localdate() - timedelta(days=12)
    record(student, competencies[:1], 1, teacher, days_ago=1)  # below: no longer mastered
    row = stored(student, competencies[0])
    assert (row.effective_mastered, row.mastered_on) == (False, None)


def test_an_override_is_the_stored_state_until_cleared(student, teacher, competencies):
    record(student, competencies[:1], 2, teacher, days_ago=3)
    services.override_mastery(student=student, competency=competencies[0], value=D(3), reason="Shown in a conference",
                              overridden_by=teacher)
    row = stored(student, competencies[0])
    assert (row.value, row.effective_value, row.effective_mastered, row.mastered_on) == (D("2.00"), D(3), True, timezone.localdate())
    record(student, competencies[:1], 1, teacher)  # new evidence keeps the teacher's judgement
    assert (stored(student, competencies[0]).effective_value, stored(student, competencies[0]).effective_mastered) == (D(3), True)
    services.override_mastery(student=student, competency=competencies[0], value=None, reason="", overridden_by=teacher)
    row = stored(student, competencies[0])
    assert (row.effective_value, row.effective_mastered, row.mastered_on) == (row.value, False, None)


def test_mastered_ids_of_the_signal_count_a_teachers_override(student, teacher, competencies, django_capture_on_commit_callbacks):
    """The override was ignored by mastery_changed's mastered_ids: a path could not open on a teacher's judgement."""
    record(student, competencies[:1], 2, teacher)
    heard = []
    mastery_changed.connect(lambda **kw: heard.append((kw["competency_ids"], kw["mastered_ids"])), weak=False,
                            dispatch_uid="test-override-mastered")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.override_mastery(student=student, competency=competencies[0], value=D(4), reason="Shown in class",
                                      overridden_by=teacher)
    finally:
        mastery_changed.disconnect(dispatch_uid="test-override-mastered")
    assert heard == [([competencies[0].pk], [competencies[0].pk])]


@pytest.mark.parametrize("method", ["highest", "decaying_average", "power_law"])
def test_full_recomputation_keeps_the_effective_state_and_its_day(student, teacher, competencies, framework, method):
    """recompute.py (set-based SQL on PostgreSQL, Python or SQL on SQLite) writes the same effective columns."""
    record(student, competencies[:1], 4, teacher, days_ago=9)
    record(student, competencies[1:2], 1, teacher, days_ago=9)
    services.override_mastery(student=student, competency=competencies[1], value=D(4), reason="Shown", overridden_by=teacher)
    before = {m.competency_id: m.mastered_on for m in Mastery.objects.filter(student=student)}
    Framework.objects.filter(pk=framework.pk).update(mastery_method=method)
    services.recompute_all()
    first, second = stored(student, competencies[0]), stored(student, competencies[1])
    assert (first.method, first.effective_value, first.effective_mastered, first.mastered_on) == (method, D(4), True, before[first.competency_id])
    assert (second.value, second.effective_value, second.effective_mastered, second.mastered_on) == (D(1), D(4), True, timezone.localdate())


def test_full_recomputation_reaches_mastery_on_the_newest_results_day(student, teacher, competencies, framework):
    """A method change that brings a pair to mastery dates it from the newest result it stands on (SQL and Python)."""
    record(student, competencies[:1], 4, teacher, days_ago=9)
    record(student, competencies[:1], 1, teacher, days_ago=4)
    assert stored(student, competencies[0]).effective_mastered is False  # decaying average 2.05
    for method in ("highest", "decaying_average", "average", "power_law"):
        Framework.objects.filter(pk=framework.pk).update(mastery_method=method)
        services.recompute_all()
        row = stored(student, competencies[0])
        assert (row.effective_mastered, row.mastered_on) == (
            (True, timezone.localdate() - timedelta(days=4)) if method == "highest" else (False, None)), method


def test_the_data_migration_fills_existing_rows(student, teacher, competencies):
    """Rows stored before the columns existed get the effective state, and the day found by the old replay."""
    record(student, competencies[:1], 2, teacher, days_ago=20)
    record(student, competencies[:1], 4, teacher, days_ago=12)
    record(student, competencies[:1], 4, teacher, days_ago=2)
    record(student, competencies[1:2], 1, teacher, days_ago=2)
    services.override_mastery(student=student, competency=competencies[1], value=D(3), reason="Shown", overridden_by=teacher)
    Mastery.objects.update(effective_value=None, effective_mastered=False, mastered_on=None)
    migration = importlib.import_module("competencies.migrations.0002_mastery_truth_stored_state")
    migration.fill_stored_state(apps, None)
    first, second = stored(student, competencies[0]), stored(student, competencies[1])
    assert (first.effective_value, first.effective_mastered, first.mastered_on) == (first.value, True, timezone.localdate() - timedelta(days=12))
    assert (second.effective_value, second.effective_mastered, second.mastered_on) == (D(3), True, timezone.localdate())


def test_the_effective_mastery_rule_is_written_once():
    """One rule, one place: the override-over-computed rule is mastery.effective (recompute.py says it in SQL for
    the set-based statement); no page, path or portal code reads the override to decide mastery, nor replays evidence."""
    offenders = []
    for path in [*ROOT.glob("*/selectors.py"), *ROOT.glob("*/services.py"), *ROOT.glob("*/views.py"), *ROOT.glob("*/models.py"),
                 *ROOT.glob("*/progress.py"), *ROOT.glob("*/receivers.py")]:
        text = path.read_text()
        if re.search(r"override_value\s*>=|override_value if [^\n]*else [^\n]*\.value|effective_is_mastered|def mastered_on", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

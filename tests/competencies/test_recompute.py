"""Full recomputation (recompute.py): set-based SQL and batched Python give exactly what mastery.py gives (P5)."""

import random
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from competencies import mastery, services
from competencies.models import Evidence, Framework, Mastery
from competencies.selectors import scale_info
from competencies.signals import mastery_changed
from tests.factories.competencies import CompetencyFactory, scaled_framework
from tests.factories.roster import StudentFactory

pytestmark = pytest.mark.django_db

SCORES = [D(1), D("1.5"), D(2), D("2.25"), D("2.5"), D("2.75"), D(3), D("3.33"), D("3.5"), D(4)]


@pytest.fixture
def random_evidence(teacher):
    """7 students x 6 competencies, 0 to 7 results per pair over 5 days (so several share a date), seeded."""
    rng = random.Random(20240917)
    framework = scaled_framework(title="Random")
    competencies = [CompetencyFactory(framework=framework) for _ in range(6)]
    students = [StudentFactory() for _ in range(7)]
    rows = [Evidence(student=student, competency=competency, score=rng.choice(SCORES), recorded_by=teacher,
                     observed_on=date(2024, 9, 1) + timedelta(days=rng.randrange(5)), kind="quiz", demonstration="oral")
            for student in students for competency in competencies for _ in range(rng.randrange(8))]
    rng.shuffle(rows)  # insertion order (pk) differs from date order: ties on a date keep the order recorded
    for row in rows:
        row.save()
    return framework


def expected(framework):
    """Every pair's result from the pure functions, scores oldest first by (date, pk)."""
    params = scale_info({framework.pk})[framework.pk].params
    scores = {}
    for student_id, competency_id, score in Evidence.objects.filter(competency__framework=framework).order_by(
            "observed_on", "pk").values_list("student_id", "competency_id", "score"):
        scores.setdefault((student_id, competency_id), []).append(score)
    return {pair: mastery.compute(values, params) for pair, values in scores.items()}, params


@pytest.mark.parametrize("method", mastery.METHODS)
@pytest.mark.parametrize("min_evidence", [1, 3])
def test_full_recomputation_equals_the_pure_functions_for_every_method(random_evidence, method, min_evidence):
    """P5: latest/highest/average/n-times in SQL, decaying average/power law batched: each stored row equals mastery.compute."""
    Framework.objects.filter(pk=random_evidence.pk).update(mastery_method=method, min_evidence=min_evidence, n_times=2)
    results, params = expected(random_evidence)
    assert len(results) > 30 and any(len({d for d in Evidence.objects.filter(student_id=s, competency_id=c)
                                          .values_list("observed_on", flat=True)}) < r.evidence_count
                                     for (s, c), r in results.items())  # ties on a date are present
    assert services.recompute_all(chunk=3) == len(results)
    stored = {(m.student_id, m.competency_id): m for m in Mastery.objects.all()}
    assert set(stored) == set(results)
    for pair, result in results.items():
        row = stored[pair]
        assert (row.value, row.is_mastered, row.evidence_count) == (result.value, result.is_mastered, result.evidence_count), pair
        assert (row.method, row.params) == (method, params.as_json())
    assert any(r.is_mastered for r in results.values()) and any(not r.is_mastered for r in results.values())


def test_recomputation_keeps_overrides_and_announces_only_changes(random_evidence, teacher, django_capture_on_commit_callbacks):
    """P5: a teacher's override survives; mastery_changed after commit for changed pairs only, none on a second run."""
    Framework.objects.filter(pk=random_evidence.pk).update(mastery_method="highest")
    heard = []

    def listen(sender, student_id, competency_ids, mastered_ids, **kwargs):
        heard.append((student_id, tuple(competency_ids), tuple(mastered_ids)))

    mastery_changed.connect(listen, sender=Mastery, dispatch_uid="test-recompute")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.recompute_all()
        results, _params = expected(random_evidence)
        assert sum(len(ids) for _s, ids, _m in heard) == len(results)
        assert {(s, c) for s, ids, mastered in heard for c in mastered} == {p for p, r in results.items() if r.is_mastered}

        row = Mastery.objects.filter(value__lt=D(4)).first()
        Mastery.objects.filter(pk=row.pk).update(override_value=D(4), override_reason="Shown in class", overridden_by=teacher)
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.recompute_all()
        assert heard == []

        Framework.objects.filter(pk=random_evidence.pk).update(mastery_method="latest")
        with django_capture_on_commit_callbacks(execute=True):
            services.recompute_all()
        row.refresh_from_db()
        assert (row.override_value, row.override_reason, row.overridden_by_id, row.method) == (D(4), "Shown in class", teacher.pk, "latest")
        assert sum(len(ids) for _s, ids, _m in heard) == len(results)  # the parameters changed for every pair
    finally:
        mastery_changed.disconnect(listen, sender=Mastery, dispatch_uid="test-recompute")


@pytest.mark.parametrize("method", ["average", "decaying_average"])
def test_one_changed_result_announces_only_its_pair(random_evidence, method, django_capture_on_commit_callbacks):
    """Changing one result and recomputing everything announces that pair alone (SQL and Python paths)."""
    Framework.objects.filter(pk=random_evidence.pk).update(mastery_method=method)
    services.recompute_all()
    evidence = Evidence.objects.filter(competency__framework=random_evidence).order_by("observed_on", "pk").last()  # newest counts
    Evidence.objects.filter(pk=evidence.pk).update(score=D(4) if evidence.score < 3 else D(1))
    heard = []
    mastery_changed.connect(lambda sender, student_id, competency_ids, **kw: heard.append((student_id, competency_ids)),
                            sender=Mastery, dispatch_uid="test-one-change", weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.recompute_all(student_ids=[evidence.student_id])
    finally:
        mastery_changed.disconnect(sender=Mastery, dispatch_uid="test-one-change")
    results, _params = expected(random_evidence)
    stored = Mastery.objects.get(student_id=evidence.student_id, competency_id=evidence.competency_id)
    assert stored.value == results[evidence.student_id, evidence.competency_id].value
    assert heard == [(evidence.student_id, [evidence.competency_id])]


@pytest.mark.parametrize("method", ["highest", "decaying_average"])
def test_a_rerun_writes_nothing(random_evidence, method):
    """Recomputing unchanged evidence leaves every row as it was (computed_at too): no write, SQL or Python path."""
    Framework.objects.filter(pk=random_evidence.pk).update(mastery_method=method)
    services.recompute_all()
    stamps = dict(Mastery.objects.values_list("pk", "computed_at"))
    services.recompute_all()
    assert dict(Mastery.objects.values_list("pk", "computed_at")) == stamps


def test_a_new_count_with_the_same_value_is_stored_silently(random_evidence, teacher, django_capture_on_commit_callbacks):
    """Highest: one more result below the best updates the count, and mastery_changed stays quiet (nothing moved)."""
    Framework.objects.filter(pk=random_evidence.pk).update(mastery_method="highest")
    services.recompute_all()
    row = Mastery.objects.filter(value__gt=D(1)).order_by("pk").first()
    before = (row.value, row.is_mastered, row.evidence_count)
    Evidence.objects.create(student_id=row.student_id, competency_id=row.competency_id, score=D(1), recorded_by=teacher,
                            observed_on=date(2024, 9, 6), kind="quiz", demonstration="oral")
    heard = []
    mastery_changed.connect(lambda sender, student_id, competency_ids, **kw: heard.append((student_id, competency_ids)),
                            sender=Mastery, dispatch_uid="test-count-only", weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.recompute_all()
    finally:
        mastery_changed.disconnect(sender=Mastery, dispatch_uid="test-count-only")
    row.refresh_from_db()
    assert (row.value, row.is_mastered, row.evidence_count) == (before[0], before[1], before[2] + 1)
    assert heard == []

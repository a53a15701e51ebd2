"""P5: the set-based decaying average and power law (recompute.py, PostgreSQL) give exactly what mastery.py gives.

The property runs on both legs: on PostgreSQL it compares the SQL with the pure functions, on SQLite the batched
Python fallback (set_based() says which one ran, and the test checks it). The [pg] tests pin what only the
PostgreSQL leg can show: one statement per framework, and the SQL on hand-picked edge cases.
"""

import random
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competencies import mastery, recompute, services
from competencies.models import Evidence, Framework, Mastery, ProficiencyLevel, ProficiencyScale
from competencies.selectors import scale_info
from tests.factories.competencies import CompetencyFactory, FrameworkFactory
from tests.factories.roster import StudentFactory

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"
SCALES = [(1, 2, 3, 4), (0, 1, 2, 3, 4), (1, 2, 3, 4, 5), (1, 2, 3)]
STUDENTS, COMPETENCIES = 3, 2


@st.composite
def framework_spec(draw):
    levels = draw(st.sampled_from(SCALES))
    low, high = levels[0] * 100, levels[-1] * 100
    # any hundredth on the scale, often a level or a half level (so exact half cents come up in the averages)
    halves = [v * 100 for v in levels] + [v * 100 + 50 for v in levels[:-1]]
    score = st.one_of(st.integers(low, high), st.sampled_from(halves))
    results = st.lists(st.tuples(st.integers(0, 4), score), max_size=8)  # (day, score in hundredths), in recorded order
    long_results = st.lists(st.tuples(st.integers(0, 30), score), min_size=14, max_size=40)  # past 28 digits
    return {
        # every method, the two sequences (set-based on PostgreSQL) three times as often as the others
        "method": draw(st.sampled_from([*mastery.METHODS, *sorted(recompute.SEQUENCE_METHODS) * 2])),
        "weight": draw(st.one_of(st.integers(1, 100), st.sampled_from([50, 65, 100]))),
        "min_evidence": draw(st.integers(1, 4)),
        "n_times": draw(st.integers(1, 3)),
        "levels": levels,
        "threshold": draw(st.integers(low, high)),
        # per (student, competency): before = results recomputed first, after = results added before the second run
        "evidence": draw(st.lists(st.tuples(st.one_of(results, long_results), results),
                                  min_size=STUDENTS * COMPETENCIES, max_size=STUDENTS * COMPETENCIES)),
    }


def _framework(spec) -> Framework:
    framework = FrameworkFactory(mastery_method=spec["method"], decay_weight=D(spec["weight"]) / 100,
                                 min_evidence=spec["min_evidence"], n_times=spec["n_times"])
    scale = ProficiencyScale.objects.create(framework=framework, mastery_threshold=D(spec["threshold"]) / 100)
    ProficiencyLevel.objects.bulk_create(ProficiencyLevel(scale=scale, value=v, label=f"Level {v}") for v in spec["levels"])
    return framework


def _record(rows) -> None:
    Evidence.objects.bulk_create(
        Evidence(student=student, competency=competency, score=D(cents) / 100, observed_on=date(2024, 9, 1) + timedelta(days=day),
                 kind="quiz", demonstration="oral") for student, competency, day, cents in rows)


def _expected() -> dict:
    """Every pair's result from mastery.compute, its scores oldest first by (date, order recorded)."""
    frameworks = dict(Framework.objects.values_list("competencies__pk", "pk"))
    info = scale_info(set(frameworks.values()))
    scores = {}
    for student_id, competency_id, score in Evidence.objects.order_by("observed_on", "pk").values_list(
            "student_id", "competency_id", "score"):
        scores.setdefault((student_id, competency_id), []).append(score)
    return {pair: mastery.compute(values, info[frameworks[pair[1]]].params) for pair, values in scores.items()}


def _stored() -> dict:
    return {(m.student_id, m.competency_id): (m.value, m.is_mastered, m.evidence_count) for m in Mastery.objects.all()}


@pytest.fixture
def students(db):
    return [StudentFactory() for _ in range(STUDENTS)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(framework_spec(), min_size=1, max_size=3))
def test_recomputation_equals_the_pure_functions(students, specs):
    """Random frameworks (every method, weights, min_evidence, scales), 0 to 40 results per pair with ties on a date:
    each stored value, mastered flag and count equals mastery.compute, after a first run and after more results."""
    savepoint = transaction.savepoint()
    try:
        before, after = [], []
        for spec in specs:
            framework = _framework(spec)
            assert recompute.set_based(scale_info({framework.pk})[framework.pk].params) == (
                ON_POSTGRES or spec["method"] not in recompute.SEQUENCE_METHODS)
            competencies = [CompetencyFactory(framework=framework) for _ in range(COMPETENCIES)]
            pairs = [(s, c) for s in students for c in competencies]
            for (student, competency), (first, then) in zip(pairs, spec["evidence"]):
                before += [(student, competency, day, cents) for day, cents in first]
                after += [(student, competency, day, cents) for day, cents in then]
        random.Random(len(before)).shuffle(before)  # recorded order (pk) differs from pair and date order
        _record(before)
        expected = _expected()
        assert services.recompute_all(chunk=2) == len(expected)
        assert _stored() == {pair: (r.value, r.is_mastered, r.evidence_count) for pair, r in expected.items()}

        _record(after)
        expected = _expected()
        assert services.recompute_all(chunk=2) == len(expected)
        assert _stored() == {pair: (r.value, r.is_mastered, r.evidence_count) for pair, r in expected.items()}
    finally:
        transaction.savepoint_rollback(savepoint)


# --- edge cases, by hand ------------------------------------------------------------


def _one_pair(student, method: str, scores: list[str], *, weight="0.65", levels=(1, 2, 3, 4), threshold="3",
              days: list[int] | None = None) -> tuple[Mastery, mastery.Result]:
    framework = _framework({"method": method, "weight": int(D(weight) * 100), "min_evidence": 1, "n_times": 2,
                            "levels": levels, "threshold": int(D(threshold) * 100)})
    competency = CompetencyFactory(framework=framework)
    days = days or list(range(len(scores)))
    _record([(student, competency, day, int(D(s) * 100)) for day, s in zip(days, scores)])
    services.recompute_all(framework_id=framework.pk)
    return Mastery.objects.get(student=student, competency=competency), _expected()[student.pk, competency.pk]


@pytest.mark.parametrize(("method", "scores", "weight", "value"), [
    ("decaying_average", ["2", "2.25"], "0.5", "2.13"),  # exactly 2.125: half up, not to even
    ("decaying_average", ["2.5", "2.25"], "0.5", "2.38"),  # exactly 2.375
    ("decaying_average", ["4", "1"], "1", "1.00"),  # w = 1: the newest alone
    ("decaying_average", ["1", "4", "4"], "0.01", "1.06"),  # 1*0.99^2 + 4*0.01*0.99 + 4*0.01 = 1.0597
    ("decaying_average", ["3.33"], "0.65", "3.33"),
    ("power_law", ["2.5", "2.5", "2.5"], "0.65", "2.50"),  # a flat line
    ("power_law", ["1", "4"], "0.65", "4.00"),  # two points: the line through them, read at the second
    ("power_law", ["3.07"], "0.65", "3.07"),  # one result: the result itself
])
def test_edge_cases_on_both_legs(students, method, scores, weight, value):
    row, expected = _one_pair(students[0], method, scores, weight=weight)
    assert (row.value, row.is_mastered) == (expected.value, expected.is_mastered) == (D(value), D(value) >= 3)


def test_a_long_sequence_is_exact(students):
    """40 results at w = 0.35: the exact value has 80 decimal places, more than Decimal's default 28 digits."""
    scores = [str(D(100 + (n * 37) % 300) / 100) for n in range(40)]
    row, expected = _one_pair(students[0], "decaying_average", scores, weight="0.35")
    exact = D(scores[0])
    for s in scores[1:]:
        exact = D("0.35") * D(s) + D("0.65") * exact  # the default context: rounded to 28 digits from step 14 on
    assert row.value == expected.value == mastery._round(exact)


def test_power_law_floor_and_clamp(students):
    """A 0 is fitted as 0.1 (scale 0-4); a steep rise is read above the top of the scale and kept at 4."""
    row, expected = _one_pair(students[0], "power_law", ["0", "2", "0", "3"], levels=(0, 1, 2, 3, 4))
    assert row.value == expected.value
    row, expected = _one_pair(students[1], "power_law", ["1", "1", "1", "4", "4"])
    assert row.value == expected.value and row.value <= D(4)


def test_ties_on_a_date_keep_the_order_recorded(students):
    """Same day: the result recorded last is the newest (the decaying average weights it most)."""
    row, expected = _one_pair(students[0], "decaying_average", ["4", "1"], days=[0, 0])
    assert row.value == expected.value == D("2.05")  # 4 * 0.35 + 1 * 0.65


@pytest.mark.pg
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL leg only: the sequences are set-based there")
@pytest.mark.parametrize("method", sorted(recompute.SEQUENCE_METHODS))
def test_sequences_are_one_statement_per_framework(students, method):
    """Decaying average and power law on PostgreSQL: a fixed number of queries whatever the number of students
    (no chunks, no rows read into Python), and the new rows equal mastery.compute."""
    framework = _framework({"method": method, "weight": 65, "min_evidence": 2, "n_times": 2, "levels": (1, 2, 3, 4),
                            "threshold": 300})
    competencies = [CompetencyFactory(framework=framework) for _ in range(2)]
    rng = random.Random(7)
    _record([(s, c, rng.randrange(5), rng.randrange(100, 401))
             for s in students for c in competencies for _ in range(rng.randrange(5))])
    with CaptureQueriesContext(connection) as queries:
        services.recompute_all(chunk=1)
    statements = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(statements) == 1 and len(queries.captured_queries) <= 8
    assert _stored() == {pair: (r.value, r.is_mastered, r.evidence_count) for pair, r in _expected().items()}

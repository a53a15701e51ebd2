"""Property (issue 16.6, T3): after any sequence of results, corrections, removals, teachers' overrides and full
recomputations (through the services, on the database), the stored Mastery is what the pure mastery methods
(competencies/mastery.py) give for the results that still count, the effective state is the override when there is
one, and mastered_on is the day the current mastered stretch began."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competencies import mastery, services
from competencies.models import Evidence, Framework, Mastery
from competencies.selectors import scale_info

pytestmark = pytest.mark.django_db

LEVEL = st.integers(min_value=1, max_value=4)
DAYS_AGO = st.integers(min_value=0, max_value=40)
OPERATION = st.one_of(
    st.tuples(st.just("record"), LEVEL, DAYS_AGO),
    st.tuples(st.just("correct"), st.integers(0, 20), LEVEL, DAYS_AGO),
    st.tuples(st.just("void"), st.integers(0, 20)),
    st.tuples(st.just("override"), st.one_of(st.none(), LEVEL)),
    st.tuples(st.just("recompute"), st.sampled_from(mastery.METHODS)),
)


class Expected:
    """What the stored row must say, kept beside the database: the results that count, the override, the stretch."""

    def __init__(self):
        self.results: dict[int, tuple[D, date]] = {}
        self.override: D | None = None
        self.mastered_on: date | None = None

    def ordered_scores(self) -> list[D]:
        return [score for pk, (score, day) in sorted(self.results.items(), key=lambda item: (item[1][1], item[0]))]

    def newest_day(self) -> date:
        return max((day for _score, day in self.results.values()), default=timezone.localdate())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(OPERATION, min_size=1, max_size=12))
def test_stored_mastery_is_the_pure_methods_over_the_results_that_count(student, teacher, case_manager, competencies, framework,
                                                                         operations):
    competency, today = competencies[0], timezone.localdate()
    Evidence.objects.all().delete()
    Mastery.objects.all().delete()
    Framework.objects.filter(pk=framework.pk).update(mastery_method=mastery.DECAYING_AVERAGE)
    expected = Expected()
    for operation in operations:
        kind, reached = operation[0], None
        if kind == "record":
            row = services.record_evidence(student=student, competencies=[competency], score=D(operation[1]),
                                           observed_on=today - timedelta(days=operation[2]), kind="quiz", demonstration="oral",
                                           recorded_by=teacher)[0]
            expected.results[row.pk] = (D(operation[1]), row.observed_on)
        elif kind in ("correct", "void") and expected.results:
            pk = sorted(expected.results)[operation[1] % len(expected.results)]
            evidence = Evidence.objects.get(pk=pk)
            if kind == "void":
                services.void_evidence(evidence=evidence, voided_by=case_manager, reason="Wrong student")
                del expected.results[pk]
            else:
                day = today - timedelta(days=operation[3])
                if (D(operation[2]), day) == expected.results[pk]:
                    continue  # nothing would change: refused, as tested elsewhere
                services.correct_evidence(evidence=evidence, corrected_by=teacher, reason="Typo", score=D(operation[2]),
                                          observed_on=day)
                expected.results[pk] = (D(operation[2]), day)
        elif kind == "override":
            value = None if operation[1] is None else D(operation[1])
            services.override_mastery(student=student, competency=competency, value=value, reason="Seen in class",
                                      overridden_by=teacher)
            expected.override, reached = value, today if value is not None else None
        elif kind == "recompute":
            Framework.objects.filter(pk=framework.pk).update(mastery_method=operation[1])
            services.recompute_all()
        else:
            continue
        row = Mastery.objects.filter(student=student, competency=competency).first()
        if row is None:  # a full recomputation before any result: nothing to store
            assert kind == "recompute" and not expected.results
            continue
        params = scale_info({framework.pk})[framework.pk].params
        result = mastery.compute(expected.ordered_scores(), mastery.Params.from_json(row.params))
        assert (row.value, row.is_mastered, row.evidence_count) == (result.value, result.is_mastered, result.evidence_count), operations
        if kind == "recompute" and expected.results:
            assert row.method == params.method
        if expected.override is not None:
            effective = (expected.override, expected.override >= params.threshold)
        else:
            effective = (result.value, result.is_mastered)
        assert (row.effective_value, row.effective_mastered) == effective, operations
        if not row.effective_mastered:
            expected.mastered_on = None
        elif expected.mastered_on is None:
            expected.mastered_on = reached or expected.newest_day()
        assert row.mastered_on == expected.mastered_on, operations
        # the one reader agrees with the row
        assert (competency.pk in Mastery.objects.filter(student=student).mastered_ids().get(student.pk, set())) == row.effective_mastered

"""The mastery formulas (competencies/mastery.py) on hand-worked examples: no database.

Scale 1-4, mastery at 3, unless a test says otherwise. Each expected value is worked out in the
comment beside it, including ties, a single result and no results at all.
"""

from decimal import Decimal as D

import pytest

from competencies import graph, mastery

LEVELS = [(1, "Beginning"), (2, "Developing"), (3, "Proficient"), (4, "Advanced")]


def params(method: str, **extra) -> mastery.Params:
    return mastery.Params(method=method, threshold=D(3), **extra)


def scores(*values) -> list[D]:
    return [D(str(v)) for v in values]


@pytest.mark.parametrize(
    ("method", "results", "value", "mastered"),
    [
        # latest: the newest counts, whatever came before
        (mastery.LATEST, scores(4, 4, 2), D("2.00"), False),
        (mastery.LATEST, scores(1, 3), D("3.00"), True),
        # tie on the same day: the one recorded later is later in the list and wins
        (mastery.LATEST, scores(2, 3), D("3.00"), True),
        # highest
        (mastery.HIGHEST, scores(1, 4, 2), D("4.00"), True),
        (mastery.HIGHEST, scores(2, 2), D("2.00"), False),
        # average: (2 + 3 + 3) / 3 = 2.666... -> 2.67
        (mastery.AVERAGE, scores(2, 3, 3), D("2.67"), False),
        (mastery.AVERAGE, scores(3, 3), D("3.00"), True),
        # decaying average, newest 65%: 2 -> .65*3 + .35*2 = 2.65 -> .65*4 + .35*2.65 = 3.5275 -> 3.53
        (mastery.DECAYING_AVERAGE, scores(2, 3, 4), D("3.53"), True),
        # 4 -> .65*2 + .35*4 = 2.70: a drop on the newest result costs mastery
        (mastery.DECAYING_AVERAGE, scores(4, 2), D("2.70"), False),
        # n times (n=2): 3 and 4 reach 3 -> mastered, value = mean of the two best = 3.5
        (mastery.N_TIMES_AT_MASTERY, scores(3, 2, 4), D("3.50"), True),
        # only one result at 3 or above: not mastered, value = mean of all = (1 + 3) / 2 = 2
        (mastery.N_TIMES_AT_MASTERY, scores(1, 3), D("2.00"), False),
        # power law s = a * t^b: (1,2) and (2,4) fit exactly with a=2, b=1 -> at t=2: 4
        (mastery.POWER_LAW, scores(2, 4), D("4.00"), True),
        # 1, 2, 3 lie on s = t exactly (a=1, b=1) -> at t=3: 3
        (mastery.POWER_LAW, scores(1, 2, 3), D("3.00"), True),
        # 1, 3, 2: ln t = 0, .6931, 1.0986; ln s = 0, 1.0986, .6931; slope = Sxy/Sxx = .45287/.61727 = .73366,
        # intercept = .59725 - .73366*.59725 = .15907; at t=3: exp(.15907 + .73366*1.0986) = exp(.96508) = 2.625 -> 2.63
        (mastery.POWER_LAW, scores(1, 3, 2), D("2.63"), False),
        # a rising trend is read past the scale's top and kept inside it: 1, 2, 4, 4 -> clamped to 4
        (mastery.POWER_LAW, scores(1, 2, 4, 4), D("4.00"), True),
    ],
)
def test_each_method_on_worked_examples(method, results, value, mastered):
    result = mastery.compute(results, params(method))
    assert (result.value, result.is_mastered, result.evidence_count) == (value, mastered, len(results))


@pytest.mark.parametrize("method", mastery.METHODS)
def test_a_single_result_is_its_own_value(method):
    result = mastery.compute(scores(3), params(method, n_times=1))
    assert (result.value, result.is_mastered) == (D("3.00"), True)


@pytest.mark.parametrize("method", mastery.METHODS)
def test_no_results_is_not_enough_evidence_not_a_guess(method):
    result = mastery.compute([], params(method))
    assert (result.value, result.is_mastered, result.has_enough_evidence) == (None, False, False)


def test_minimum_evidence_count_gives_an_explicit_not_enough_state():
    assert mastery.compute(scores(4), params(mastery.HIGHEST, min_evidence=2)).value is None
    assert mastery.compute(scores(4, 1), params(mastery.HIGHEST, min_evidence=2)).value == D("4.00")


def test_power_law_fits_a_zero_score_without_failing():
    # 0 is fitted as 0.1; the prediction is kept on the scale (at least 1).
    assert mastery.compute(scores(0, 0), params(mastery.POWER_LAW)).value == D("1.00")


def test_decay_weight_is_a_parameter():
    # weight .5: 2 -> .5*4 + .5*2 = 3.00
    assert mastery.compute(scores(2, 4), params(mastery.DECAYING_AVERAGE, decay_weight=D("0.5"))).value == D("3.00")


def test_params_round_trip_through_json_for_reproducibility():
    p = params(mastery.DECAYING_AVERAGE, decay_weight=D("0.65"), min_evidence=2)
    assert mastery.Params.from_json(p.as_json()) == p
    assert p.as_json()["method"] == "decaying_average" and p.as_json()["decay_weight"] == "0.65"


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        mastery.Params(method="median", threshold=D(3))


@pytest.mark.parametrize(
    ("value", "level"),
    [(D("3.53"), (3, "Proficient")), (D("4.00"), (4, "Advanced")), (D("0.50"), (1, "Beginning")), (None, None)],
)
def test_level_for_value(value, level):
    assert mastery.level_for(value, LEVELS) == level


def test_explanation_says_how_and_what_keeps_it():
    text = mastery.explain(scores(2, 3, 4), params(mastery.DECAYING_AVERAGE), LEVELS)
    # with a 3 next: .65*3 + .35*3.5275 = 3.18 (kept); with a 2: 2.53 (lost)
    # plain words, never the method's jargon or weights (issue 17.3)
    assert text == ("Proficient: recent results count more (3 results so far). "
                    "One more result at level 3 (Proficient) or above keeps it.")


def test_explanation_for_not_yet_and_not_enough():
    assert mastery.explain(scores(1, 1), params(mastery.AVERAGE), LEVELS) == (
        # (1+1+4)/3 = 2 -> still below 3: one more result cannot do it
        "Beginning: every result counts the same (2 results so far). More than one further result is needed to reach mastery."
    )
    assert mastery.explain(scores(2), params(mastery.LATEST), LEVELS) == (
        "Developing: the most recent result counts (1 result so far). One more result at level 3 (Proficient) or above would reach mastery."
    )
    assert mastery.explain(scores(2), params(mastery.LATEST, min_evidence=3), LEVELS) == (
        "Not enough evidence yet: 1 of 3 results so far."
    )


def test_cycle_detection_and_what_is_ready():
    assert graph.find_cycle([(1, 2), (2, 3)]) is None
    assert graph.find_cycle([(1, 2), (2, 3), (3, 1)]) == [1, 2, 3, 1]
    assert graph.ready_to_learn([1, 2, 3, 4], [(1, 2), (2, 3)], mastered={1}) == [2, 4]

"""reports/analysis.py against numbers worked out by hand (docs/reports.md has the
same example, step by step)."""

from __future__ import annotations

import math
import statistics

import pytest

from reports.analysis import (
    Moments,
    average_ms,
    discrimination,
    facility,
    is_weak,
    share,
)

# The worked example: five attempts at a three-question quiz (1 right, 0 wrong).
#            Q1 Q2 Q3  total
# attempt A   1  1  1   3
# attempt B   1  1  0   2
# attempt C   0  1  0   1
# attempt D   1  0  0   1
# attempt E   0  0  0   0
TOTALS = [3, 2, 1, 1, 0]
Q1 = [1, 1, 0, 1, 0]
Q3 = [1, 0, 0, 0, 0]


def test_facility_is_the_share_of_right_responses() -> None:
    assert facility(Moments.of(zip(Q1, TOTALS, strict=True))) == pytest.approx(0.6)
    assert facility(Moments.of(zip(Q3, TOTALS, strict=True))) == pytest.approx(0.2)


def test_discrimination_matches_the_hand_computed_correlation_with_the_rest_of_the_attempt() -> (
    None
):
    # Q1: x = 1 1 0 1 0, rest y = 2 1 1 0 0; n=5, Σx=3, Σy=4, Σxy=3, Σy²=6:
    # r = (5·3 - 3·4) / sqrt((5·3 - 9)(5·6 - 16)) = 3 / sqrt(84)
    assert discrimination(Moments.of(zip(Q1, TOTALS, strict=True))) == pytest.approx(
        3 / math.sqrt(84)
    )
    assert 3 / math.sqrt(84) == pytest.approx(0.3273, abs=1e-4)
    # Q3: x = 1 0 0 0 0, rest y = 2 2 1 1 0: r = (5·2 - 1·6) / sqrt(4 · 14) = 4 / sqrt(56)
    assert discrimination(Moments.of(zip(Q3, TOTALS, strict=True))) == pytest.approx(
        4 / math.sqrt(56)
    )


def test_discrimination_is_pearsons_r_against_the_rest_not_the_whole_total() -> None:
    rest = [t - x for x, t in zip(Q1, TOTALS, strict=True)]
    expected = statistics.correlation(Q1, rest)
    assert discrimination(Moments.of(zip(Q1, TOTALS, strict=True))) == pytest.approx(expected)
    # Correlating with the whole total (the item counted twice) gives a larger number.
    assert statistics.correlation(Q1, TOTALS) > expected


def test_a_question_the_strong_students_get_wrong_discriminates_negatively() -> None:
    # The two with 2 elsewhere got it wrong; the two with nothing else got it right.
    moments = Moments.of([(0, 2), (0, 2), (1, 1), (1, 1)])
    assert discrimination(moments) == pytest.approx(-1.0)
    assert is_weak(discrimination(moments))


def test_no_responses_give_no_numbers() -> None:
    empty = Moments()
    assert facility(empty) is None
    assert discrimination(empty) is None
    assert average_ms(empty) is None
    assert not is_weak(None)


def test_all_right_has_full_facility_and_no_discrimination() -> None:
    moments = Moments.of([(1, 3), (1, 2), (1, 1)])
    assert facility(moments) == 1.0
    assert discrimination(moments) is None


def test_one_attempt_has_a_facility_but_no_correlation() -> None:
    moments = Moments.of([(1, 2)])
    assert facility(moments) == 1.0
    assert discrimination(moments) is None
    assert discrimination(Moments.of([(0, 0)])) is None


def test_rest_scores_that_do_not_vary_give_no_correlation() -> None:
    # Everybody scored 1 elsewhere: nothing to correlate with.
    assert discrimination(Moments.of([(1, 2), (0, 1), (1, 2), (0, 1)])) is None


def test_weak_means_under_two_tenths() -> None:
    assert is_weak(0.19)
    assert not is_weak(0.2)
    assert not is_weak(0.8)


def test_sums_from_two_sources_add_up_to_the_analysis_of_both() -> None:
    first = Moments.of(zip(Q1[:3], TOTALS[:3], strict=True))
    second = Moments.of(zip(Q1[3:], TOTALS[3:], strict=True))
    combined = Moments.of(zip(Q1, TOTALS, strict=True))
    assert first + second == combined
    assert discrimination(first + second) == pytest.approx(3 / math.sqrt(84))


def test_hints_are_counted_over_the_responses_that_record_them() -> None:
    live = Moments(responses=2)  # the live classroom has no hints
    self_paced = Moments(responses=3, hints=1, hint_responses=3)
    combined = live + self_paced
    assert (combined.responses, combined.hints, combined.hint_responses) == (5, 1, 3)
    assert share(combined.hints, combined.hint_responses) == pytest.approx(1 / 3)
    assert share((live + live).hints, (live + live).hint_responses) is None


def test_average_time_and_share() -> None:
    assert average_ms(Moments(responses=4, time_ms=10_000)) == 2500
    assert share(1, 4) == 0.25
    assert share(0, 0) is None

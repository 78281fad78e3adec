"""The mastery model and the review rating, checked against numbers worked by hand
(docs/learning.md has the formulas)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, State

from learning.mastery import Answer, Level, chance_right, estimate
from learning.scheduling import FAST_ANSWER_MS, rating_for, reviewed

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def right(difficulty: str, *, hint: bool = False) -> Answer:
    return Answer(difficulty=difficulty, is_correct=True, hint_used=hint)


def wrong(difficulty: str) -> Answer:
    return Answer(difficulty=difficulty, is_correct=False, hint_used=False)


def test_a_new_student_has_an_even_chance_at_a_medium_question() -> None:
    assert chance_right(0.0, "medium") == 0.5
    # e^-1 = 0.3679: 1 / 1.3679 = 0.7311 for an easy one, 0.2689 for a hard one.
    assert chance_right(0.0, "easy") == pytest.approx(0.7311, abs=1e-4)
    assert chance_right(0.0, "hard") == pytest.approx(0.2689, abs=1e-4)


def test_one_right_easy_answer_moves_ability_by_k_times_the_surprise() -> None:
    # θ = 0 + 0.4 * (1 - 0.7311) = 0.1076
    assert estimate([right("easy")]).ability == pytest.approx(0.1076, abs=1e-4)


def test_a_right_hard_answer_moves_it_more_than_a_right_easy_one() -> None:
    # θ = 0.4 * (1 - 0.2689) = 0.2924
    assert estimate([right("hard")]).ability == pytest.approx(0.2924, abs=1e-4)


def test_a_wrong_easy_answer_costs_more_than_a_wrong_hard_one() -> None:
    # -0.4 * 0.7311 = -0.2924 against -0.4 * 0.2689 = -0.1076
    assert estimate([wrong("easy")]).ability == pytest.approx(-0.2924, abs=1e-4)
    assert estimate([wrong("hard")]).ability == pytest.approx(-0.1076, abs=1e-4)


def test_a_hinted_right_answer_counts_half() -> None:
    # 0.4 * (0.5 - 0.5) = 0: at a medium question, half credit is what was expected.
    assert estimate([right("medium", hint=True)]).ability == 0.0


def test_answers_are_taken_oldest_first() -> None:
    # medium right: 0.4 * 0.5 = 0.2; then easy wrong: P = 1 / (1 + e^-(0.2 + 1)) = 0.7685,
    # θ = 0.2 - 0.4 * 0.7685 = -0.1074
    expected = 0.2 - 0.4 / (1 + math.exp(-1.2))
    assert estimate([right("medium"), wrong("easy")]).ability == pytest.approx(expected)
    assert expected == pytest.approx(-0.1074, abs=1e-4)


def test_fewer_than_five_answers_are_not_enough_evidence() -> None:
    assert estimate([right("hard")] * 4).level == Level.NOT_ENOUGH
    assert estimate([]).level == Level.NOT_ENOUGH


def test_every_question_of_the_seed_lesson_right_is_strong() -> None:
    # 2 easy, 3 medium, 3 hard, easiest first, ends at θ = 1.32 (above 1.0).
    answers = [right("easy")] * 2 + [right("medium")] * 3 + [right("hard")] * 3
    mastery = estimate(answers)
    assert mastery.ability == pytest.approx(1.3192, abs=1e-4)
    assert mastery.level == Level.STRONG
    assert mastery.is_strong


def test_two_misses_in_eight_is_getting_there() -> None:
    answers = [right("easy")] * 3 + [right("medium")] * 2 + [wrong("medium")]
    answers += [right("hard"), wrong("hard")]
    mastery = estimate(answers)
    assert mastery.ability == pytest.approx(0.4616, abs=1e-4)
    assert mastery.level == Level.GETTING_THERE


def test_mostly_wrong_needs_work() -> None:
    assert estimate([wrong("easy")] * 3 + [wrong("medium")] * 2).level == Level.NEEDS_WORK


def test_the_evidence_counts_right_hinted_and_wrong_per_difficulty() -> None:
    mastery = estimate([right("easy"), right("easy", hint=True), wrong("hard"), wrong("easy")])
    assert [(t.difficulty, t.right, t.hinted, t.wrong) for t in mastery.tallies] == [
        ("easy", 1, 1, 1),
        ("hard", 0, 0, 1),
    ]


@pytest.mark.parametrize(
    ("is_correct", "hint_used", "time_taken_ms", "rating"),
    [
        (False, False, 1_000, Rating.Again),
        (False, True, 1_000, Rating.Again),
        (True, True, 1_000, Rating.Hard),
        (True, False, FAST_ANSWER_MS, Rating.Good),
        (True, False, 60_000, Rating.Good),
        (True, False, FAST_ANSWER_MS - 1, Rating.Easy),
    ],
)
def test_an_answer_becomes_a_review_rating(
    is_correct: bool, hint_used: bool, time_taken_ms: int, rating: Rating
) -> None:
    assert (
        rating_for(is_correct=is_correct, hint_used=hint_used, time_taken_ms=time_taken_ms)
        == rating
    )


@pytest.mark.parametrize(
    ("rating", "comes_back_in"),
    [
        (Rating.Again, timedelta(minutes=1)),
        (Rating.Hard, timedelta(minutes=5, seconds=30)),
        (Rating.Good, timedelta(minutes=10)),
        (Rating.Easy, timedelta(days=8)),
    ],
)
def test_a_first_answer_schedules_a_wrong_one_soonest_and_an_easy_one_latest(
    rating: Rating, comes_back_in: timedelta
) -> None:
    # FSRS 6's default learning steps (1 and 10 minutes) and initial stabilities.
    card = reviewed(None, question_id=7, rating=rating, now=NOW)
    assert card.due - NOW == comes_back_in
    assert card.card_id == 7


def test_a_card_answered_right_again_when_due_graduates_to_days() -> None:
    first = reviewed(None, question_id=7, rating=Rating.Good, now=NOW)
    second = reviewed(first.to_dict(), question_id=7, rating=Rating.Good, now=first.due)
    assert second.state == State.Review
    assert second.due - first.due == timedelta(days=2)

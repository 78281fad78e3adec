"""Live scoring, as pure functions: speed points, the streak bonus and their switches.

A correct answer earns round(1000 x (1 - (t/T)/2)) with halves rounded up: full points
within the first half second, half points at the buzzer and after it. With the streak
bonus on, the 2nd correct answer in a row earns +100, the 3rd +200, capped at +500.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from live.scoring import (
    MAX_POINTS,
    STREAK_CAP,
    Scored,
    score_answer,
    speed_points,
    streak_bonus,
)

# Timers a session may have (the database allows 5 s to 10 min).
timers = st.integers(min_value=5, max_value=600)
# The server measures answers to the millisecond; elapsed times as the clock reads them.
milliseconds = st.integers(min_value=0, max_value=700_000)
streaks = st.integers(min_value=0, max_value=1_000)


def half_up(value: Fraction) -> int:
    """Round a rational number to the nearest integer, halves up (never banker's)."""
    whole, rest = divmod(value, 1)
    return int(whole) + (1 if rest >= Fraction(1, 2) else 0)


def kahoot_points(elapsed: Fraction, timer: int) -> int:
    """The reference formula in exact arithmetic: no float can shift a half."""
    if elapsed < Fraction(1, 2):
        return MAX_POINTS
    fraction = min(max(elapsed / timer, Fraction(0)), Fraction(1))
    return half_up(MAX_POINTS * (1 - fraction / 2))


def correct(elapsed: float = 1.0, timer: int = 20, previous_streak: int = 0, **switches: bool):
    return score_answer(
        correct=True, elapsed=elapsed, timer=timer, previous_streak=previous_streak, **switches
    )


def wrong(elapsed: float = 1.0, timer: int = 20, previous_streak: int = 0, **switches: bool):
    return score_answer(
        correct=False, elapsed=elapsed, timer=timer, previous_streak=previous_streak, **switches
    )


# Speed points: examples


@pytest.mark.parametrize(
    ("elapsed", "timer", "points"),
    [
        (10, 20, 750),
        (20, 20, 500),
        (25, 20, 500),
        (5, 20, 875),
        (1, 20, 975),
        (15, 30, 750),
        (2.5, 5, 750),
        (5, 5, 500),
        (300, 600, 750),
    ],
)
def test_speed_points_follow_the_formula_on_round_numbers(
    elapsed: float, timer: int, points: int
) -> None:
    assert speed_points(elapsed=elapsed, timer=timer) == points


def test_half_way_through_a_20_second_timer_earns_750() -> None:
    assert speed_points(elapsed=10, timer=20) == 750


def test_answering_at_the_buzzer_earns_half_points() -> None:
    assert speed_points(elapsed=20, timer=20) == 500


def test_answering_after_the_buzzer_is_clamped_to_half_points() -> None:
    assert speed_points(elapsed=25, timer=20) == 500


@pytest.mark.parametrize("elapsed", [0, 0.1, 0.25, 0.499, 0.4999999])
def test_answering_within_half_a_second_earns_full_points(elapsed: float) -> None:
    assert speed_points(elapsed=elapsed, timer=20) == 1000


def test_a_negative_elapsed_time_from_clock_skew_earns_full_points() -> None:
    assert speed_points(elapsed=-3, timer=20) == 1000


def test_exact_halves_round_up_not_to_even() -> None:
    # 1000 x (1 - (1/20)/2) = 975 exactly; 1000 x (1 - (0.62/20)/2) = 984.5 -> 985
    # (banker's rounding would give 984).
    assert speed_points(elapsed=1, timer=20) == 975
    assert speed_points(elapsed=0.62, timer=20) == 985


def test_exact_halves_round_up_on_a_five_second_timer() -> None:
    # 1000 x (1 - (0.505/5)/2) = 949.5 -> 950.
    assert speed_points(elapsed=0.505, timer=5) == 950


# Speed points: properties


@given(milliseconds=st.integers(min_value=0, max_value=700_000), timer=timers)
def test_speed_points_are_between_500_and_1000(milliseconds: int, timer: int) -> None:
    assert 500 <= speed_points(elapsed=milliseconds / 1000, timer=timer) <= 1000


@given(milliseconds=st.integers(min_value=0, max_value=499), timer=timers)
def test_speed_points_are_full_under_half_a_second(milliseconds: int, timer: int) -> None:
    assert speed_points(elapsed=milliseconds / 1000, timer=timer) == 1000


@given(milliseconds=milliseconds, timer=timers)
@example(milliseconds=10_000, timer=20)
@example(milliseconds=20_000, timer=20)
@example(milliseconds=25_000, timer=20)
@example(milliseconds=505, timer=5)
@example(milliseconds=620, timer=20)
def test_speed_points_are_exactly_the_formula_rounded_half_up(
    milliseconds: int, timer: int
) -> None:
    expected = kahoot_points(Fraction(milliseconds, 1000), timer)
    assert speed_points(elapsed=milliseconds / 1000, timer=timer) == expected


@given(
    earlier=st.floats(min_value=-10, max_value=1_000, allow_nan=False),
    later=st.floats(min_value=-10, max_value=1_000, allow_nan=False),
    timer=timers,
)
def test_speed_points_never_increase_with_time(earlier: float, later: float, timer: int) -> None:
    earlier, later = sorted((earlier, later))
    assert speed_points(elapsed=earlier, timer=timer) >= speed_points(elapsed=later, timer=timer)


@given(
    elapsed=st.floats(min_value=-10, max_value=10_000, allow_nan=False),
    timer=timers,
)
def test_speed_points_are_whole_numbers(elapsed: float, timer: int) -> None:
    assert type(speed_points(elapsed=elapsed, timer=timer)) is int


@given(seconds_over=st.floats(min_value=0, max_value=10_000, allow_nan=False), timer=timers)
def test_any_answer_at_or_after_the_buzzer_earns_500(seconds_over: float, timer: int) -> None:
    assert speed_points(elapsed=timer + seconds_over, timer=timer) == 500


# Streak bonus


@pytest.mark.parametrize(
    ("streak", "bonus"),
    [(0, 0), (1, 0), (2, 100), (3, 200), (4, 300), (5, 400), (6, 500), (7, 500), (50, 500)],
)
def test_the_streak_bonus_grows_by_100_from_the_second_in_a_row_up_to_500(
    streak: int, bonus: int
) -> None:
    assert streak_bonus(streak) == bonus


@given(streak=streaks)
def test_the_streak_bonus_is_a_multiple_of_100_between_0_and_500(streak: int) -> None:
    bonus = streak_bonus(streak)
    assert 0 <= bonus <= STREAK_CAP
    assert bonus % 100 == 0


@given(streak=streaks)
def test_the_streak_bonus_never_shrinks_as_the_streak_grows(streak: int) -> None:
    assert streak_bonus(streak + 1) >= streak_bonus(streak)


# Scoring one answer


def test_a_first_correct_answer_starts_a_streak_without_a_bonus() -> None:
    assert correct(elapsed=10, timer=20, previous_streak=0) == Scored(points=750, streak=1, bonus=0)


def test_a_second_correct_answer_in_a_row_earns_a_100_bonus() -> None:
    scored = correct(elapsed=10, timer=20, previous_streak=1)
    assert scored == Scored(points=750, streak=2, bonus=100)
    assert scored.total == 850


def test_the_sixth_correct_answer_in_a_row_earns_the_capped_500_bonus() -> None:
    assert correct(previous_streak=5).bonus == 500


def test_the_bonus_stays_at_500_after_the_sixth() -> None:
    assert correct(previous_streak=6).bonus == 500
    assert correct(previous_streak=99).bonus == 500


def test_a_run_of_correct_answers_earns_0_100_200_300_400_500_500() -> None:
    streak = 0
    bonuses = []
    for _ in range(7):
        scored = correct(previous_streak=streak)
        bonuses.append(scored.bonus)
        streak = scored.streak
    assert bonuses == [0, 100, 200, 300, 400, 500, 500]
    assert streak == 7


def test_a_wrong_answer_earns_nothing_and_resets_the_streak() -> None:
    scored = wrong(elapsed=0.1, previous_streak=4)
    assert scored == Scored(points=0, streak=0, bonus=0)
    assert scored.total == 0


@given(
    elapsed=st.floats(min_value=-10, max_value=10_000, allow_nan=False),
    timer=timers,
    previous_streak=streaks,
    speed_scoring=st.booleans(),
    streak_scoring=st.booleans(),
)
def test_a_wrong_answer_always_earns_0_and_resets_the_streak(
    elapsed: float, timer: int, previous_streak: int, speed_scoring: bool, streak_scoring: bool
) -> None:
    scored = wrong(
        elapsed=elapsed,
        timer=timer,
        previous_streak=previous_streak,
        speed_scoring=speed_scoring,
        streak_scoring=streak_scoring,
    )
    assert scored == Scored(points=0, streak=0, bonus=0)


@given(
    milliseconds=st.integers(min_value=0, max_value=600_000),
    timer=timers,
    previous_streak=streaks,
)
def test_a_correct_answer_in_time_earns_500_to_1000_plus_its_streak_bonus(
    milliseconds: int, timer: int, previous_streak: int
) -> None:
    elapsed = min(milliseconds / 1000, timer)
    scored = correct(elapsed=elapsed, timer=timer, previous_streak=previous_streak)
    assert 500 <= scored.points <= 1000
    assert scored.streak == previous_streak + 1
    assert scored.bonus == streak_bonus(previous_streak + 1)
    assert scored.total == scored.points + scored.bonus


def test_after_a_wrong_answer_the_next_correct_one_has_no_bonus() -> None:
    broken = wrong(previous_streak=5)
    assert correct(previous_streak=broken.streak).bonus == 0


# The switches


@given(
    elapsed=st.floats(min_value=-10, max_value=10_000, allow_nan=False),
    timer=timers,
)
def test_with_speed_scoring_off_a_correct_answer_earns_1000_however_slow(
    elapsed: float, timer: int
) -> None:
    assert correct(elapsed=elapsed, timer=timer, speed_scoring=False).points == 1000


def test_with_speed_scoring_off_the_streak_bonus_still_counts() -> None:
    scored = correct(elapsed=19, timer=20, previous_streak=2, speed_scoring=False)
    assert scored == Scored(points=1000, streak=3, bonus=200)


@given(previous_streak=streaks)
def test_with_the_streak_bonus_off_there_is_never_a_bonus(previous_streak: int) -> None:
    scored = correct(previous_streak=previous_streak, streak_scoring=False)
    assert scored.bonus == 0
    assert scored.total == scored.points


def test_with_the_streak_bonus_off_the_streak_is_still_counted() -> None:
    assert correct(previous_streak=3, streak_scoring=False).streak == 4


def test_with_both_switches_off_every_correct_answer_earns_exactly_1000() -> None:
    scored = correct(
        elapsed=19.9, timer=20, previous_streak=8, speed_scoring=False, streak_scoring=False
    )
    assert scored.total == 1000

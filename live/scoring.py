"""Live scoring: pure functions, no Django.

A correct answer earns round(1000 x (1 - (t/T)/2)): full points within the first half
second, half points at the buzzer. Wrong or missing answers earn 0. With the streak
bonus on, the 2nd correct answer in a row earns +100, the 3rd +200, and so on up to
+500; a wrong answer resets the streak. With speed scoring off, correct earns 1000.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MAX_POINTS = 1000
FULL_POINTS_WITHIN_SECONDS = 0.5
STREAK_STEP = 100
STREAK_CAP = 500


@dataclass(frozen=True)
class Scored:
    points: int
    streak: int
    bonus: int

    @property
    def total(self) -> int:
        return self.points + self.bonus


def speed_points(*, elapsed: float, timer: float) -> int:
    if elapsed < FULL_POINTS_WITHIN_SECONDS:
        return MAX_POINTS
    # Exact decimal arithmetic from the shortest repr of the time, so that halves
    # (0.505 s of 5 s) round up as the formula says instead of by float accident.
    fraction = min(max(Decimal(repr(float(elapsed))) / Decimal(timer), Decimal(0)), Decimal(1))
    raw = Decimal(MAX_POINTS) * (1 - fraction / 2)
    return int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def streak_bonus(streak: int) -> int:
    """Bonus for the `streak`-th correct answer in a row (the first earns none)."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_CAP)


def score_answer(
    *,
    correct: bool,
    elapsed: float,
    timer: float,
    previous_streak: int,
    speed_scoring: bool = True,
    streak_scoring: bool = True,
) -> Scored:
    if not correct:
        return Scored(points=0, streak=0, bonus=0)
    streak = previous_streak + 1
    points = speed_points(elapsed=elapsed, timer=timer) if speed_scoring else MAX_POINTS
    bonus = streak_bonus(streak) if streak_scoring else 0
    return Scored(points=points, streak=streak, bonus=bonus)

"""Item analysis in pure functions: what one question's answers say about it.

Every number here is computed from a handful of sums over a question's responses
(`Moments`), which the database adds up (reports/selectors.py) and which add up again
across sources: the self-paced and the live classroom's sums, added, are the
combined analysis. Definitions and a worked example: docs/reports.md.

Each response scores 0 or 1 (wrong or right): the site's questions have one correct
option. An "attempt" is a self-paced attempt or a live player in one session; its
total is its number of correct answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# Below this, Moodle's statistics report calls a question's discrimination weak
# ("very weak" below 0.2 on its 0-1 scale, "probably invalid" when negative).
WEAK_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class Moments:
    """Sums over one question's responses, each with its attempt's total score.

    x is the response's score (1 right, 0 wrong), T the total of the attempt it belongs
    to (this response included). Sums of x·x are not kept: for a 0/1 score they equal
    the sum of x.
    """

    responses: int = 0
    correct: int = 0  # Σx
    total: int = 0  # ΣT
    total_squared: int = 0  # ΣT²
    correct_total: int = 0  # Σx·T
    time_ms: int = 0
    hints: int = 0  # responses given after showing the hint
    # Responses that record whether a hint was shown: self-paced ones (the live
    # classroom has no hints), the denominator of the hint share.
    hint_responses: int = 0

    def __add__(self, other: Moments) -> Moments:
        return Moments(
            responses=self.responses + other.responses,
            correct=self.correct + other.correct,
            total=self.total + other.total,
            total_squared=self.total_squared + other.total_squared,
            correct_total=self.correct_total + other.correct_total,
            time_ms=self.time_ms + other.time_ms,
            hints=self.hints + other.hints,
            hint_responses=self.hint_responses + other.hint_responses,
        )

    @classmethod
    def of(cls, scores: Iterable[tuple[int, int]]) -> Moments:
        """The sums of (item score, attempt total) pairs, as the database adds them:
        for tests and for a worked example."""
        moments = cls()
        for item, attempt_total in scores:
            moments += cls(
                responses=1,
                correct=item,
                total=attempt_total,
                total_squared=attempt_total * attempt_total,
                correct_total=item * attempt_total,
            )
        return moments


def facility(moments: Moments) -> float | None:
    """Moodle's facility index for a 0/1 item: the share of responses that were
    right, 0 to 1 (Moodle prints it as a percentage). None without a response."""
    if moments.responses == 0:
        return None
    return moments.correct / moments.responses


def discrimination(moments: Moments) -> float | None:
    """Moodle's discrimination index: Pearson's correlation between the score on this
    question (x) and the score on the rest of the attempt (y = T - x), -1 to 1
    (Moodle prints 100 times it).

        r = (nΣxy - ΣxΣy) / sqrt((nΣx² - (Σx)²) (nΣy² - (Σy)²))

    where, since x is 0 or 1, Σx² = Σx, Σy = ΣT - Σx, Σxy = ΣxT - Σx and
    Σy² = ΣT² - 2ΣxT + Σx. None when either score does not vary (nobody or everybody
    right, a single attempt, everybody with the same rest score): a correlation is
    then undefined, and Moodle leaves the cell empty too.
    """
    n = moments.responses
    sum_x = moments.correct
    sum_y = moments.total - sum_x
    sum_xy = moments.correct_total - sum_x
    sum_yy = moments.total_squared - 2 * moments.correct_total + sum_x
    spread_x = n * sum_x - sum_x * sum_x
    spread_y = n * sum_yy - sum_y * sum_y
    if n < 2 or spread_x <= 0 or spread_y <= 0:
        return None
    return (n * sum_xy - sum_x * sum_y) / math.sqrt(spread_x * spread_y)


def is_weak(index: float | None) -> bool:
    """A discrimination index to look at: under 0.2, or negative (the stronger
    students got it wrong more often: a misleading question or a wrong key)."""
    return index is not None and index < WEAK_DISCRIMINATION


def average_ms(moments: Moments) -> float | None:
    if moments.responses == 0:
        return None
    return moments.time_ms / moments.responses


def share(count: int, of: int) -> float | None:
    """count / of, None when there is nothing to divide."""
    return count / of if of else None

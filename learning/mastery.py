"""How strong a student is in a lesson: an Elo-style estimate from their answers.

The model (docs/learning.md): a student's ability θ and a question's difficulty b sit
on one logit scale; easy questions are b = -1, medium 0, hard +1. The chance of a right
answer is P = 1 / (1 + e^-(θ - b)). θ starts at 0 and each answer, oldest first, moves
it by K (s - P): s is 1 for a right answer, HINTED_CREDIT for a right one after a hint,
0 for a wrong one. A surprise (a hard question right, an easy one wrong) moves θ most.
Pure functions: the selectors read the answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext

from quiz.models import Difficulty

ITEM_DIFFICULTY = {Difficulty.EASY: -1.0, Difficulty.MEDIUM: 0.0, Difficulty.HARD: 1.0}
K = 0.4
HINTED_CREDIT = 0.5
# Below this many answers the estimate says nothing yet.
MIN_EVIDENCE = 5
# θ at which a hard question is a coin toss (a medium one right 73% of the time).
STRONG_FROM = 1.0
# θ at which a medium question is a coin toss.
GETTING_THERE_FROM = 0.0


class Level(StrEnum):
    NOT_ENOUGH = "Not enough evidence yet"
    NEEDS_WORK = "Needs work"
    GETTING_THERE = "Getting there"
    STRONG = "Strong"

    @property
    def label(self) -> str:
        """The level in the reader's language (its value, in English, is what code compares)."""
        return {
            Level.NOT_ENOUGH: gettext("Not enough evidence yet"),
            Level.NEEDS_WORK: gettext("Needs work"),
            Level.GETTING_THERE: gettext("Getting there"),
            Level.STRONG: gettext("Strong"),
        }[self]

    @property
    def css(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class Answer:
    difficulty: str
    is_correct: bool
    hint_used: bool


@dataclass(frozen=True)
class Tally:
    """The evidence at one difficulty."""

    difficulty: str
    right: int = 0
    hinted: int = 0
    wrong: int = 0

    @property
    def label(self) -> str:
        return str(Difficulty(self.difficulty).label)

    @property
    def total(self) -> int:
        return self.right + self.hinted + self.wrong


@dataclass(frozen=True)
class Mastery:
    ability: float
    answers: int
    tallies: list[Tally] = field(default_factory=list)

    @property
    def level(self) -> Level:
        if self.answers < MIN_EVIDENCE:
            return Level.NOT_ENOUGH
        if self.ability >= STRONG_FROM:
            return Level.STRONG
        if self.ability >= GETTING_THERE_FROM:
            return Level.GETTING_THERE
        return Level.NEEDS_WORK

    @property
    def is_strong(self) -> bool:
        return self.level == Level.STRONG


def chance_right(ability: float, difficulty: str) -> float:
    return 1 / (1 + math.exp(-(ability - ITEM_DIFFICULTY[Difficulty(difficulty)])))


def credit(answer: Answer) -> float:
    if not answer.is_correct:
        return 0.0
    return HINTED_CREDIT if answer.hint_used else 1.0


def estimate(answers: Iterable[Answer]) -> Mastery:
    """θ after these answers, oldest first, and the evidence by difficulty."""
    ability, count = 0.0, 0
    right: dict[str, int] = dict.fromkeys(Difficulty.values, 0)
    hinted, wrong = dict(right), dict(right)
    for answer in answers:
        ability += K * (credit(answer) - chance_right(ability, answer.difficulty))
        count += 1
        if not answer.is_correct:
            wrong[answer.difficulty] += 1
        elif answer.hint_used:
            hinted[answer.difficulty] += 1
        else:
            right[answer.difficulty] += 1
    tallies = [
        Tally(level, right[level], hinted[level], wrong[level])
        for level in Difficulty.values
        if right[level] + hinted[level] + wrong[level]
    ]
    return Mastery(ability=ability, answers=count, tallies=tallies)

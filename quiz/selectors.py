"""Queries for the catalogue: the published quizzes and their questions' counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from lessons.models import Lesson
from quiz.models import Difficulty, Question, Quiz

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


@dataclass(frozen=True)
class DifficultyCount:
    key: str
    label: StrOrPromise  # lazy: the stats are kept per process, read in any language
    count: int


@dataclass(frozen=True)
class QuestionStats:
    count: int = 0
    mix: list[DifficultyCount] = field(default_factory=list)

    @classmethod
    def of(cls, by_difficulty: Counter[str]) -> QuestionStats:
        mix = [
            DifficultyCount(level.value, level.label, by_difficulty[level.value])
            for level in Difficulty
            if by_difficulty[level.value]
        ]
        return cls(count=sum(by_difficulty.values()), mix=mix)


@dataclass(frozen=True)
class QuizCard:
    quiz: Quiz
    stats: QuestionStats


@dataclass(frozen=True)
class LessonCard:
    lesson: Lesson
    stats: QuestionStats


def _stats_by(questions: QuerySet[Question], owner: str) -> dict[int, QuestionStats]:
    """Question counts per difficulty, grouped by `owner` (a lookup to an id), in one query."""
    counts: defaultdict[int, Counter[str]] = defaultdict(Counter)
    rows = questions.values_list(owner, "difficulty").annotate(n=Count("pk")).order_by()
    for owner_id, difficulty, n in rows:
        counts[owner_id][difficulty] = n
    return {owner_id: QuestionStats.of(by_difficulty) for owner_id, by_difficulty in counts.items()}


def quiz_cards(quizzes: QuerySet[Quiz]) -> list[QuizCard]:
    quizzes = quizzes.select_related("lesson")
    stats = _stats_by(Question.objects.filter(quiz__in=quizzes), "quiz_id")
    return [QuizCard(quiz, stats.get(quiz.pk, QuestionStats())) for quiz in quizzes]


def quiz_cards_of(lesson: Lesson) -> list[QuizCard]:
    return quiz_cards(lesson.quizzes.published().order_by("order", "title"))


def lesson_cards(lessons: Iterable[Lesson]) -> list[LessonCard]:
    lessons = list(lessons)
    stats = _stats_by(
        Question.objects.filter(quiz__lesson__in=lessons, quiz__published=True), "quiz__lesson_id"
    )
    return [LessonCard(lesson, stats.get(lesson.pk, QuestionStats())) for lesson in lessons]

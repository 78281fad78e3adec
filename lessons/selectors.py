"""Queries for lesson pages, with question counts and difficulty mixes annotated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Q, QuerySet

from lessons.models import Lesson
from quiz.models import Difficulty, Quiz

Annotated = TypeVar("Annotated", Lesson, Quiz)


@dataclass(frozen=True)
class DifficultyCount:
    key: str
    label: str
    count: int


def _difficulty_counts(prefix: str) -> dict[str, Count]:
    return {
        f"{level.value}_count": Count(
            f"{prefix}questions", filter=Q(**{f"{prefix}questions__difficulty": level.value})
        )
        for level in Difficulty
    }


def difficulty_mix(annotated: Lesson | Quiz) -> list[DifficultyCount]:
    counts = (
        DifficultyCount(level.value, level.label, getattr(annotated, f"{level.value}_count"))
        for level in Difficulty
    )
    return [count for count in counts if count.count]


def published_lessons() -> QuerySet[Lesson]:
    return (
        Lesson.objects.filter(published=True)
        .annotate(
            question_count=Count("quizzes__questions", filter=Q(quizzes__published=True)),
            **_difficulty_counts("quizzes__"),
        )
        .order_by("category", "title")
    )


def published_quizzes(lesson: Lesson) -> QuerySet[Quiz]:
    return (
        lesson.quizzes.filter(published=True)
        .annotate(question_count=Count("questions"), **_difficulty_counts(""))
        .order_by("order", "title")
    )


def with_difficulty_mix(items: QuerySet[Annotated]) -> list[Annotated]:
    annotated = list(items)
    for item in annotated:
        item.difficulty_mix = difficulty_mix(item)
    return annotated

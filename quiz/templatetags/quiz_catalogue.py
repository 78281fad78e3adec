"""The quizzes on the lesson pages: lessons/ knows nothing of quizzes, its templates ask here."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from lessons.models import Lesson
from quiz import selectors

register = template.Library()


@register.simple_tag
def lesson_cards(lessons: Iterable[Lesson]) -> list[selectors.LessonCard]:
    return selectors.lesson_cards(lessons)


@register.simple_tag
def quiz_cards_of(lesson: Lesson) -> list[selectors.QuizCard]:
    return selectors.quiz_cards_of(lesson)

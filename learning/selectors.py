"""What a learner's pages read: mastery, due reviews, mistakes, progress per lesson."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from learning.mastery import Answer, Mastery, estimate
from learning.models import ReviewCard
from learning.owners import Learner
from lessons.models import Lesson
from quiz.models import Attempt, Question, Quiz


def due_cards(learner: Learner) -> QuerySet[ReviewCard]:
    """The learner's cards due now, of questions students still see."""
    if not learner.known:
        return ReviewCard.objects.none()
    return ReviewCard.objects.filter(
        owner=learner.key,
        due__lte=timezone.now(),
        question__quiz__published=True,
        question__quiz__lesson__published=True,
    )


def due_by_lesson(learner: Learner) -> dict[int, int]:
    """Lesson id -> how many of its questions are due, in one query."""
    rows = (
        due_cards(learner)
        .values_list("question__quiz__lesson_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


@dataclass(frozen=True)
class LessonRecord:
    """A learner's answers in one lesson, read once: mastery and mistakes come from it."""

    mastery: Mastery
    # Questions whose latest answer was wrong, oldest mistake first.
    mistakes: list[int]


def _record(rows: list[tuple[int, str, bool, bool]]) -> LessonRecord:
    latest: dict[int, bool] = {}
    for question_id, _difficulty, is_correct, _hint in rows:
        latest.pop(question_id, None)  # keeps the dict in order of each latest answer
        latest[question_id] = is_correct
    return LessonRecord(
        mastery=estimate(Answer(d, right, hint) for _q, d, right, hint in rows),
        mistakes=[question_id for question_id, right in latest.items() if not right],
    )


def lesson_record(lesson: Lesson, learner: Learner) -> LessonRecord:
    rows = list(
        learner.responses()
        .filter(question__quiz__lesson=lesson, question__quiz__published=True)
        .order_by("answered_at", "pk")
        .values_list("question_id", "question__difficulty", "is_correct", "hint_used")
    )
    return _record(rows)


def attempt_mastery(attempt: Attempt) -> Mastery:
    """The estimate from this attempt's answers alone (a "Test this pattern" verdict)."""
    rows = attempt.responses.order_by("answered_at", "pk").values_list(
        "question__difficulty", "is_correct", "hint_used"
    )
    return estimate(Answer(d, right, hint) for d, right, hint in rows)


@dataclass(frozen=True)
class LessonProgress:
    lesson: Lesson
    record: LessonRecord
    attempts: int
    due: int


def progress(learner: Learner) -> list[LessonProgress]:
    """Every published lesson with the learner's mastery, attempts and due reviews: four
    queries whatever the number of answers."""
    lessons = list(Lesson.objects.published().order_by("category", "title"))
    rows: defaultdict[int, list[tuple[int, str, bool, bool]]] = defaultdict(list)
    answers = (
        learner.responses()
        .filter(question__quiz__published=True)
        .order_by("answered_at", "pk")
        .values_list(
            "question__quiz__lesson_id",
            "question_id",
            "question__difficulty",
            "is_correct",
            "hint_used",
        )
    )
    for lesson_id, *row in answers:
        rows[lesson_id].append(tuple(row))  # type: ignore[arg-type]
    attempts = dict(
        learner.attempts().values_list("quiz__lesson_id").annotate(n=Count("pk")).order_by()
    )
    due = due_by_lesson(learner)
    return [
        LessonProgress(
            lesson=lesson,
            record=_record(rows[lesson.pk]),
            attempts=attempts.get(lesson.pk, 0),
            due=due.get(lesson.pk, 0),
        )
        for lesson in lessons
    ]


def lesson_questions(lesson: Lesson) -> QuerySet[Question]:
    """The questions students see in this lesson (the drawn sets' quizzes have none)."""
    return Question.objects.filter(
        quiz__in=Quiz.objects.published().filter(lesson=lesson)
    ).order_by("quiz__order", "order")

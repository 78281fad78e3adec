"""The instructors' overview: every quiz with its attempts, mean score, live sessions
and hardest question. Five queries, however many quizzes and answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from live.models import LiveAnswer, LiveSession
from quiz.models import Attempt, Question, Quiz, Response
from reports.selectors import correct_score

# The overview names a quiz's hardest question only from this many responses: one
# student's wrong answer does not make a question hard.
MIN_RESPONSES_FOR_HARDEST = 5


@dataclass(frozen=True)
class Hardest:
    question: Question
    facility: float
    responses: int


@dataclass(frozen=True)
class QuizSummary:
    quiz: Quiz
    question_count: int
    attempts: int
    mean_score: float | None  # 0 to 1
    live_sessions: int
    hardest: Hardest | None


def quiz_overview() -> list[QuizSummary]:
    """Every quiz, published or not, with its finished attempts, their mean score, its
    live sessions and its hardest question (combined sources, lowest facility among
    the questions with MIN_RESPONSES_FOR_HARDEST responses or more). Five queries."""

    def count_of(queryset: QuerySet) -> Subquery:
        return Subquery(
            queryset.order_by().values("quiz_id").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        )

    # A learning mode's quiz (draws_questions) holds no questions of its own.
    quizzes = Quiz.objects.filter(draws_questions=False)
    counts = quizzes.annotate(
        question_count=Coalesce(count_of(Question.objects.filter(quiz=OuterRef("pk"))), 0),
        finished=Coalesce(
            count_of(Attempt.objects.filter(quiz=OuterRef("pk"), finished_at__isnull=False)), 0
        ),
        correct=Coalesce(
            Subquery(
                Response.objects.filter(
                    attempt__quiz=OuterRef("pk"),
                    attempt__finished_at__isnull=False,
                    is_correct=True,
                )
                .order_by()
                .values("attempt__quiz_id")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        sessions=Coalesce(count_of(LiveSession.objects.filter(quiz=OuterRef("pk"))), 0),
    ).values("pk", "question_count", "finished", "correct", "sessions")
    by_quiz = {row["pk"]: row for row in counts}
    hardest = _hardest_questions()
    summaries = []
    for quiz in quizzes.select_related("lesson"):
        row = by_quiz[quiz.pk]
        attempts, questions = row["finished"], row["question_count"]
        summaries.append(
            QuizSummary(
                quiz=quiz,
                question_count=questions,
                attempts=attempts,
                mean_score=row["correct"] / (attempts * questions)
                if attempts and questions
                else None,
                live_sessions=row["sessions"],
                hardest=hardest.get(quiz.pk),
            )
        )
    return summaries


def _hardest_questions() -> dict[int, Hardest]:
    """Each quiz's hardest question: two grouped queries for the counts, one for the
    questions."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    live = LiveAnswer.objects.filter(player__kicked=False).filter(
        Q(player__session__state=LiveSession.State.FINISHED)
        | Q(player__session__ended_at__isnull=False)
    )
    finished = Response.objects.filter(
        attempt__finished_at__isnull=False, attempt__quiz_id=F("question__quiz_id")
    )
    for answers in (finished, live):
        rows = (
            answers.order_by()
            .values("question_id")
            .annotate(n=Count("pk"), right=Sum(correct_score()))
        )
        for row in rows:
            counts[row["question_id"]][0] += row["n"]
            counts[row["question_id"]][1] += row["right"] or 0
    eligible = {pk: c for pk, c in counts.items() if c[0] >= MIN_RESPONSES_FOR_HARDEST}
    hardest: dict[int, Hardest] = {}
    for question in Question.objects.filter(pk__in=eligible).order_by("quiz_id", "order"):
        n, right = eligible[question.pk]
        candidate = Hardest(question=question, facility=right / n, responses=n)
        current = hardest.get(question.quiz_id)
        if current is None or candidate.facility < current.facility:
            hardest[question.quiz_id] = candidate
    return hardest

"""What the report pages read: a fixed number of queries, however many answers.

The database adds up each question's sums (analysis.Moments) and counts each option's
picks; Python only divides. Which answers count (docs/reports.md):

- self-paced: the responses of finished attempts (an unfinished attempt's total is
  not its score yet, which would bias the discrimination index), as Moodle's report
  analyses finished attempts only;
- live: the answers of players still in the room (not kicked) of sessions that are
  over (at the podium or ended); a session's own report counts its answers however
  far it got.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from string import ascii_uppercase

from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from live.models import LiveAnswer, LiveSession
from quiz.models import Question, Quiz, Response
from reports import analysis
from reports.analysis import Moments


class Source(models.TextChoices):
    """Whose answers an analysis reads: the GET parameter `source`."""

    ALL = "all", _("Combined")
    SELF_PACED = "self", _("Self-paced attempts")
    LIVE = "live", _("Live sessions")


class Sort(models.TextChoices):
    """How the questions are ordered: the GET parameter `sort`."""

    HARDEST = "hardest", _("Hardest first (lowest facility)")
    DISCRIMINATION = "discrimination", _("Least discriminating first")
    ORDER = "order", _("Quiz order")


@dataclass(frozen=True)
class OptionStat:
    letter: str
    text: str
    is_correct: bool
    feedback: str
    count: int
    share: float | None


@dataclass(frozen=True)
class QuestionStat:
    question: Question
    moments: Moments
    options: list[OptionStat]

    @property
    def number(self) -> int:
        return self.question.order

    @property
    def responses(self) -> int:
        return self.moments.responses

    @property
    def facility(self) -> float | None:
        return analysis.facility(self.moments)

    @property
    def discrimination(self) -> float | None:
        return analysis.discrimination(self.moments)

    @property
    def weak(self) -> bool:
        return analysis.is_weak(self.discrimination)

    @property
    def negative(self) -> bool:
        return self.discrimination is not None and self.discrimination < 0

    @property
    def average_ms(self) -> float | None:
        return analysis.average_ms(self.moments)

    @property
    def hint_share(self) -> float | None:
        """Of the responses that record hints (self-paced), the share given after one."""
        return analysis.share(self.moments.hints, self.moments.hint_responses)

    @property
    def hints_recorded(self) -> bool:
        return self.moments.hint_responses > 0


@dataclass(frozen=True)
class Analysis:
    quiz: Quiz
    source: Source
    sort: Sort
    questions: list[QuestionStat]
    attempts: int  # finished self-paced attempts read
    players: int  # live players read

    @property
    def responses(self) -> int:
        return sum(q.responses for q in self.questions)


def correct_score() -> Case:
    return Case(When(is_correct=True, then=Value(1)), default=Value(0))


def _moments_by_question(
    answers: QuerySet, *, unit: str, time_field: str, with_hints: bool
) -> dict[int, Moments]:
    """One grouped query: each question's sums, each answer with its unit's total (the
    correct answers of its attempt or player, by a correlated subquery)."""
    model = answers.model
    unit_total = (
        model.objects.filter(**{unit: OuterRef(unit)}, is_correct=True)
        .order_by()
        .values(unit)
        .annotate(correct=Count("pk"))
        .values("correct")
    )
    sums = {
        "responses": Count("pk"),
        "correct": Sum(correct_score()),
        "total": Sum("unit_total"),
        "total_squared": Sum(F("unit_total") * F("unit_total")),
        "correct_total": Sum(Case(When(is_correct=True, then=F("unit_total")), default=0)),
        "time_ms": Sum(time_field),
    }
    if with_hints:
        sums["hints"] = Sum(Case(When(hint_used=True, then=Value(1)), default=Value(0)))
    rows = (
        answers.annotate(unit_total=Coalesce(Subquery(unit_total, output_field=IntegerField()), 0))
        .order_by()
        .values("question_id")
        .annotate(**sums)
    )
    return {
        row["question_id"]: Moments(
            responses=row["responses"],
            correct=row["correct"] or 0,
            total=row["total"] or 0,
            total_squared=row["total_squared"] or 0,
            correct_total=row["correct_total"] or 0,
            time_ms=row["time_ms"] or 0,
            hints=(row["hints"] or 0) if with_hints else 0,
            hint_responses=row["responses"] if with_hints else 0,
        )
        for row in rows
    }


def _picks(answers: QuerySet) -> dict[int, int]:
    """How many answers chose each option: one grouped query."""
    rows = answers.order_by().values("choice_id").annotate(picks=Count("pk"))
    return {row["choice_id"]: row["picks"] for row in rows}


def self_paced_responses(quiz: Quiz) -> QuerySet[Response]:
    """The quiz's own finished attempts: a learning mode's drawn run (a review, a
    pattern test) also answers its questions, but its total is over other quizzes'
    questions too, which would skew the discrimination index."""
    return Response.objects.filter(
        question__quiz=quiz, attempt__quiz=quiz, attempt__finished_at__isnull=False
    )


def finished_sessions(quiz: Quiz) -> QuerySet[LiveSession]:
    return LiveSession.objects.filter(quiz=quiz).filter(
        Q(state=LiveSession.State.FINISHED) | Q(ended_at__isnull=False)
    )


def live_answers(*, quiz: Quiz, session: LiveSession | None = None) -> QuerySet[LiveAnswer]:
    answers = LiveAnswer.objects.filter(question__quiz=quiz, player__kicked=False)
    if session is not None:
        return answers.filter(player__session=session)
    return answers.filter(player__session__in=finished_sessions(quiz))


def item_analysis(
    *,
    quiz: Quiz,
    source: Source = Source.ALL,
    sort: Sort = Sort.HARDEST,
    session: LiveSession | None = None,
) -> Analysis:
    """Every question of the quiz with its numbers, sorted. With a session, that
    session's live answers only (its report)."""
    questions = list(quiz.questions.order_by("order").prefetch_related("choices"))
    moments: dict[int, Moments] = defaultdict(Moments)
    picks: dict[int, int] = defaultdict(int)
    attempts = players = 0
    if source in (Source.ALL, Source.SELF_PACED) and session is None:
        responses = self_paced_responses(quiz)
        for pk, sums in _moments_by_question(
            responses, unit="attempt", time_field="time_taken_ms", with_hints=True
        ).items():
            moments[pk] += sums
        for pk, count in _picks(responses).items():
            picks[pk] += count
        attempts = responses.values("attempt_id").distinct().count()
    if source in (Source.ALL, Source.LIVE) or session is not None:
        answers = live_answers(quiz=quiz, session=session)
        for pk, sums in _moments_by_question(
            answers, unit="player", time_field="elapsed_ms", with_hints=False
        ).items():
            moments[pk] += sums
        for pk, count in _picks(answers).items():
            picks[pk] += count
        players = answers.values("player_id").distinct().count()
    stats = [_question_stat(question, moments[question.pk], picks) for question in questions]
    return Analysis(
        quiz=quiz,
        source=source,
        sort=sort,
        questions=sorted_questions(stats, sort),
        attempts=attempts,
        players=players,
    )


def _question_stat(question: Question, moments: Moments, picks: dict[int, int]) -> QuestionStat:
    options = [
        OptionStat(
            letter=ascii_uppercase[position % 26],
            text=choice.text,
            is_correct=choice.is_correct,
            feedback=choice.feedback,
            count=picks.get(choice.pk, 0),
            share=analysis.share(picks.get(choice.pk, 0), moments.responses),
        )
        for position, choice in enumerate(question.choices.all())
    ]
    return QuestionStat(question=question, moments=moments, options=options)


def sorted_questions(stats: Iterable[QuestionStat], sort: Sort) -> list[QuestionStat]:
    """Hardest first: lowest facility, ties broken by the weaker discrimination, then the
    quiz's order. Least discriminating first: the reverse priority. A question nobody
    answered has neither number and goes last."""
    missing = 2.0  # above any facility (at most 1) and any index (at most 1)

    def facility(stat: QuestionStat) -> float:
        return missing if stat.facility is None else stat.facility

    def index(stat: QuestionStat) -> float:
        return missing if stat.discrimination is None else stat.discrimination

    if sort == Sort.HARDEST:
        return sorted(stats, key=lambda s: (facility(s), index(s), s.number))
    if sort == Sort.DISCRIMINATION:
        return sorted(stats, key=lambda s: (index(s), facility(s), s.number))
    return sorted(stats, key=lambda s: s.number)

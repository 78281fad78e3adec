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
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from live.models import LiveAnswer, LiveSession, Player
from quiz.models import Attempt, Question, Quiz, Response
from reports import analysis
from reports.analysis import Moments


class Source(models.TextChoices):
    """Whose answers an analysis reads: the GET parameter `source`."""

    ALL = "all", "Combined"
    SELF_PACED = "self", "Self-paced attempts"
    LIVE = "live", "Live sessions"


class Sort(models.TextChoices):
    """How the questions are ordered: the GET parameter `sort`."""

    HARDEST = "hardest", "Hardest first (lowest facility)"
    DISCRIMINATION = "discrimination", "Least discriminating first"
    ORDER = "order", "Quiz order"


# The overview names a quiz's hardest question only from this many responses: one
# student's wrong answer does not make a question hard.
MIN_RESPONSES_FOR_HARDEST = 5


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


def _score() -> Case:
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
        "correct": Sum(_score()),
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
    return Response.objects.filter(question__quiz=quiz, attempt__finished_at__isnull=False)


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


# The live session report


@dataclass(frozen=True)
class PlayerRow:
    player_id: int
    rank: int
    nickname: str
    score: int
    correct: int
    answered: int
    average_ms: float | None


@dataclass(frozen=True)
class FastAnswer:
    nickname: str
    elapsed_ms: int


@dataclass(frozen=True)
class SessionReport:
    session: LiveSession
    players: list[PlayerRow]
    analysis: Analysis
    fastest: dict[int, list[FastAnswer]]  # by question pk, fastest first
    question_count: int

    def fastest_for(self, question: Question) -> list[FastAnswer]:
        return self.fastest.get(question.pk, [])


FASTEST_SHOWN = 3


def player_rows(session: LiveSession) -> list[PlayerRow]:
    """The players still in the room with their correct and answered counts and mean
    answer time, best score first (the live ranking's order), ranked. One query."""
    players = (
        Player.objects.filter(session=session, kicked=False)
        .annotate(
            correct=Count("answers", filter=Q(answers__is_correct=True)),
            answered=Count("answers"),
            total_ms=Sum("answers__elapsed_ms"),
        )
        .order_by("-score", "joined_at", "pk")
        .values_list("pk", "nickname", "score", "correct", "answered", "total_ms")
    )
    rows = list(players)
    return [
        PlayerRow(
            player_id=pk,
            rank=rank,
            nickname=nickname,
            score=score,
            correct=correct,
            answered=answered,
            average_ms=total_ms / answered if answered else None,
        )
        for rank, (pk, nickname, score, correct, answered, total_ms) in zip(
            competition_ranks(row[2] for row in rows), rows, strict=True
        )
    ]


def competition_ranks(scores: Iterable[int]) -> list[int]:
    """1, 1, 3 for scores 900, 900, 500: tied players share a rank, the next skips
    (as the live board ranks)."""
    ranks: list[int] = []
    previous: int | None = None
    for position, score in enumerate(scores, start=1):
        ranks.append(ranks[-1] if previous == score and ranks else position)
        previous = score
    return ranks


def session_report(*, session: LiveSession) -> SessionReport:
    fastest: dict[int, list[FastAnswer]] = defaultdict(list)
    for question_id, nickname, elapsed in fastest_correct(session):
        fastest[question_id].append(FastAnswer(nickname=nickname, elapsed_ms=elapsed))
    result = item_analysis(quiz=session.quiz, source=Source.LIVE, sort=Sort.ORDER, session=session)
    return SessionReport(
        session=session,
        players=player_rows(session),
        analysis=result,
        fastest=dict(fastest),
        question_count=len(result.questions),
    )


def fastest_correct(session: LiveSession, shown: int = FASTEST_SHOWN) -> QuerySet:
    """(question id, nickname, ms) of each question's fastest correct answers: one query,
    numbered per question by a window function."""
    return (
        LiveAnswer.objects.filter(player__session=session, player__kicked=False, is_correct=True)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("question_id")],
                order_by=[F("elapsed_ms").asc(), F("pk").asc()],
            )
        )
        .filter(place__lte=shown)
        .order_by("question_id", "place")
        .values_list("question_id", "player__nickname", "elapsed_ms")
    )


# The instructor overview


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

    counts = Quiz.objects.annotate(
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
    for quiz in Quiz.objects.select_related("lesson"):
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
    finished = Response.objects.filter(attempt__finished_at__isnull=False)
    for answers in (finished, live):
        rows = answers.order_by().values("question_id").annotate(n=Count("pk"), right=Sum(_score()))
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

"""A live session's report: its players ranked, and its questions with their fastest
correct answers. A fixed number of queries, however big the class."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from live.models import LiveAnswer, LiveSession, Player
from quiz.models import Question
from reports.selectors import Analysis, Sort, Source, item_analysis


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

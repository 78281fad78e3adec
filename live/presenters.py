"""What the host and the players see, rendered once per change where it is shared.

A `Snapshot` is everything about a session at one version: read with a handful of
queries and kept in a small per-process cache keyed by (session, version). Each
player's socket then only renders their own few lines around the shared HTML.
The cache is a memo, not state: any process rebuilds it from the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

from cachetools import LRUCache
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from live import services
from live.models import LiveAnswer, LiveSession, Player
from quiz import caches
from quiz.models import Choice, Question

BOARD_SIZE = 5
HOST_ROSTER = 60
PODIUM_SIZE = 3

State = LiveSession.State


@dataclass(frozen=True)
class Standing:
    player_id: int
    nickname: str
    score: int
    streak: int
    rank: int


@dataclass(frozen=True)
class Answered:
    """A player's answer to the snapshot's question, as every screen shows it."""

    choice_id: int
    is_correct: bool
    points: int
    streak_after: int


@dataclass(frozen=True)
class Snapshot:
    session: LiveSession
    question: Question | None
    number: int
    total: int
    standings: list[Standing]
    answers: dict[int, Answered] = field(default_factory=dict)
    counts: list[services.OptionCount] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.session.version

    @property
    def board(self) -> list[Standing]:
        return self.standings[:BOARD_SIZE]

    @property
    def podium(self) -> list[Standing]:
        return self.standings[:PODIUM_SIZE]

    @property
    def player_count(self) -> int:
        return len(self.standings)

    @property
    def is_last_question(self) -> bool:
        return self.number >= self.total

    @property
    def correct_choice(self) -> Choice | None:
        return self.question.correct_choice if self.question is not None else None

    def standing_of(self, player_id: int) -> Standing | None:
        return self.by_player.get(player_id)

    @cached_property
    def by_player(self) -> dict[int, Standing]:
        # Built once per snapshot: a thousand players look themselves up in it.
        return {s.player_id: s for s in self.standings}


def build_snapshot(session_id: int) -> Snapshot:
    session = LiveSession.objects.select_related("quiz", "current_question").get(pk=session_id)
    question_ids = list(session.quiz.questions.order_by("order").values_list("pk", flat=True))
    question = None
    number = 0
    if session.current_question_id is not None:
        question = Question.objects.prefetch_related("choices").get(pk=session.current_question_id)
        for position, choice in enumerate(question.choices.all()):
            choice.position = position
        number = question_ids.index(question.pk) + 1 if question.pk in question_ids else 0
    standings = _standings(session)
    answers: dict[int, Answered] = {}
    counts: list[services.OptionCount] = []
    if question is not None and session.state in (State.REVEAL, State.FINISHED):
        # Rows, not model instances: a school's answers, read once per version.
        rows = LiveAnswer.objects.filter(player__session=session, question=question).values_list(
            "player_id", "choice_id", "is_correct", "points", "streak_after", "player__kicked"
        )
        chosen = []
        for player_id, choice_id, is_correct, points, streak_after, kicked in rows:
            answers[player_id] = Answered(choice_id, is_correct, points, streak_after)
            if not kicked:
                chosen.append(choice_id)
        counts = services.option_counts(question, chosen)
    return Snapshot(
        session=session,
        question=question,
        number=number,
        total=len(question_ids),
        standings=standings,
        answers=answers,
        counts=counts,
    )


def _standings(session: LiveSession) -> list[Standing]:
    """The ranking, as it stood when the current question opened if one is open.

    While a question is open, answers change scores between versions; subtracting
    them keeps every snapshot of one version alike, whenever it was built, and each
    player's own screen adds their own points back.
    """
    rows = (
        services.ranking(session)
        .annotate(
            open_points=Coalesce(
                Sum(
                    "answers__points",
                    filter=Q(answers__question_id=session.current_question_id),
                ),
                0,
            )
        )
        .values_list("pk", "nickname", "score", "streak", "open_points")
    )
    open_question = session.state == State.QUESTION
    scored = [
        (score - (open_points if open_question else 0), position, pk, nickname, streak)
        for position, (pk, nickname, score, streak, open_points) in enumerate(rows)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    standings: list[Standing] = []
    previous_score, rank = None, 0
    for position, (score, _, pk, nickname, streak) in enumerate(scored, start=1):
        if score != previous_score:
            rank, previous_score = position, score
        standings.append(Standing(pk, nickname, score, streak, rank))
    return standings


Built = tuple[Snapshot, SafeString]

# (session id, version, language) -> the snapshot and its shared HTML: built once per
# process and language (the phones' sockets render in their page's language,
# quiz/sockets.py), and readable from the event loop without touching the database.
_snapshots: LRUCache[tuple[int, int, str], Built] = LRUCache(maxsize=64)
_snapshots_lock = threading.Lock()


def _clear_snapshots() -> None:
    with _snapshots_lock:
        _snapshots.clear()


caches.register("live.snapshots", _clear_snapshots)


def peek_snapshot(session_id: int, version: int) -> Built | None:
    """The snapshot of this version if this process has built it; never a query."""
    with _snapshots_lock:
        return _snapshots.get((session_id, version, translation.get_language()))


def snapshot_at(session_id: int, version: int) -> Built:
    """The snapshot at this version (or newer: it is read now), built once per process."""
    found = peek_snapshot(session_id, version)
    if found is not None:
        return found
    snapshot = build_snapshot(session_id)
    shared = mark_safe(  # noqa: S308 - our own template output, escaped by Django
        render_to_string("live/partials/player_shared.html", {"snap": snapshot})
    )
    with _snapshots_lock:
        _snapshots[session_id, version, translation.get_language()] = (snapshot, shared)
    return snapshot, shared


def current_version(session_id: int) -> int:
    return LiveSession.objects.values_list("version", flat=True).get(pk=session_id)


# Host


def render_host(
    session: LiveSession, *, request: HttpRequest | None = None, oob: bool = True
) -> str:
    # The version's snapshot, shared with the phones (built once per process), and fresh
    # what changes between versions: who joined, how many answered.
    snapshot, _ = snapshot_at(session.pk, session.version)
    active = services.active_players(snapshot.session)
    newest = active.order_by("-joined_at").values_list("pk", "nickname")[:HOST_ROSTER]
    context = {
        "snap": snapshot,
        "session": snapshot.session,
        "player_count": active.count(),
        # The newest arrivals: a projector cannot show a whole school, and the host's
        # every redraw would carry it. Their scores as the snapshot has them, from when
        # the open question opened, so the projector tells nobody who was right; one who
        # joined since had none then.
        "players": [
            snapshot.standing_of(pk) or Standing(pk, nickname, 0, 0, 0) for pk, nickname in newest
        ],
        "answered": services.answer_count(snapshot.session),
        "oob": oob,
    }
    return render_to_string("live/partials/host_fragments.html", context, request=request)


def render_answer_count(session: LiveSession) -> str:
    return render_to_string(
        "live/partials/answer_count.html",
        {
            "answered": services.answer_count(session),
            "player_count": services.active_players(session).count(),
            "oob": True,
        },
    )


# Player


def render_player(
    *,
    session_id: int,
    version: int,
    player: Player,
    outcome: services.AnswerOutcome | None = None,
    request: HttpRequest | None = None,
    oob: bool = True,
    answered_ids: set[int] | None = None,
    built: Built | None = None,
) -> str:
    """One player's screen at a version of the session. `answered_ids`, when the caller
    knows them, spares a query per player; `built` is the snapshot when the caller
    already holds it (then nothing reads the database)."""
    snapshot, shared = built if built is not None else snapshot_at(session_id, version)
    if request is not None:
        # A full page: its forms must also work as plain posts, so they carry this
        # browser's CSRF token, which the shared socket rendering cannot.
        shared = mark_safe(  # noqa: S308 - our own template output, escaped by Django
            render_to_string(
                "live/partials/player_shared.html", {"snap": snapshot}, request=request
            )
        )
    own_answer: LiveAnswer | Answered | None = None
    question_open = snapshot.question is not None and snapshot.session.state == State.QUESTION
    if snapshot.question is not None and question_open:
        if outcome is not None:
            own_answer = outcome.answer
        elif answered_ids is None or snapshot.question.pk in answered_ids:
            own_answer = player.answers.filter(question_id=snapshot.question.pk).first()
    elif snapshot.question is not None:
        own_answer = snapshot.answers.get(player.pk)
    standing = snapshot.standing_of(player.pk)
    # The snapshot's scores, streaks and ranks are from when the question opened: while it
    # is open they show nothing of an answer just given, unless the host chose instant
    # verdicts. Then the player's own answer counts at once.
    score = standing.score if standing else player.score
    streak = standing.streak if standing else player.streak
    rank = standing.rank if standing else None
    instant = snapshot.session.instant_verdicts
    if instant and outcome is not None:
        score, streak, rank = outcome.player.score, outcome.player.streak, outcome.rank
    elif instant and own_answer is not None and question_open:
        score, streak = score + own_answer.points, own_answer.streak_after
    chosen = None
    if own_answer is not None and snapshot.question is not None:
        chosen = next(
            (c for c in snapshot.question.choices.all() if c.pk == own_answer.choice_id), None
        )
    context = {
        "snap": snapshot,
        "session": snapshot.session,
        "player": player,
        "standing": standing,
        "score": score,
        "streak": streak,
        "rank": rank,
        "outcome": outcome,
        "own_answer": own_answer,
        "chosen": chosen,
        "instant": instant,
        "shared": shared,
        "oob": oob,
    }
    return render_to_string("live/partials/player_fragments.html", context, request=request)


# (session id, version, choice id, language) -> the reply to an answer with that option.
_acknowledgements: LRUCache[tuple[int, int, int, str], str] = LRUCache(maxsize=256)
caches.register("live.acknowledgements", _acknowledgements.clear)


def render_acknowledgement(*, session_id: int, version: int, choice_id: int) -> str | None:
    """The reply to an answer while verdicts wait for the reveal, or None when this
    session shows each player's verdict at once (then the reply is their own screen).

    The same for everybody who chose that option, right or wrong: rendered once per
    version and option, in a room where hundreds answer within a second.
    """
    key = (session_id, version, choice_id, translation.get_language())
    with _snapshots_lock:
        found = _acknowledgements.get(key)
    if found is not None:
        return found
    snapshot, _ = snapshot_at(session_id, version)
    if snapshot.session.instant_verdicts or snapshot.question is None:
        return None
    chosen = next((c for c in snapshot.question.choices.all() if c.pk == choice_id), None)
    html = render_to_string("live/partials/player_ack.html", {"chosen": chosen})
    with _snapshots_lock:
        _acknowledgements[key] = html
    return html


def render_player_notice(message: str) -> str:
    return render_to_string("live/partials/notice.html", {"notice": message, "oob": True})

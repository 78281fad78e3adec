"""The rules of a live session. Consumers and views call these; nothing else changes state.

Every change happens under a row lock on the session and bumps its version, so any
server process can serve any client and a reconnect is a plain re-render. A change
announces itself once its transaction commits (live/events.py): no caller broadcasts.
Arguments arrive checked (live/forms.py): ids are ints, nicknames are clean.
"""

from __future__ import annotations

import bisect
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from live import events, roles, scoring
from live.models import LiveAnswer, LiveSession, Player, is_join_code
from quiz.models import Choice, Question, Quiz
from quiz.services import QuizError

logger = logging.getLogger(__name__)

# Network slack: an answer sent as the countdown hits zero still counts.
ANSWER_GRACE = timedelta(milliseconds=750)
JOIN_CODE_ATTEMPTS = 20

State = LiveSession.State
Actor = User | AnonymousUser | None


class LiveError(QuizError):
    code = "live"


class SessionNotFound(LiveError):
    code = "not_found"
    message = _("No open session has that join code. Check the code on the big screen.")


class NicknameInvalid(LiveError):
    code = "nickname"


class NotAllowed(LiveError):
    code = "forbidden"
    message = _("Only the session's host can do that.")


class WrongState(LiveError):
    code = "wrong_state"
    message = _("That cannot be done right now.")


class Kicked(LiveError):
    code = "kicked"
    message = _("The host removed you from this session.")


class RoomLocked(LiveError):
    code = "locked"
    message = _("The host has locked this room: nobody new can join. Ask your host.")


class RoomFull(LiveError):
    code = "full"
    message = _("This room is full; ask your host.")


class PlayerNotFound(LiveError):
    code = "no_player"
    message = _("That player is not in this session.")


class AnswerRefused(LiveError):
    code = "answer_refused"


class UnreadableAnswer(AnswerRefused):
    message = _("That answer could not be read.")


class HostAction(models.TextChoices):
    START = "start"
    NEXT = "next"
    REVEAL = "reveal"
    END = "end"
    KICK = "kick"
    LOCK = "lock"
    UNLOCK = "unlock"


# Selectors


def open_sessions() -> QuerySet[LiveSession]:
    return LiveSession.objects.filter(ended_at__isnull=True).select_related("quiz", "host")


def sessions_run_by(actor: Actor) -> QuerySet[LiveSession]:
    """The open sessions this instructor may see and control: their own, or every one
    with the permission to take over a colleague's class."""
    if not can_host(actor):
        return LiveSession.objects.none()
    assert actor is not None
    if actor.has_perm(roles.CONTROL_ANY):
        return open_sessions()
    return open_sessions().filter(host_id=actor.pk)


def get_open_session(code: str) -> LiveSession:
    if not is_join_code(code):
        raise SessionNotFound()
    session = open_sessions().filter(join_code=code).first()
    if session is None:
        raise SessionNotFound()
    return session


def player_in_open_session(*, code: str, session_key: str | None) -> Player | None:
    """This browser's player in the open session with this code, its session with it,
    in one query: every page and answer of a player asks."""
    if not session_key or not is_join_code(code):
        return None
    return (
        Player.objects.select_related("session__quiz", "session__host")
        .filter(session__join_code=code, session__ended_at__isnull=True, session_key=session_key)
        .first()
    )


def active_players(session: LiveSession) -> QuerySet[Player]:
    return session.players.filter(kicked=False)


def ranking(session: LiveSession) -> QuerySet[Player]:
    return active_players(session).order_by("-score", "joined_at", "pk")


def questions_of(session: LiveSession) -> list[Question]:
    return list(session.quiz.questions.order_by("order"))


def can_host(actor: Actor) -> bool:
    """An instructor: staff with the permission to host (live/roles.py)."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.is_staff
        and actor.has_perm(roles.HOST)
    )


def is_host(*, session: LiveSession, actor: Actor) -> bool:
    """The session's own host, or an instructor allowed to take over a colleague's class."""
    if not can_host(actor):
        return False
    assert actor is not None
    return session.host_id == actor.pk or actor.has_perm(roles.CONTROL_ANY)


@dataclass(frozen=True)
class OptionCount:
    choice: Choice
    count: int
    percent: int


def option_counts(question: Question, chosen: Iterable[int]) -> list[OptionCount]:
    """How many chose each of the question's options, from the choice ids chosen."""
    choices = list(question.choices.all())
    counts = dict.fromkeys((c.pk for c in choices), 0)
    for choice_id in chosen:
        counts[choice_id] = counts.get(choice_id, 0) + 1
    total = sum(counts.values()) or 1
    result = []
    for position, choice in enumerate(choices):
        choice.position = position
        count = counts[choice.pk]
        result.append(OptionCount(choice=choice, count=count, percent=round(100 * count / total)))
    return result


def answer_count(session: LiveSession) -> int:
    if session.current_question_id is None:
        return 0
    return LiveAnswer.objects.filter(
        player__session=session, player__kicked=False, question_id=session.current_question_id
    ).count()


# Writers


def create_session(
    *,
    quiz: Quiz,
    host: User | AnonymousUser,
    seconds_per_question: int = 20,
    speed_scoring: bool = True,
    streak_bonus: bool = True,
    instant_verdicts: bool = False,
) -> LiveSession:
    if not can_host(host):
        raise NotAllowed(_("Only instructors can start a live session."))
    assert isinstance(host, User)
    if not quiz.questions.exists():
        raise WrongState(_("This quiz has no questions yet."))
    for _attempt in range(JOIN_CODE_ATTEMPTS):
        code = f"{secrets.randbelow(1_000_000):06d}"
        try:
            with transaction.atomic():
                session = LiveSession.objects.create(
                    quiz=quiz,
                    host=host,
                    join_code=code,
                    seconds_per_question=seconds_per_question,
                    speed_scoring=speed_scoring,
                    streak_bonus=streak_bonus,
                    instant_verdicts=instant_verdicts,
                )
        except IntegrityError:
            continue  # the code is taken by another open session
        logger.info("live session %s opened for quiz %s", session.join_code, quiz.slug)
        return session
    raise LiveError(_("Could not find a free join code; try again."))


def join(*, session: LiveSession, nickname: str, session_key: str, device_key: str = "") -> Player:
    """A new player, or this browser's player again; `nickname` is clean (forms.py).

    Refused: a browser or device the host kicked from this session, a locked room, a
    full one (settings.LIVE_MAX_PLAYERS), a finished one, a name already taken.
    """
    name = nickname
    # One query for every player that decides this join: this browser's own, one the
    # host kicked from this device, one with this name (a class joins at once).
    banned_device = Q(device_key=device_key, kicked=True) if device_key else Q(pk__in=[])
    clashes = list(
        session.players.filter(
            Q(session_key=session_key) | Q(nickname__iexact=name) | banned_device
        )
    )
    existing = next((p for p in clashes if p.session_key == session_key), None)
    if existing is not None:
        if existing.kicked:
            raise Kicked()
        return existing  # the same browser rejoins as the same player
    if any(p.kicked and device_key and p.device_key == device_key for p in clashes):
        raise Kicked()
    if session.state == State.FINISHED:
        raise WrongState(_("This session has finished."))
    if any(p.nickname.lower() == name.lower() for p in clashes):
        raise NicknameInvalid(f"“{name}” is taken in this session; pick another nickname.")
    try:
        with transaction.atomic():
            # The session's lock counts the room against its cap one join at a time.
            locked = _locked(session)
            if locked.locked:
                raise RoomLocked()
            if active_players(locked).count() >= settings.LIVE_MAX_PLAYERS:
                raise RoomFull()
            player = Player.objects.create(
                session=session, nickname=name, session_key=session_key, device_key=device_key
            )
    except IntegrityError:
        raise NicknameInvalid(
            f"“{name}” is taken in this session; pick another nickname."
        ) from None
    logger.info("player joined session=%s player=%s", session.join_code, player.pk)
    events.player_joined(session.pk)
    return player


def _locked(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_for_update().select_related("quiz").get(pk=session.pk)


def _require_host(session: LiveSession, actor: Actor) -> None:
    if not is_host(session=session, actor=actor):
        raise NotAllowed()


def _bump(session: LiveSession, **fields: object) -> LiveSession:
    """Change what everybody sees (under the session's lock), and say so after commit."""
    for name, value in fields.items():
        setattr(session, name, value)
    session.version += 1
    session.save(update_fields=[*fields, "version"])
    events.session_changed(session.pk, session.version)
    return session


@transaction.atomic
def advance(*, session: LiveSession, actor: Actor) -> LiveSession:
    """Start the first question, or go from a reveal to the next (or to the podium)."""
    _require_host(session, actor)
    session = _locked(session)
    if session.ended_at is not None or session.state not in (State.LOBBY, State.REVEAL):
        raise WrongState(_("Reveal the answer before moving on."))
    questions = questions_of(session)
    current = session.current_question
    upcoming = (
        questions[0]
        if current is None
        else next((q for q in questions if q.order > current.order), None)
    )
    if upcoming is None:
        return _bump(session, state=State.FINISHED)
    now = timezone.now()
    return _bump(
        session,
        state=State.QUESTION,
        current_question=upcoming,
        question_opened_at=now,
        question_deadline=now + timedelta(seconds=session.seconds_per_question),
    )


def reveal(*, session: LiveSession, actor: Actor = None) -> LiveSession:
    """The host closes the question: the correct answer and the board show everywhere."""
    _require_host(session, actor)
    revealed, changed = _close_question(session, automatic=False)
    if not changed:
        raise WrongState(_("There is no open question to reveal."))
    return revealed


@transaction.atomic
def _close_question(session: LiveSession, *, automatic: bool) -> tuple[LiveSession, bool]:
    session = _locked(session)
    if session.state != State.QUESTION or (automatic and not _due(session)):
        return session, False  # another process or the host got there first
    assert session.current_question_id is not None  # the state is QUESTION
    # A missed question breaks the streak like a wrong answer does.
    active_players(session).exclude(answers__question_id=session.current_question_id).update(
        streak=0
    )
    return _bump(session, state=State.REVEAL), True


def _due(session: LiveSession) -> bool:
    # Not before the grace is over: an answer tapped as the countdown hit zero is still
    # on its way, and submit_answer accepts it until then.
    if session.question_deadline and timezone.now() >= session.question_deadline + ANSWER_GRACE:
        return True
    players = active_players(session).count()
    return players > 0 and answer_count(session) >= players


def reveal_if_due(session: LiveSession) -> bool:
    """Reveal when the timer ran out or all have answered; True only when this call did it."""
    if session.state != State.QUESTION or not _due(session):
        return False
    return _close_question(session, automatic=True)[1]


@transaction.atomic
def end(*, session: LiveSession, actor: Actor) -> LiveSession:
    _require_host(session, actor)
    session = _locked(session)
    if session.ended_at is not None:
        return session
    logger.info("live session %s ended", session.join_code)
    return _bump(session, state=State.FINISHED, ended_at=timezone.now())


@transaction.atomic
def set_locked(*, session: LiveSession, actor: Actor, locked: bool) -> LiveSession:
    """Lock the room (nobody new joins) or open it again."""
    _require_host(session, actor)
    session = _locked(session)
    if session.ended_at is not None:
        raise WrongState(_("This session has ended."))
    if session.locked == locked:
        return session
    logger.info("live session %s %s", session.join_code, "locked" if locked else "unlocked")
    return _bump(session, locked=locked)


@transaction.atomic
def kick(*, session: LiveSession, actor: Actor, player_id: int) -> Player:
    _require_host(session, actor)
    session = _locked(session)
    player = session.players.filter(pk=player_id).first()
    if player is None:
        raise PlayerNotFound()
    player.kicked = True
    player.save(update_fields=["kicked"])
    _bump(session)
    events.player_kicked(player.pk)
    logger.info("player kicked session=%s player=%s", session.join_code, player.pk)
    return player


@dataclass(frozen=True)
class AnswerOutcome:
    answer: LiveAnswer
    player: Player
    rank: int | None  # counted only for instant verdicts
    bonus: int
    version: int  # the session's, when the answer was stored


@dataclass(frozen=True)
class AnswerRequest:
    """One answer as a socket or a form received it; `received_at` is the server's clock."""

    player_id: int
    question_id: int
    choice_id: int
    received_at: datetime


def submit_answer(*, player: Player, question_id: int, choice_id: int) -> AnswerOutcome:
    """Score one answer; exactly one per player and question, on the server's clock."""
    request = AnswerRequest(player.pk, question_id, choice_id, timezone.now())
    (result,) = submit_answers(session_id=player.session_id, requests=[request])
    if isinstance(result, LiveError):
        raise result
    return result


def submit_answers(
    *, session_id: int, requests: Sequence[AnswerRequest]
) -> list[AnswerOutcome | LiveError]:
    """Score many answers to one session in one transaction: a result per request, in order.

    A room answers within seconds; one transaction, one lock on the session and a few
    statements per batch instead of per answer is what lets a process keep up. Each
    request is judged on its own: one refusal does not spoil the others.
    """
    try:
        with transaction.atomic():
            return _score_batch(session_id, requests)
    except IntegrityError:
        # Only a second answer from another process for the same player gets here
        # (the rows are locked on PostgreSQL; SQLite writes one transaction at a time).
        if len(requests) == 1:
            return [AnswerRefused(_("You already answered; your first answer counts."))]
        return [submit_answers(session_id=session_id, requests=[r])[0] for r in requests]


def _score_batch(
    session_id: int, requests: Sequence[AnswerRequest]
) -> list[AnswerOutcome | LiveError]:
    # The session's lock orders each batch against the reveal: no answer lands after it.
    # Shared, so that the batches of several server processes write side by side.
    session = LiveSession.objects.locked_for_answers(session_id)
    players = {
        p.pk: p
        for p in Player.objects.select_for_update().filter(
            session_id=session_id, pk__in={r.player_id for r in requests}
        )
    }
    question_pk = session.current_question_id
    choices: dict[int, Choice] = {}
    answered: set[int] = set()
    if question_pk is not None:  # else every answer is refused: nothing is open
        choices = {c.pk: c for c in Choice.objects.filter(question_id=question_pk)}
        answered = set(
            LiveAnswer.objects.filter(player_id__in=players, question_id=question_pk).values_list(
                "player_id", flat=True
            )
        )
    scored: list[tuple[LiveAnswer, int] | LiveError] = []
    for request in requests:
        try:
            answer, bonus = _score_one(
                session, players.get(request.player_id), request, choices, answered
            )
        except LiveError as error:
            scored.append(error)
            continue
        answered.add(answer.player_id)
        scored.append((answer, bonus))
    new_answers = [item[0] for item in scored if not isinstance(item, LiveError)]
    # A rank is shown at once only with instant verdicts; otherwise it waits for the reveal.
    scores: list[int] = []
    if new_answers:
        LiveAnswer.objects.bulk_create(new_answers)
        Player.objects.save_scores({answer.player_id: answer.player for answer in new_answers})
        if session.instant_verdicts:
            scores = sorted(active_players(session).values_list("score", flat=True))
        events.answers_arrived(session_id)
        logger.info(
            "live answers session=%s stored=%d refused=%d",
            session.join_code,
            len(new_answers),
            len(scored) - len(new_answers),
        )
    results: list[AnswerOutcome | LiveError] = []
    for item in scored:
        if isinstance(item, LiveError):
            results.append(item)
            continue
        answer, bonus = item
        ahead = len(scores) - bisect.bisect_right(scores, answer.player.score)
        results.append(
            AnswerOutcome(
                answer=answer,
                player=answer.player,
                rank=ahead + 1 if scores else None,
                bonus=bonus,
                version=session.version,
            )
        )
        logger.debug(
            "live answer session=%s player=%s correct=%s points=%s",
            session.join_code,
            answer.player_id,
            answer.is_correct,
            answer.points,
        )
    return results


def _score_one(
    session: LiveSession,
    player: Player | None,
    request: AnswerRequest,
    choices: dict[int, Choice],
    answered: set[int],
) -> tuple[LiveAnswer, int]:
    question_pk, choice_pk = request.question_id, request.choice_id
    if player is None:
        raise NotAllowed(_("You are not a player of this session."))
    if player.kicked:
        raise Kicked()
    if session.state != State.QUESTION or session.current_question_id != question_pk:
        raise AnswerRefused(_("This question is closed."))
    # A question on screen has both (advance() sets them with the state).
    assert session.question_deadline is not None
    assert session.question_opened_at is not None
    if request.received_at > session.question_deadline + ANSWER_GRACE:
        raise AnswerRefused(_("Time is up for this question."))
    if request.received_at < session.question_opened_at:
        raise AnswerRefused(_("This question is closed."))  # sent before it was shown
    if player.pk in answered:
        raise AnswerRefused(_("You already answered; your first answer counts."))
    choice = choices.get(choice_pk)
    if choice is None:
        raise AnswerRefused(_("Pick one of this question's options."))
    elapsed = max((request.received_at - session.question_opened_at).total_seconds(), 0.0)
    scored = scoring.score_answer(
        correct=choice.is_correct,
        elapsed=elapsed,
        timer=session.seconds_per_question,
        previous_streak=player.streak,
        speed_scoring=session.speed_scoring,
        streak_scoring=session.streak_bonus,
    )
    # The row is locked: the score read with it is the score to add to.
    player.score += scored.total
    player.streak = scored.streak
    answer = LiveAnswer(
        player=player,
        question_id=question_pk,
        choice=choice,
        is_correct=choice.is_correct,
        points=scored.total,
        streak_after=scored.streak,
        elapsed_ms=int(elapsed * 1000),
    )
    return answer, scored.bonus


def perform_host_action(
    *, session: LiveSession, actor: Actor, action: HostAction, player_id: int | None = None
) -> LiveSession:
    """One entry point for the host's buttons, whether they came by socket or by form."""
    _require_host(session, actor)
    if action in (HostAction.START, HostAction.NEXT):
        return advance(session=session, actor=actor)
    if action == HostAction.REVEAL:
        return reveal(session=session, actor=actor)
    if action == HostAction.END:
        return end(session=session, actor=actor)
    if action in (HostAction.LOCK, HostAction.UNLOCK):
        return set_locked(session=session, actor=actor, locked=action == HostAction.LOCK)
    assert player_id is not None  # HostActionForm requires it for a kick
    kick(session=session, actor=actor, player_id=player_id)
    return LiveSession.objects.get(pk=session.pk)

"""Answers written a batch at a time: live/services.py `submit_answers` and the
per-process batcher in live/batching.py.

A batch is one transaction, but every answer in it is judged on its own: a refusal
never spoils the others, and the database keeps exactly one answer per player and
question. Answers that arrive while a batch is being written go into the next one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils import timezone

from live import batching, presenters, services
from live.models import LiveAnswer, LiveSession, Player
from quiz.models import Choice, Question, Quiz
from tests.factories import join

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]


@pytest.fixture
def live(test_quiz: Quiz, teacher: User) -> LiveSession:
    return services.create_session(quiz=test_quiz, host=teacher, speed_scoring=False)


def open_first_question(session: LiveSession, teacher: User) -> Question:
    opened = services.advance(session=session, actor=teacher)
    return opened.current_question


def choices(question: Question) -> tuple[Choice, Choice]:
    right = question.choices.get(is_correct=True)
    wrong = question.choices.filter(is_correct=False).first()
    return right, wrong


def request(player: Player, question: int, choice: int) -> services.AnswerRequest:
    return services.AnswerRequest(player.pk, question, choice, timezone.now())


def test_each_answer_in_a_batch_is_judged_on_its_own(live: LiveSession, teacher: User) -> None:
    ada, bob, cy, dee, eve = (join(live, name) for name in ("Ada", "Bob", "Cy", "Dee", "Eve"))
    question = open_first_question(live, teacher)
    right, wrong = choices(question)
    other_question = live.quiz.questions.exclude(pk=question.pk).first()
    services.kick(session=live, actor=teacher, player_id=eve.pk)

    results = services.submit_answers(
        session_id=live.pk,
        requests=[
            request(ada, question.pk, right.pk),
            request(bob, question.pk, wrong.pk),
            request(ada, question.pk, wrong.pk),  # Ada again, in the same batch
            request(cy, question.pk, other_question.choices.first().pk),
            request(dee, question.pk, 2**62),  # no option has that id
            request(eve, question.pk, right.pk),
            request(cy, question.pk, right.pk),  # Cy's refusal did not use up her answer
        ],
    )

    ada_result, bob_result, again, foreign, no_option, kicked, cy_result = results
    assert isinstance(ada_result, services.AnswerOutcome)
    assert ada_result.answer.is_correct
    assert ada_result.player.score == 1000
    assert isinstance(bob_result, services.AnswerOutcome)
    assert not bob_result.answer.is_correct
    assert isinstance(again, services.AnswerRefused)
    assert "first answer counts" in again.message
    assert isinstance(foreign, services.AnswerRefused)
    assert "this question's options" in foreign.message
    assert isinstance(no_option, services.AnswerRefused)
    assert "this question's options" in no_option.message
    assert isinstance(kicked, services.Kicked)
    assert isinstance(cy_result, services.AnswerOutcome)
    stored = sorted(
        LiveAnswer.objects.filter(question=question).values_list("player__nickname", "choice")
    )
    assert stored == [("Ada", right.pk), ("Bob", wrong.pk), ("Cy", right.pk)]
    scores = dict(Player.objects.filter(session=live).values_list("nickname", "score"))
    assert scores == {"Ada": 1000, "Bob": 0, "Cy": 1000, "Dee": 0, "Eve": 0}


def test_ranks_in_a_batch_count_everybody_ahead_after_the_whole_batch(
    live: LiveSession, teacher: User
) -> None:
    LiveSession.objects.filter(pk=live.pk).update(instant_verdicts=True)  # ranks shown at once
    ada, bob, cy = (join(live, name) for name in ("Ada", "Bob", "Cy"))
    question = open_first_question(live, teacher)
    right, wrong = choices(question)

    results = services.submit_answers(
        session_id=live.pk,
        requests=[
            request(ada, question.pk, right.pk),
            request(bob, question.pk, wrong.pk),
            request(cy, question.pk, right.pk),
        ],
    )

    outcomes = [r for r in results if isinstance(r, services.AnswerOutcome)]
    assert [r.rank for r in outcomes] == [1, 3, 1]  # Ada and Cy tie for first


def test_an_answer_received_before_the_deadline_counts_even_if_written_after_it(
    live: LiveSession, teacher: User
) -> None:
    ada, bob = join(live, "Ada"), join(live, "Bob")
    question = open_first_question(live, teacher)
    right, _ = choices(question)
    received = timezone.now()
    LiveSession.objects.filter(pk=live.pk).update(
        question_deadline=received - services.ANSWER_GRACE / 2
    )
    late = received + services.ANSWER_GRACE

    on_time, too_late = services.submit_answers(
        session_id=live.pk,
        requests=[
            services.AnswerRequest(ada.pk, question.pk, right.pk, received),
            services.AnswerRequest(bob.pk, question.pk, right.pk, late),
        ],
    )

    assert isinstance(on_time, services.AnswerOutcome)
    assert isinstance(too_late, services.AnswerRefused)
    assert "Time is up" in too_late.message


def test_a_batch_after_the_reveal_is_refused_whole(live: LiveSession, teacher: User) -> None:
    ada, bob = join(live, "Ada"), join(live, "Bob")
    question = open_first_question(live, teacher)
    right, _ = choices(question)
    services.reveal(session=live, actor=teacher)

    results = services.submit_answers(
        session_id=live.pk,
        requests=[request(ada, question.pk, right.pk), request(bob, question.pk, right.pk)],
    )

    assert all(isinstance(r, services.AnswerRefused) for r in results)
    assert not LiveAnswer.objects.exists()


@dataclass
class Room:
    players: list[Player]
    question: Question
    right: Choice
    wrong: Choice


async def room_on_question_1(live: LiveSession, teacher: User, size: int) -> Room:
    players = [await sync_to_async(join)(live, f"P{n}") for n in range(size)]
    question = await sync_to_async(open_first_question)(live, teacher)
    right, wrong = await sync_to_async(choices)(question)
    return Room(players, question, right, wrong)


@pytest.fixture
def batch_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch written, in order; the first is recorded as it starts."""
    sizes: list[int] = []
    real_submit = services.submit_answers

    def counting_submit(*, session_id: int, requests: list) -> list:
        sizes.append(len(requests))
        return real_submit(session_id=session_id, requests=requests)

    monkeypatch.setattr(services, "submit_answers", counting_submit)
    return sizes


async def test_answers_arriving_together_are_written_in_one_batch(
    live: LiveSession, teacher: User, batch_sizes: list[int]
) -> None:
    room = await room_on_question_1(live, teacher, 12)
    batcher = batching.batcher_for(live.pk)

    replies = await asyncio.gather(
        *(batcher.submit(request(p, room.question.pk, room.right.pk)) for p in room.players),
        batcher.submit(request(room.players[0], room.question.pk, room.wrong.pk)),
        return_exceptions=True,
    )

    assert batch_sizes == [13]
    *acknowledged, second = replies
    assert all(
        isinstance(a, batching.Acknowledged)
        and "Answer locked in" in a.html
        and a.question_id == room.question.pk
        for a in acknowledged
    )
    assert isinstance(second, services.AnswerRefused)
    assert await LiveAnswer.objects.filter(question=room.question).acount() == 12


async def test_answers_arriving_during_a_write_go_into_the_next_batch(
    live: LiveSession, teacher: User, batch_sizes: list[int]
) -> None:
    room = await room_on_question_1(live, teacher, 5)
    batcher = batching.batcher_for(live.pk)

    first = asyncio.create_task(
        batcher.submit(request(room.players[0], room.question.pk, room.right.pk))
    )
    async with asyncio.timeout(10):
        while not batch_sizes:  # until the first batch is being written
            await asyncio.sleep(0.001)
    rest = [batcher.submit(request(p, room.question.pk, room.right.pk)) for p in room.players[1:]]
    replies = await asyncio.gather(first, *rest)

    assert batch_sizes[0] == 1
    assert sum(batch_sizes) == 5
    assert len(batch_sizes) <= 3  # the four latecomers did not go one by one
    assert all(isinstance(r, batching.Acknowledged) for r in replies)


async def test_a_failed_write_tells_every_waiting_socket_and_stores_nothing(
    live: LiveSession, teacher: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    players = [await sync_to_async(join)(live, f"P{n}") for n in range(3)]
    question = await sync_to_async(open_first_question)(live, teacher)
    right, _ = await sync_to_async(choices)(question)

    def database_gone(*args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(LiveAnswer.objects, "bulk_create", database_gone)
    batcher = batching.batcher_for(live.pk)

    replies = await asyncio.gather(
        *(batcher.submit(request(p, question.pk, right.pk)) for p in players),
        return_exceptions=True,
    )

    assert all(isinstance(r, OperationalError) for r in replies)
    assert not await LiveAnswer.objects.filter(question=question).aexists()
    assert not await Player.objects.filter(session=live, score__gt=0).aexists()


def test_time_since_opening_is_measured_from_when_the_answer_was_received(
    test_quiz: Quiz, teacher: User
) -> None:
    session = services.create_session(quiz=test_quiz, host=teacher)
    ada = join(session, "Ada")
    question = open_first_question(session, teacher)
    right, _ = choices(question)
    opened = LiveSession.objects.get(pk=session.pk).question_opened_at
    received = opened + timedelta(seconds=2)

    (outcome,) = services.submit_answers(
        session_id=session.pk,
        requests=[services.AnswerRequest(ada.pk, question.pk, right.pk, received)],
    )

    assert isinstance(outcome, services.AnswerOutcome)
    assert outcome.answer.elapsed_ms == 2000


def test_an_answer_received_before_its_question_opened_is_refused(
    live: LiveSession, teacher: User
) -> None:
    ada = join(live, "Ada")
    sent = timezone.now()
    question = open_first_question(live, teacher)  # opens after the answer was sent
    right, _ = choices(question)

    (result,) = services.submit_answers(
        session_id=live.pk,
        requests=[services.AnswerRequest(ada.pk, question.pk, right.pk, sent)],
    )

    assert isinstance(result, services.AnswerRefused)
    assert not LiveAnswer.objects.exists()


async def test_a_stored_answer_is_acknowledged_even_when_its_screen_cannot_be_drawn(
    live: LiveSession, teacher: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = await sync_to_async(join)(live, "Ada")
    question = await sync_to_async(open_first_question)(live, teacher)
    right, _ = await sync_to_async(choices)(question)

    def snapshot_unavailable(*args: object, **kwargs: object) -> str:
        raise OperationalError("connection pool timed out")

    monkeypatch.setattr(presenters, "render_player", snapshot_unavailable)

    reply = await batching.batcher_for(live.pk).submit(request(ada, question.pk, right.pk))

    assert reply.question_id == question.pk
    assert "Answer locked in" in reply.html
    assert await LiveAnswer.objects.filter(player_id=ada.pk).acount() == 1


async def test_an_idle_rooms_batcher_is_not_kept(live: LiveSession, teacher: User) -> None:
    ada = await sync_to_async(join)(live, "Ada")
    question = await sync_to_async(open_first_question)(live, teacher)
    right, _ = await sync_to_async(choices)(question)
    batcher = batching.batcher_for(live.pk)

    await batcher.submit(request(ada, question.pk, right.pk))
    await batcher.writer

    assert batching.batcher_for(live.pk) is not batcher


async def test_a_room_answering_together_gets_replies_rendered_once_per_option(
    live: LiveSession, teacher: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verdicts wait for the reveal, so the reply is the same for everybody who chose an
    option: rendered once per version and option, not once per player."""
    room = await room_on_question_1(live, teacher, 12)
    renders: list[str] = []
    real = render_to_string

    def counting(name: str, *args: Any, **kwargs: Any) -> str:
        renders.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr("live.presenters.render_to_string", counting)
    batcher = batching.batcher_for(live.pk)
    replies = await asyncio.gather(
        *(batcher.submit(request(p, room.question.pk, room.right.pk)) for p in room.players)
    )

    assert {reply.html for reply in replies} == {replies[0].html}
    assert renders.count("live/partials/player_ack.html") == 1
    assert "live/partials/player_fragments.html" not in renders

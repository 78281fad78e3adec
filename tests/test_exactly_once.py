"""Two tabs or sockets answering at the same moment store exactly one answer.

The races are real: each thread has its own database connection and they are
released together by a barrier, so on PostgreSQL the row lock and on SQLite the
IMMEDIATE transaction decide, with the unique constraint behind both.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from live import services as live
from live.models import LiveAnswer, Player
from quiz import services
from quiz.models import Quiz, Response
from tests.conftest import socket_headers
from tests.factories import instructor, race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4
TIMEOUT = 10


def test_two_simultaneous_answers_to_one_question_store_one_response(
    practice_quiz: Quiz, session_key: str
) -> None:
    for _ in range(ROUNDS):
        attempt = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)
        question = services.present_question(attempt=attempt)
        right, wrong = (
            question.choices.get(is_correct=True),
            question.choices.filter(is_correct=False).first(),
        )

        outcomes = race(
            *[
                partial(services.submit_answer, attempt=attempt, question=question, choice=c)
                for c in (right, wrong)
            ]
        )

        stored = Response.objects.filter(attempt=attempt)
        assert stored.count() == 1
        assert sum(isinstance(o, Response) for o in outcomes) == 1
        assert sum(isinstance(o, services.AlreadyAnswered) for o in outcomes) == 1
        winner = next(o for o in outcomes if isinstance(o, Response))
        assert stored.get().choice_id == winner.choice_id


def test_two_simultaneous_live_answers_of_one_player_score_once(test_quiz: Quiz) -> None:
    host = instructor("host")
    for round_number in range(ROUNDS):
        session = live.create_session(quiz=test_quiz, host=host, seconds_per_question=60)
        store = SessionStore()
        store.create()
        player = live.join(
            session=session, nickname=f"Ada{round_number}", session_key=store.session_key
        )
        session = live.advance(session=session, actor=host)
        correct = session.current_question.choices.get(is_correct=True)

        answer = partial(
            live.submit_answer,
            player=player,
            question_id=session.current_question_id,
            choice_id=correct.pk,
        )
        outcomes = race(answer, answer, answer)

        assert LiveAnswer.objects.filter(player=player).count() == 1
        assert sum(isinstance(o, live.AnswerOutcome) for o in outcomes) == 1
        assert all(isinstance(o, (live.AnswerOutcome, live.AnswerRefused)) for o in outcomes), (
            outcomes
        )
        player = Player.objects.get(pk=player.pk)
        assert player.score == LiveAnswer.objects.get(player=player).points
        assert player.streak == 1


async def test_two_sockets_of_one_attempt_answering_together_store_one_response(
    asgi_application: Any, practice_quiz: Quiz, session_key: str
) -> None:
    from asgiref.sync import sync_to_async

    attempt = await sync_to_async(services.start_attempt)(
        quiz=practice_quiz, session_key=session_key, user=None
    )
    question = await sync_to_async(services.present_question)(attempt=attempt)
    choice = await sync_to_async(lambda: question.choices.get(is_correct=True).pk)()
    tabs = [
        WebsocketCommunicator(
            asgi_application, f"/ws/attempts/{attempt.pk}/", headers=socket_headers(session_key)
        )
        for _ in range(2)
    ]
    for tab in tabs:
        assert (await tab.connect())[0]
        await tab.receive_from(TIMEOUT)
    frame = json.dumps({"action": "answer", "question": question.pk, "choice": choice})
    for tab in tabs:
        await tab.send_to(text_data=frame)
    replies = [await tab.receive_from(TIMEOUT) for tab in tabs]
    for tab in tabs:
        await tab.disconnect()

    assert await sync_to_async(Response.objects.filter(attempt=attempt).count)() == 1
    assert sum("already answered" in reply for reply in replies) == 1
    assert all("Correct" in reply for reply in replies)  # both tabs end up showing the verdict

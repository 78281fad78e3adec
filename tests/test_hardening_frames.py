"""Arbitrary frames on every socket: a message back, the socket alive, the database unchanged.

Hypothesis draws frames that are not valid moves: not JSON, binary, over 64 KB, wrong
types, unknown ids, ids from another attempt or session, host commands from a player
and host commands in the wrong state. After each frame the same socket must still do
a valid thing, which proves the consumer neither raised nor closed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from live import services as live
from live.models import LiveAnswer, LiveSession
from quiz import services
from quiz.models import Quiz, Response
from tests.conftest import socket_headers
from tests.factories import instructor

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def frames(actions: list[object], ids: list[object]) -> st.SearchStrategy[tuple[str, Any]]:
    """(kind, payload): kind "bytes" sends binary, "text" sends the payload as it is."""
    id_values = st.sampled_from(ids) | st.integers() | st.text(max_size=12) | json_values
    shaped = st.fixed_dictionaries(
        {"action": st.sampled_from(actions) | json_values},
        optional={
            "question": id_values,
            "choice": id_values,
            "player": id_values,
            "HEADERS": json_values,
        },
    ).map(json.dumps)
    return st.one_of(
        st.tuples(st.just("bytes"), st.binary(min_size=1, max_size=300)),
        st.tuples(st.just("text"), st.text(min_size=1, max_size=300)),
        st.tuples(st.just("text"), json_values.map(json.dumps)),
        st.tuples(st.just("text"), shaped),
        st.tuples(st.just("text"), st.just("x" * 70_000)),
        st.tuples(
            st.just("text"), st.just(json.dumps({"action": "answer", "question": "1" * 70_000}))
        ),
    )


def as_id(value: object) -> int | None:
    """The id the services would read from a field (they accept what int(str(x)) accepts)."""
    try:
        return int(str(value))
    except ValueError:
        return None


def is_valid_answer(frame: tuple[str, Any], question: int, choices: set[int]) -> bool:
    kind, payload = frame
    if kind != "text":
        return False
    try:
        data = json.loads(payload)
    except ValueError:
        return False
    return (
        isinstance(data, dict)
        and data.get("action") == "answer"
        and as_id(data.get("question")) == question
        and as_id(data.get("choice")) in choices
    )


async def send(communicator: WebsocketCommunicator, frame: tuple[str, Any]) -> str:
    kind, payload = frame
    if kind == "bytes":
        await communicator.send_to(bytes_data=payload)
    else:
        await communicator.send_to(text_data=payload)
    reply = await communicator.receive_output(TIMEOUT)
    assert reply["type"] == "websocket.send", reply
    return reply.get("text", "")


# Self-paced attempts


@pytest.fixture
def fuzz_attempt(practice_quiz: Quiz, test_quiz: Quiz, session_key: str) -> dict[str, Any]:
    attempt = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)
    current = services.present_question(attempt=attempt)
    # Another student's attempt and another quiz's question and choices: ids that exist.
    other = services.start_attempt(quiz=practice_quiz, session_key="someone-else", user=None)
    foreign_question = test_quiz.questions.first()
    second = practice_quiz.questions.exclude(pk=current.pk).first()
    ids = [
        foreign_question.pk,
        foreign_question.choices.first().pk,
        second.pk,
        second.choices.first().pk,
        str(other.pk),
        str(attempt.pk),
    ]
    # A valid question with an invalid choice is never a valid answer either.
    ids.append(current.pk)
    return {"attempt": attempt, "session_key": session_key, "ids": ids, "current": current}


@FUZZ
@given(data=st.data())
def test_no_frame_crashes_the_attempt_socket_or_stores_an_answer(
    asgi_application: Any, fuzz_attempt: dict[str, Any], data: st.DataObject
) -> None:
    frame = data.draw(
        frames(["answer", "next", "start", "reveal", "kick", ""], fuzz_attempt["ids"])
    )
    current = fuzz_attempt["current"]
    assume(
        not is_valid_answer(frame, current.pk, set(current.choices.values_list("pk", flat=True)))
    )

    async def run() -> None:
        attempt = fuzz_attempt["attempt"]
        communicator = WebsocketCommunicator(
            asgi_application,
            f"/ws/attempts/{attempt.pk}/",
            headers=socket_headers(fuzz_attempt["session_key"]),
        )
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_from(TIMEOUT)  # "Live feedback connected"
        reply = await send(communicator, frame)
        assert reply
        still_alive = await send(communicator, ("text", json.dumps({"action": "next"})))
        assert "Question 1 of 5" in still_alive
        await communicator.disconnect()

    async_to_sync(run)()
    assert Response.objects.count() == 0


# Live sessions


@pytest.fixture
def fuzz_room(test_quiz: Quiz, practice_quiz: Quiz) -> dict[str, Any]:
    staff = instructor("host")
    client = Client()
    client.force_login(staff)
    session = live.create_session(quiz=test_quiz, host=staff, seconds_per_question=600)
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["player"] = True
    store.save()
    player = live.join(session=session, nickname="Ada", session_key=store.session_key)
    session = live.advance(session=session, actor=staff)
    current = session.current_question
    foreign = practice_quiz.questions.first()
    ids = [
        current.pk,
        foreign.pk,
        foreign.choices.first().pk,
        test_quiz.questions.exclude(pk=current.pk).first().choices.first().pk,
        player.pk,
        player.pk + 1000,
    ]
    return {
        "session": session,
        "player_key": store.session_key,
        "host_key": client.cookies["sessionid"].value,
        "ids": ids,
    }


@FUZZ
@given(data=st.data())
def test_no_frame_from_a_player_crashes_the_socket_scores_or_moves_the_game(
    asgi_application: Any, fuzz_room: dict[str, Any], data: st.DataObject
) -> None:
    frame = data.draw(
        frames(["answer", "start", "next", "reveal", "end", "kick", "x"], fuzz_room["ids"])
    )
    session: LiveSession = fuzz_room["session"]
    current = session.current_question
    assume(
        not is_valid_answer(frame, current.pk, set(current.choices.values_list("pk", flat=True)))
    )
    before = LiveSession.objects.get(pk=session.pk)

    async def run() -> None:
        communicator = WebsocketCommunicator(
            asgi_application,
            f"/ws/live/{session.join_code}/play/",
            headers=socket_headers(fuzz_room["player_key"]),
        )
        connected, _ = await communicator.connect()
        assert connected
        assert "Question 1 of 3" in await communicator.receive_from(TIMEOUT)
        assert await send(communicator, frame)
        # Still alive: a host command is refused with the same clear message as ever.
        reply = await send(communicator, ("text", json.dumps({"action": "reveal"})))
        assert "Only the session" in reply
        await communicator.disconnect()

    async_to_sync(run)()
    after = LiveSession.objects.get(pk=session.pk)
    assert (after.state, after.version) == (before.state, before.version)
    assert LiveAnswer.objects.count() == 0


@FUZZ
@given(data=st.data())
def test_host_commands_in_the_wrong_state_or_malformed_change_nothing(
    asgi_application: Any, fuzz_room: dict[str, Any], data: st.DataObject
) -> None:
    # The room is in the question state: "start" and "next" are wrong here, "kick"
    # names nobody real, and anything else is not a host command at all.
    invalid = st.fixed_dictionaries(
        {
            "action": st.sampled_from(["start", "next", "kick", "answer", "", "END"]) | json_values,
            "player": st.integers(min_value=10_000)
            | st.text(alphabet="abc -", max_size=6)
            | st.none()
            | st.lists(st.integers(), max_size=2),
        }
    ).map(json.dumps)
    frame = data.draw(
        st.one_of(st.tuples(st.just("text"), invalid), frames(["bogus"], [None, "", [], {}]))
    )
    session: LiveSession = fuzz_room["session"]
    before = LiveSession.objects.get(pk=session.pk)

    async def run() -> None:
        communicator = WebsocketCommunicator(
            asgi_application,
            f"/ws/live/{session.join_code}/host/",
            headers=socket_headers(fuzz_room["host_key"]),
        )
        connected, _ = await communicator.connect()
        assert connected
        assert "Question 1 of 3" in await communicator.receive_from(TIMEOUT)
        assert await send(communicator, frame)
        await communicator.disconnect()

    async_to_sync(run)()
    after = LiveSession.objects.get(pk=session.pk)
    assert (after.state, after.version, after.ended_at) == (before.state, before.version, None)
    assert after.players.filter(kicked=True).count() == 0

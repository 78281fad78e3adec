"""The self-paced quiz socket, through the whole ASGI stack a browser meets.

Frames go through quizsite.asgi.application: AllowedHostsOriginValidator, then the
session and auth middleware, then the URL router and AttemptConsumer. The browser's
session travels in the Cookie header, its page's origin in the Origin header.
"""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore

from quiz import services
from quiz.models import Attempt, Quiz, Response
from tests.conftest import ORIGIN, socket_headers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]

TIMEOUT = 10  # seconds a reply may take on a slow machine; not a performance bound


@dataclass(frozen=True)
class QuestionFacts:
    """What the tests need to know about a question, read before entering async code."""

    pk: int
    prompt: str
    correct_pk: int
    correct_text: str
    wrong_pk: int
    wrong_letter: str
    wrong_feedback: str
    other_feedbacks: tuple[str, ...]
    hint: str
    step_texts: tuple[str, ...]
    quick_check: str
    mistakes: tuple[str, ...]

    @property
    def secrets(self) -> tuple[str, ...]:
        """Texts only the revealed solution shows (the final answer is also an option's text)."""
        return (
            *self.step_texts,
            self.quick_check,
            *self.mistakes,
            self.hint,
            self.wrong_feedback,
            *self.other_feedbacks,
        )


def facts_of(quiz: Quiz) -> list[QuestionFacts]:
    facts = []
    for question in services.questions_of(quiz):
        choices = list(question.choices.all())
        correct = next(c for c in choices if c.is_correct)
        wrong = next(c for c in choices if not c.is_correct)
        facts.append(
            QuestionFacts(
                pk=question.pk,
                prompt=question.prompt_paragraphs[0],
                correct_pk=correct.pk,
                correct_text=correct.text,
                wrong_pk=wrong.pk,
                wrong_letter=wrong.letter,
                wrong_feedback=wrong.feedback,
                other_feedbacks=tuple(
                    c.feedback for c in choices if not c.is_correct and c.pk != wrong.pk
                ),
                hint=question.hint,
                step_texts=tuple(step.text for step in question.steps if step.text),
                quick_check=question.quick_check,
                mistakes=tuple(question.mistakes),
            )
        )
    return facts


def new_session_key() -> str:
    session = SessionStore()
    session["student"] = True
    session.save()
    return session.session_key


@pytest.fixture
def practice(practice_quiz: Quiz) -> list[QuestionFacts]:
    return facts_of(practice_quiz)


@pytest.fixture
def performance(test_quiz: Quiz) -> list[QuestionFacts]:
    return facts_of(test_quiz)


@pytest.fixture
def attempt(practice_quiz: Quiz, session_key: str) -> Attempt:
    return services.start_attempt(quiz=practice_quiz, session_key=session_key, user=AnonymousUser())


@pytest.fixture
def test_attempt(test_quiz: Quiz, session_key: str) -> Attempt:
    return services.start_attempt(quiz=test_quiz, session_key=session_key, user=AnonymousUser())


def communicator_for(
    application: Any, attempt_id: object, session_key: str | None, origin: bytes | None = ORIGIN
) -> WebsocketCommunicator:
    headers = socket_headers(session_key, origin)
    return WebsocketCommunicator(application, f"/ws/attempts/{attempt_id}/", headers=headers)


@asynccontextmanager
async def live_socket(
    application: Any, attempt: Attempt, session_key: str
) -> AsyncIterator[WebsocketCommunicator]:
    """A connected socket whose greeting has been read; always disconnected afterwards."""
    communicator = communicator_for(application, attempt.pk, session_key)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        greeting = await communicator.receive_from(timeout=TIMEOUT)
        assert "Live feedback connected" in greeting
        yield communicator
    finally:
        await communicator.disconnect()


async def send_and_read(communicator: WebsocketCommunicator, **fields: Any) -> str:
    await communicator.send_to(text_data=json.dumps(fields))
    return html.unescape(await communicator.receive_from(timeout=TIMEOUT))


async def answer(
    communicator: WebsocketCommunicator, question: QuestionFacts, choice_pk: int
) -> str:
    return await send_and_read(
        communicator,
        action="answer",
        question=str(question.pk),
        choice=str(choice_pk),
        # What htmx's ws extension adds to every frame; the consumer ignores it.
        HEADERS={"HX-Request": "true", "HX-Trigger": "answer-form", "HX-Target": None},
    )


async def responses_of(attempt: Attempt) -> list[Response]:
    return [r async for r in Response.objects.filter(attempt_id=attempt.pk).order_by("pk")]


def assert_reveals_nothing(message: str, question: QuestionFacts) -> None:
    assert "is-correct" not in message
    assert "Correct answer" not in message
    assert "Solution</h3>" not in message
    assert "Final answer" not in message
    assert "Correct</strong>" not in message
    assert "Incorrect" not in message
    for secret in question.secrets:
        assert secret not in message


# Connecting


async def test_connecting_to_your_own_attempt_says_live_feedback_is_connected(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    communicator = communicator_for(application, attempt.pk, session_key)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        greeting = await communicator.receive_from(timeout=TIMEOUT)
    finally:
        await communicator.disconnect()

    assert connected
    assert "Live feedback connected" in greeting
    assert 'id="socket-status"' in greeting
    assert_reveals_nothing(html.unescape(greeting), practice[0])


async def test_someone_elses_attempt_is_accepted_then_closed_with_4403(
    application: Any, attempt: Attempt
) -> None:
    stranger = await database_sync_to_async(new_session_key)()
    communicator = communicator_for(application, attempt.pk, stranger)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        closing = await communicator.receive_output(timeout=TIMEOUT)
    finally:
        await communicator.disconnect()

    assert connected
    assert closing == {"type": "websocket.close", "code": 4403}


@pytest.mark.parametrize("attempt_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
async def test_a_garbage_or_unknown_attempt_id_is_closed_with_4403(
    application: Any, session_key: str, seeded: None, attempt_id: str
) -> None:
    communicator = communicator_for(application, attempt_id, session_key)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        closing = await communicator.receive_output(timeout=TIMEOUT)
    finally:
        await communicator.disconnect()

    assert connected
    assert closing == {"type": "websocket.close", "code": 4403}


async def test_a_browser_without_a_session_cookie_is_closed_with_4403(
    application: Any, attempt: Attempt
) -> None:
    communicator = communicator_for(application, attempt.pk, session_key=None)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        closing = await communicator.receive_output(timeout=TIMEOUT)
    finally:
        await communicator.disconnect()

    assert connected
    assert closing == {"type": "websocket.close", "code": 4403}


@pytest.mark.parametrize("origin", [b"http://evil.example", b"https://testserver.evil.example"])
async def test_a_foreign_origin_is_refused(
    application: Any, attempt: Attempt, session_key: str, origin: bytes
) -> None:
    communicator = communicator_for(application, attempt.pk, session_key, origin=origin)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
    finally:
        await communicator.disconnect()

    assert not connected


async def test_a_socket_without_an_origin_header_is_refused(
    application: Any, attempt: Attempt, session_key: str
) -> None:
    communicator = communicator_for(application, attempt.pk, session_key, origin=None)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
    finally:
        await communicator.disconnect()

    assert not connected


# Practice answers


async def test_a_right_answer_gets_the_verdict_the_solution_and_the_marked_option(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    first = practice[0]
    async with live_socket(application, attempt, session_key) as socket:
        reply = await answer(socket, first, first.correct_pk)

    assert "<strong>Correct</strong>" in reply
    assert "Incorrect" not in reply
    assert 'hx-swap-oob="true"' in reply
    assert 'id="question"' in reply
    assert 'id="feedback"' in reply
    assert "is-correct" in reply
    marked = reply.split("is-correct", 1)[1].split("</li>", 1)[0]
    assert first.correct_text in marked
    assert "Solution</h3>" in reply
    for text in (*first.step_texts, first.quick_check, *first.mistakes):
        assert text in reply
    assert "Next question" in reply
    stored = await responses_of(attempt)
    assert [(r.question_id, r.choice_id, r.is_correct) for r in stored] == [
        (first.pk, first.correct_pk, True)
    ]


async def test_a_wrong_answer_gets_incorrect_and_the_chosen_options_feedback(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    first = practice[0]
    async with live_socket(application, attempt, session_key) as socket:
        reply = await answer(socket, first, first.wrong_pk)

    assert "<strong>Incorrect</strong>" in reply
    assert f"The correct answer is D: {first.correct_text}" in reply
    assert f"About your answer ({first.wrong_letter}):</strong> {first.wrong_feedback}" in reply
    for other in first.other_feedbacks:
        assert other not in reply
    assert "is-wrong" in reply
    stored = await responses_of(attempt)
    assert [(r.choice_id, r.is_correct, r.score) for r in stored] == [(first.wrong_pk, False, 0)]


async def test_a_duplicate_answer_says_already_answered_and_keeps_the_first(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    first = practice[0]
    async with live_socket(application, attempt, session_key) as socket:
        await answer(socket, first, first.wrong_pk)
        reply = await answer(socket, first, first.correct_pk)

    assert "already answered" in reply
    assert "your first answer stays" in reply
    # The page resyncs to the first answer's feedback, not the second's.
    assert "<strong>Incorrect</strong>" in reply
    stored = await responses_of(attempt)
    assert [(r.question_id, r.choice_id) for r in stored] == [(first.pk, first.wrong_pk)]


@pytest.mark.parametrize("question_id", ["999999999", "abc", "", None])
async def test_an_unknown_question_id_gets_a_message_and_stores_nothing(
    application: Any,
    attempt: Attempt,
    session_key: str,
    practice: list[QuestionFacts],
    question_id: str | None,
) -> None:
    async with live_socket(application, attempt, session_key) as socket:
        reply = await send_and_read(
            socket, action="answer", question=question_id, choice=str(practice[0].correct_pk)
        )

    assert "That question is not part of this quiz." in reply
    assert await responses_of(attempt) == []


async def test_a_question_of_another_quiz_is_unknown_here(
    application: Any,
    attempt: Attempt,
    session_key: str,
    performance: list[QuestionFacts],
) -> None:
    foreign = performance[0]
    async with live_socket(application, attempt, session_key) as socket:
        reply = await answer(socket, foreign, foreign.correct_pk)

    assert "That question is not part of this quiz." in reply
    assert await Response.objects.acount() == 0


async def test_a_choice_from_another_question_gets_a_message_and_stores_nothing(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    async with live_socket(application, attempt, session_key) as socket:
        reply = await answer(socket, practice[0], practice[1].correct_pk)

    assert "Pick one of the question's options." in reply
    assert "is-correct" not in reply
    assert await responses_of(attempt) == []


async def test_answering_ahead_gets_a_message_and_the_current_question_back(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    async with live_socket(application, attempt, session_key) as socket:
        reply = await answer(socket, practice[2], practice[2].correct_pk)

    assert "Answer the questions in order" in reply
    assert "Question 1 of 5" in reply
    assert practice[0].prompt in reply
    assert_reveals_nothing(reply, practice[0])
    assert await responses_of(attempt) == []


# Frames the protocol cannot read


UNREADABLE_FRAMES = {
    "malformed JSON": ({"text_data": '{"action": "answer", '}, "could not be read"),
    "a JSON list": ({"text_data": '["answer", 1, 2]'}, "could not be read"),
    "a JSON string": ({"text_data": '"answer"'}, "could not be read"),
    "a binary frame": ({"bytes_data": b'{"action": "answer"}'}, "Binary messages are not"),
    "an oversized frame": (
        {"text_data": json.dumps({"action": "next", "padding": "x" * (64 * 1024 + 1)})},
        "too large",
    ),
}


@pytest.mark.parametrize("frame", UNREADABLE_FRAMES.values(), ids=UNREADABLE_FRAMES.keys())
async def test_an_unreadable_frame_gets_a_message_and_the_socket_keeps_working(
    application: Any,
    attempt: Attempt,
    session_key: str,
    practice: list[QuestionFacts],
    frame: tuple[dict[str, Any], str],
) -> None:
    send_kwargs, expected = frame
    first = practice[0]
    async with live_socket(application, attempt, session_key) as socket:
        await socket.send_to(**send_kwargs)
        reply = html.unescape(await socket.receive_from(timeout=TIMEOUT))
        still_open = await socket.receive_nothing()
        after = await answer(socket, first, first.correct_pk)

    assert expected in reply
    assert 'id="notice"' in reply
    assert still_open
    assert "<strong>Correct</strong>" in after
    assert len(await responses_of(attempt)) == 1


@pytest.mark.parametrize(
    "fields", [{"action": "dance"}, {"action": None}, {}, {"action": ["answer"]}]
)
async def test_an_unknown_action_gets_a_message(
    application: Any,
    attempt: Attempt,
    session_key: str,
    practice: list[QuestionFacts],
    fields: dict[str, Any],
) -> None:
    async with live_socket(application, attempt, session_key) as socket:
        reply = await send_and_read(socket, **fields)
        still_open = await socket.receive_nothing()

    assert "Unknown action." in reply
    assert still_open
    assert await responses_of(attempt) == []


async def test_a_flood_of_frames_is_slowed_down_without_a_crash(
    application: Any, attempt: Attempt, session_key: str
) -> None:
    async with live_socket(application, attempt, session_key) as socket:
        for _ in range(40):
            await socket.send_to(text_data="not json")
        replies = [await socket.receive_from(timeout=TIMEOUT) for _ in range(40)]
        still_open = await socket.receive_nothing()

    slowed = [reply for reply in replies if "Slow down" in reply]
    assert slowed, "40 frames in a row were all served"
    assert "Slow down" in replies[-1]
    assert all("Slow down" in r or "could not be read" in r for r in replies)
    assert still_open


# Hints and moving on


async def test_the_hint_action_returns_the_hint_and_marks_the_answer_as_hinted(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    first = practice[0]
    async with live_socket(application, attempt, session_key) as socket:
        await send_and_read(socket, action="next")
        hint = await send_and_read(socket, action="hint", question=str(first.pk))
        await answer(socket, first, first.correct_pk)

    assert 'id="hint"' in hint
    assert f"Hint:</strong> {first.hint}" in hint
    assert_reveals_nothing(hint.replace(first.hint, ""), first)
    stored = await responses_of(attempt)
    assert stored[0].hint_used is True


async def test_a_hint_in_test_mode_is_refused(
    application: Any, test_attempt: Attempt, session_key: str, performance: list[QuestionFacts]
) -> None:
    first = performance[0]
    async with live_socket(application, test_attempt, session_key) as socket:
        reply = await send_and_read(socket, action="hint", question=str(first.pk))

    assert "Hints are only offered in practice mode" in reply
    assert first.hint not in reply


async def test_next_after_feedback_returns_the_next_question(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    first, second = practice[0], practice[1]
    async with live_socket(application, attempt, session_key) as socket:
        await answer(socket, first, first.correct_pk)
        reply = await send_and_read(socket, action="next")

    assert "Question 2 of 5" in reply
    assert second.prompt in reply
    assert f'name="question" value="{second.pk}"' in reply
    assert "Score: 1 of 1 answered" in reply
    assert_reveals_nothing(reply, second)


async def test_the_socket_never_sends_the_answer_or_solution_before_answering(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    communicator = communicator_for(application, attempt.pk, session_key)
    try:
        await communicator.connect(timeout=TIMEOUT)
        greeting = html.unescape(await communicator.receive_from(timeout=TIMEOUT))
        fresh_first = await send_and_read(communicator, action="next")
        await answer(communicator, practice[0], practice[0].correct_pk)
        fresh_second = await send_and_read(communicator, action="next")
    finally:
        await communicator.disconnect()

    assert_reveals_nothing(greeting, practice[0])
    assert_reveals_nothing(fresh_first, practice[0])
    assert "Question 1 of 5" in fresh_first
    assert_reveals_nothing(fresh_second, practice[1])
    assert "Question 2 of 5" in fresh_second


async def test_the_whole_practice_quiz_over_the_socket_finishes_the_attempt(
    application: Any, attempt: Attempt, session_key: str, practice: list[QuestionFacts]
) -> None:
    async with live_socket(application, attempt, session_key) as socket:
        for number, question in enumerate(practice, start=1):
            reply = await answer(socket, question, question.correct_pk)
            assert "<strong>Correct</strong>" in reply
            if number < len(practice):
                assert "Next question" in reply
                nxt = await send_and_read(socket, action="next")
                assert f"Question {number + 1} of 5" in nxt
        late = await answer(socket, practice[-1], practice[-1].wrong_pk)

    assert "See your results" in reply
    assert "Next question" not in reply
    assert "already answered" in late or "finished" in late
    stored = await responses_of(attempt)
    assert len(stored) == 5
    assert all(r.is_correct for r in stored)
    finished = await Attempt.objects.aget(pk=attempt.pk)
    assert finished.finished_at is not None


# Test mode


async def test_a_test_mode_answer_is_saved_and_the_next_question_shown_without_a_verdict(
    application: Any, test_attempt: Attempt, session_key: str, performance: list[QuestionFacts]
) -> None:
    first, second = performance[0], performance[1]
    async with live_socket(application, test_attempt, session_key) as socket:
        reply = await answer(socket, first, first.correct_pk)

    assert "Answer saved." in reply
    assert "Question 2 of 3" in reply
    assert second.prompt in reply
    assert_reveals_nothing(reply, first)
    assert_reveals_nothing(reply, second)
    assert "Solution" not in reply.replace('aria-label="Solution"', "")
    stored = await responses_of(test_attempt)
    assert [(r.question_id, r.is_correct) for r in stored] == [(first.pk, True)]


async def test_the_last_test_mode_answer_reveals_nothing_and_leaves_the_test_to_submit(
    application: Any, test_attempt: Attempt, session_key: str, performance: list[QuestionFacts]
) -> None:
    """Answers stay changeable until "Submit all" (tests/test_consumers_test_mode.py)."""
    async with live_socket(application, test_attempt, session_key) as socket:
        replies = [await answer(socket, question, question.wrong_pk) for question in performance]

    for reply in replies:
        for question in performance:
            assert_reveals_nothing(reply, question)
    assert "Answer saved." in replies[-1]
    assert "Review and submit" in replies[-1]
    unfinished = await Attempt.objects.aget(pk=test_attempt.pk)
    assert unfinished.finished_at is None

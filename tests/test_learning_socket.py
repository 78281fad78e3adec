"""A review run over the attempt socket: a drawn set gets the same instant feedback as
practice, through the whole ASGI stack (Origin check, session, router, AttemptConsumer)."""

from __future__ import annotations

import html
import json
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from fsrs import Rating

from learning import services
from learning.models import ModeQuiz, ReviewCard
from learning.owners import Learner
from lessons.models import Lesson
from quiz import services as quiz_services
from quiz.models import Attempt, Quiz
from tests.conftest import socket_headers
from tests.factories import answer, correct_choice, new_session_key, ordered_questions, wrong_choice

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]

TIMEOUT = 10  # seconds a reply may take on a slow machine; not a performance bound


def review_run_of_two_mistakes(practice_quiz: Quiz) -> tuple[Attempt, list[tuple[int, int, int]]]:
    """A visitor who got questions 2 and 4 wrong, a while ago: both are due. Returns the
    review attempt and (question, right choice, wrong choice) ids in its order."""
    learner = Learner(user=None, session_key=new_session_key())
    practice = quiz_services.start_attempt(
        quiz=practice_quiz, session_key=learner.session_key, user=AnonymousUser()
    )
    for question in ordered_questions(practice_quiz):
        bad = question.order in {2, 4}
        answer(practice, question, wrong_choice(question) if bad else correct_choice(question))
    ReviewCard.objects.filter(owner=learner.key, last_rating=Rating.Again).update(
        due=timezone.now() - timedelta(seconds=1)
    )
    lesson = Lesson.objects.get(pk=practice_quiz.lesson_id)
    attempt = services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.REVIEW, learner=learner)
    facts = [
        (q.pk, correct_choice(q).pk, wrong_choice(q).pk)
        for q in quiz_services.questions_for(attempt)
    ]
    return attempt, facts


def card_of(attempt: Attempt, question_id: int) -> ReviewCard:
    return ReviewCard.objects.get(owner=f"s:{attempt.session_key}", question_id=question_id)


async def send_and_read(communicator: WebsocketCommunicator, **fields: Any) -> str:
    await communicator.send_to(text_data=json.dumps(fields))
    return html.unescape(await communicator.receive_from(timeout=TIMEOUT))


async def test_a_review_run_gets_instant_feedback_and_moves_the_cards(
    application: Any, practice_quiz: Quiz
) -> None:
    attempt, facts = await database_sync_to_async(review_run_of_two_mistakes)(practice_quiz)
    (first, first_right, _), (second, _, second_wrong) = facts
    communicator = WebsocketCommunicator(
        application,
        f"/ws/attempts/{attempt.pk}/",
        headers=socket_headers(attempt.session_key),
    )
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        assert "Live feedback connected" in await communicator.receive_from(timeout=TIMEOUT)

        right = await send_and_read(
            communicator, action="answer", question=str(first), choice=str(first_right)
        )
        assert "Correct" in right
        assert "Solution" in right
        assert "Question 1 of 2" in right

        shown = await send_and_read(communicator, action="next")
        assert "Question 2 of 2" in shown

        wrong = await send_and_read(
            communicator, action="answer", question=str(second), choice=str(second_wrong)
        )
        assert "Incorrect" in wrong
        assert "Score: 1 of 2" in wrong
    finally:
        await communicator.disconnect()

    moved = await database_sync_to_async(card_of)(attempt, first)
    again = await database_sync_to_async(card_of)(attempt, second)
    assert moved.reviews == 2
    assert moved.last_rating == Rating.Easy
    assert moved.due > timezone.now() + timedelta(hours=12)  # a day, after a lapse
    assert again.reviews == 2
    assert again.last_rating == Rating.Again
    assert again.due <= timezone.now() + timedelta(minutes=10)


async def test_a_question_outside_the_drawn_set_is_refused(
    application: Any, practice_quiz: Quiz
) -> None:
    attempt, facts = await database_sync_to_async(review_run_of_two_mistakes)(practice_quiz)
    outside = await database_sync_to_async(
        lambda: next(q for q in ordered_questions(practice_quiz) if q.order == 1)
    )()
    communicator = WebsocketCommunicator(
        application,
        f"/ws/attempts/{attempt.pk}/",
        headers=socket_headers(attempt.session_key),
    )
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        await communicator.receive_from(timeout=TIMEOUT)
        refused = await send_and_read(
            communicator, action="answer", question=str(outside.pk), choice=str(facts[0][1])
        )
    finally:
        await communicator.disconnect()
    assert "not part of this quiz" in refused

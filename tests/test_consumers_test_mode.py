"""Test mode over the attempt socket: change an answer, move back and forth, flag; the
same services as the plain forms, and nothing graded shows before the results."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from quiz.models import Attempt, QuestionFlag
from tests.test_consumers_attempt import (
    QuestionFacts,
    answer,
    assert_reveals_nothing,
    live_socket,
    performance,
    responses_of,
    send_and_read,
    test_attempt,
)

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["performance", "test_attempt"]  # fixtures, imported for these tests


async def test_going_back_and_changing_an_answer_updates_its_one_row(
    application: Any, test_attempt: Attempt, session_key: str, performance: list[QuestionFacts]
) -> None:
    first, third = performance[0], performance[2]
    async with live_socket(application, test_attempt, session_key) as socket:
        await answer(socket, first, first.wrong_pk)
        ahead = await send_and_read(socket, action="go", question=str(third.pk))
        back = await send_and_read(socket, action="go", question=str(first.pk))
        changed = await answer(socket, first, first.correct_pk)

    assert "Question 3 of 3" in ahead
    assert third.prompt in ahead
    assert "Question 1 of 3" in back
    # The earlier answer is marked as the student's, still a button to change.
    assert f'class="choice is-chosen" name="choice" value="{first.wrong_pk}"' in back
    assert "Answer saved." in changed
    for reply in (ahead, back, changed):
        for question in performance:
            assert_reveals_nothing(reply, question)
    stored = await responses_of(test_attempt)
    assert [(r.question_id, r.choice_id, r.is_correct) for r in stored] == [
        (first.pk, first.correct_pk, True)
    ]


async def test_flagging_a_question_marks_it_in_the_question_map(
    application: Any, test_attempt: Attempt, session_key: str, performance: list[QuestionFacts]
) -> None:
    second = performance[1]
    async with live_socket(application, test_attempt, session_key) as socket:
        await send_and_read(socket, action="go", question=str(second.pk))
        flagged = await send_and_read(socket, action="flag", question=str(second.pk), flagged="on")
        cleared = await send_and_read(socket, action="flag", question=str(second.pk), flagged="")

    assert "Flagged for later." in flagged
    assert 'aria-pressed="true"' in flagged
    assert "Question 2, not answered, flagged" in flagged
    assert "Flag removed." in cleared
    assert 'aria-pressed="false"' in cleared
    assert "Question 2, not answered</span>" in cleared
    assert not await QuestionFlag.objects.filter(attempt=test_attempt).aexists()


async def test_a_submitted_test_refuses_a_change_over_the_socket(
    application: Any, test_attempt: Attempt, session_key: str, performance: list[QuestionFacts]
) -> None:
    first = performance[0]
    async with live_socket(application, test_attempt, session_key) as socket:
        await answer(socket, first, first.wrong_pk)
        await Attempt.objects.filter(pk=test_attempt.pk).aupdate(finished_at=timezone.now())
        refused = await answer(socket, first, first.correct_pk)
        moved = await send_and_read(socket, action="go", question=str(first.pk))

    assert "This attempt is finished" in refused
    assert "See your results" in refused
    assert "This attempt is finished" in moved
    stored = await responses_of(test_attempt)
    assert [(r.choice_id, r.is_correct) for r in stored] == [(first.wrong_pk, False)]


async def test_a_question_of_another_quiz_is_refused(
    application: Any,
    test_attempt: Attempt,
    session_key: str,
    performance: list[QuestionFacts],
) -> None:
    async with live_socket(application, test_attempt, session_key) as socket:
        reply = await send_and_read(socket, action="go", question="999999")

    assert "That question is not part of this quiz." in reply

"""Moodle-style review options and attempt limits, set per quiz: what a finished test
attempt shows and from when, how many attempts each student may start, and a close
date after which nothing more is taken (quiz/models.py Quiz.review_at, quiz/services.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quiz import services
from quiz.models import Attempt, Question, Quiz
from tests.factories import correct_choice, ordered_questions, submit, wrong_choice

pytestmark = pytest.mark.django_db

TEST_SLUG = "asgi-vs-wsgi-performance"


def start(client: Client) -> Any:
    return client.post(reverse("quiz:start", args=[TEST_SLUG]))


def finish_with_one_wrong(client: Client) -> tuple[Attempt, list[Question]]:
    """Questions 1 and 3 right, 2 wrong; the results page's text."""
    start(client)
    attempt = Attempt.objects.order_by("-started_at").first()
    questions = ordered_questions(attempt.quiz)
    for question in questions:
        choice = wrong_choice(question) if question == questions[1] else correct_choice(question)
        services.present_question(attempt=attempt)
        submit(attempt=attempt, question_id=question.pk, choice_id=choice.pk)
    return attempt, questions


def results_of(client: Client, attempt: Attempt) -> str:
    return client.get(attempt.get_results_url()).content.decode()


def set_review(**fields: Any) -> None:
    Quiz.objects.filter(slug=TEST_SLUG).update(**fields)


# What a finished attempt shows


def test_by_default_a_test_shows_which_answers_were_right_but_not_the_key(
    client: Client, test_quiz: Quiz
) -> None:
    attempt, questions = finish_with_one_wrong(client)
    page = results_of(client, attempt)

    assert "You scored 2 of 3" in page
    assert "Question 2: incorrect" in page
    assert wrong_choice(questions[1]).text in page  # the student's own answer
    assert correct_choice(questions[1]).text not in page  # never the key
    assert "Correct answer" not in page
    assert questions[1].final_answer not in page
    for step in questions[1].steps:
        assert step.text not in page
    assert "stay hidden" in page


def test_score_only_shows_nothing_of_the_answers(client: Client, test_quiz: Quiz) -> None:
    set_review(review=Quiz.Review.SCORE)
    attempt, questions = finish_with_one_wrong(client)
    page = results_of(client, attempt)

    assert "You scored 2 of 3" in page
    assert "incorrect" not in page
    assert "is-wrong" not in page
    assert wrong_choice(questions[1]).text not in page
    assert "score only" in page


def test_the_full_review_shows_the_key_and_the_solutions(client: Client, test_quiz: Quiz) -> None:
    set_review(review=Quiz.Review.FULL)
    attempt, questions = finish_with_one_wrong(client)
    page = results_of(client, attempt)

    assert f"{correct_choice(questions[1]).letter}: {correct_choice(questions[1]).text}" in page
    assert questions[1].final_answer in page
    assert "review-hidden" not in page


def test_a_review_set_to_wait_shows_the_score_until_the_quiz_closes(
    client: Client, test_quiz: Quiz
) -> None:
    closes = timezone.now() + timedelta(days=2)
    set_review(review=Quiz.Review.FULL, review_from=Quiz.ReviewFrom.AFTER_CLOSE, closes_at=closes)
    attempt, questions = finish_with_one_wrong(client)

    before = results_of(client, attempt)
    assert "You scored 2 of 3" in before
    assert correct_choice(questions[1]).text not in before
    assert "will be shown after the quiz closes" in before
    assert str(closes.year) in before

    set_review(closes_at=timezone.now() - timedelta(minutes=1))
    after = results_of(client, attempt)
    assert correct_choice(questions[1]).text in after
    assert questions[1].final_answer in after


def test_a_review_that_waits_needs_a_close_date(test_quiz: Quiz) -> None:
    test_quiz.review_from = Quiz.ReviewFrom.AFTER_CLOSE
    with pytest.raises(ValidationError, match="close date"):
        test_quiz.full_clean()


def test_practice_keeps_its_instant_feedback_and_its_full_results(
    client: Client, practice_quiz: Quiz
) -> None:
    Quiz.objects.filter(pk=practice_quiz.pk).update(review=Quiz.Review.SCORE)
    client.post(reverse("quiz:start", args=[practice_quiz.slug]))
    attempt = Attempt.objects.get()
    question = ordered_questions(practice_quiz)[0]
    answer = client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": question.pk, "choice": wrong_choice(question).pk},
    )
    feedback = client.get(answer["Location"]).content.decode()
    assert correct_choice(question).text in feedback  # instant feedback, as before
    assert Quiz.objects.get(pk=practice_quiz.pk).review_at(timezone.now()) == Quiz.Review.FULL


# Attempt limits


def test_a_quiz_allowing_one_attempt_refuses_the_second(client: Client, test_quiz: Quiz) -> None:
    set_review(max_attempts=1)
    attempt, _ = finish_with_one_wrong(client)

    refused = start(client)

    assert refused["Location"] == test_quiz.get_absolute_url()
    assert Attempt.objects.count() == 1
    page = client.get(refused["Location"]).content.decode()
    assert "used every attempt" in page
    assert "1 allowed, 0 left" in page
    assert "Try again" not in results_of(client, attempt)


def test_the_limit_counts_per_account_across_browsers(test_quiz: Quiz) -> None:
    set_review(max_attempts=2)
    student = User.objects.create_user("student")
    laptop, phone = Client(), Client()
    laptop.force_login(student)
    phone.force_login(student)

    start(laptop)
    start(phone)
    start(phone)

    assert Attempt.objects.filter(user=student).count() == 2


def test_the_limit_counts_per_browser_without_an_account(test_quiz: Quiz) -> None:
    set_review(max_attempts=1)
    browser, another = Client(), Client()

    start(browser)
    start(browser)
    start(another)

    assert Attempt.objects.filter(user=None).count() == 2  # one per browser session


def test_unlimited_attempts_by_default(client: Client, test_quiz: Quiz) -> None:
    for _ in range(4):
        start(client)
    assert Attempt.objects.count() == 4


# A closed quiz


def test_a_closed_quiz_starts_no_attempt_and_takes_no_answer(
    client: Client, test_quiz: Quiz
) -> None:
    start(client)
    attempt = Attempt.objects.get()
    question = ordered_questions(test_quiz)[0]
    set_review(closes_at=timezone.now() - timedelta(seconds=1))

    refused = start(client)
    assert Attempt.objects.count() == 1
    assert "is closed" in client.get(refused["Location"]).content.decode()
    client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": question.pk, "choice": correct_choice(question).pk},
    )
    assert attempt.responses.count() == 0
    services.present_question(attempt=attempt)
    with pytest.raises(services.QuizClosed):
        submit(attempt=attempt, question_id=question.pk, choice_id=correct_choice(question).pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_thread_connection_closed")
async def test_a_closed_quiz_refuses_an_answer_over_the_socket_with_a_message(
    asgi_application: Any, test_quiz: Quiz, session_key: str
) -> None:
    import json

    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from tests.conftest import socket_headers

    def prepare() -> tuple[Attempt, Question]:
        attempt = services.start_attempt(quiz=test_quiz, session_key=session_key, user=None)
        question = services.present_question(attempt=attempt)
        set_review(closes_at=timezone.now() - timedelta(seconds=1))
        return attempt, question

    attempt, question = await sync_to_async(prepare)()
    choice = await sync_to_async(correct_choice)(question)
    socket = WebsocketCommunicator(
        asgi_application, f"/ws/attempts/{attempt.pk}/", headers=socket_headers(session_key)
    )
    assert (await socket.connect())[0]
    await socket.receive_from(5)  # the status line
    await socket.send_to(
        text_data=json.dumps({"action": "answer", "question": question.pk, "choice": choice.pk})
    )
    assert "This quiz is closed" in await socket.receive_from(5)
    await socket.disconnect()
    assert await attempt.responses.acount() == 0

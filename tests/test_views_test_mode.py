"""Test mode with plain forms (no JavaScript): Previous/Next and the question map, changing
an answer, flags, the overview and "Submit all" with its confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt, Question, QuestionFlag, Quiz, Response
from tests.test_views_selfpaced import (
    TEST_SLUG,
    correct_choice,
    play_url,
    post_answer,
    start,
    submit_all,
    text_of,
    wrong_choice,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(test_quiz: Quiz) -> list[Question]:
    return list(test_quiz.questions.order_by("order"))


def go(client: Client, attempt: Attempt, question: Question) -> Any:
    return client.post(reverse("quiz:go", args=[attempt.pk]), {"question": question.pk})


def test_the_play_page_has_the_flag_button_the_question_map_and_the_overview_link(
    client: Client, questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    page = text_of(client.get(play_url(attempt)))

    assert f'action="{reverse("quiz:flag", args=[attempt.pk])}"' in page
    assert f'action="{reverse("quiz:go", args=[attempt.pk])}"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 3  # answer, flag and go forms
    assert "Question 1, not answered" in page
    assert 'aria-current="step"' in page
    assert "Previous question" not in page  # on the first question
    assert f'name="question" value="{questions[1].pk}">Next question' in page
    assert f'href="{reverse("quiz:overview", args=[attempt.pk])}"' in page


def test_next_previous_and_the_map_move_between_questions(
    client: Client, questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    response = go(client, attempt, questions[2])
    assert response["Location"] == play_url(attempt)
    page = text_of(client.get(play_url(attempt)))
    assert "Question 3 of 3" in page
    assert questions[2].prompt_paragraphs[0] in page
    assert "Previous question" in page

    go(client, attempt, questions[0])
    assert "Question 1 of 3" in text_of(client.get(play_url(attempt)))


def test_an_answer_can_be_changed_and_is_marked_as_yours_without_its_grade(
    client: Client, questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    first = questions[0]
    post_answer(client, attempt, first, wrong_choice(first))
    go(client, attempt, first)
    page = text_of(client.get(play_url(attempt)))
    assert f'value="{wrong_choice(first).pk}"><span class="letter"' in page
    assert "Your answer</span>" in page
    for word in ("is-correct", "is-wrong", "Correct answer", "Incorrect"):
        assert word not in page

    response = post_answer(client, attempt, first, correct_choice(first))

    assert response["Location"] == play_url(attempt)
    assert "Answer saved." in text_of(client.get(play_url(attempt)))
    assert Response.objects.get(attempt=attempt, question=first).choice == correct_choice(first)


def test_a_flag_is_set_and_cleared_by_its_button(client: Client, questions: list[Question]) -> None:
    attempt = start(client, TEST_SLUG)
    flag_url = reverse("quiz:flag", args=[attempt.pk])
    client.post(flag_url, {"question": questions[0].pk, "flagged": "on"})
    page = text_of(client.get(play_url(attempt)))
    assert 'aria-pressed="true"' in page
    assert "Question 1, not answered, flagged" in page

    client.post(flag_url, {"question": questions[0].pk, "flagged": ""})
    assert not QuestionFlag.objects.filter(attempt=attempt).exists()


def test_the_overview_lists_answered_unanswered_and_flagged_questions(
    client: Client, questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    post_answer(client, attempt, questions[0], correct_choice(questions[0]))
    client.post(
        reverse("quiz:flag", args=[attempt.pk]), {"question": questions[1].pk, "flagged": "on"}
    )

    page = text_of(client.get(reverse("quiz:overview", args=[attempt.pk])))

    assert "3 questions: 2 not answered, 1 flagged." in page
    assert page.count(">Answered<") + page.count(">Answered ·") == 1
    assert "Not answered ·" in page  # question 2: not answered and flagged
    assert "2 questions are not answered: they count as wrong." in page
    assert 'name="confirm" required' in page
    assert "Submit all" in page
    for word in ("is-correct", "Correct answer", "Incorrect"):
        assert word not in page


def test_submit_all_without_the_confirmation_is_refused_and_nothing_is_final(
    client: Client, questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    post_answer(client, attempt, questions[0], correct_choice(questions[0]))

    response = client.post(reverse("quiz:submit", args=[attempt.pk]), {})

    assert response["Location"] == reverse("quiz:overview", args=[attempt.pk])
    assert "Tick the box to confirm" in text_of(client.get(response["Location"]))
    attempt.refresh_from_db()
    assert not attempt.is_finished


def test_submit_all_finishes_the_test_and_its_results_show_the_changed_answer(
    client: Client, questions: list[Question]
) -> None:
    Quiz.objects.filter(slug=TEST_SLUG).update(review=Quiz.Review.FULL)
    attempt = start(client, TEST_SLUG)
    first = questions[0]
    post_answer(client, attempt, first, wrong_choice(first))
    go(client, attempt, first)
    post_answer(client, attempt, first, correct_choice(first))

    response = submit_all(client, attempt)

    assert response["Location"] == reverse("quiz:results", args=[attempt.pk])
    results = text_of(client.get(response["Location"]))
    assert "You scored 1 of 3" in results
    right = correct_choice(first)
    assert f"Your answer</dt><dd>{right.letter}: {right.text}</dd>" in results
    # Finished: the play and overview pages go to the results, and changes are refused.
    assert client.get(play_url(attempt))["Location"] == response["Location"]
    assert (
        client.get(reverse("quiz:overview", args=[attempt.pk]))["Location"] == response["Location"]
    )
    post_answer(client, attempt, first, wrong_choice(first))
    assert Response.objects.get(attempt=attempt, question=first).is_correct


def test_the_overview_of_a_practice_attempt_is_its_play_page(
    client: Client, practice_quiz: Quiz
) -> None:
    attempt = start(client)
    response = client.get(reverse("quiz:overview", args=[attempt.pk]))
    assert response["Location"] == play_url(attempt)


def test_someone_elses_test_cannot_be_moved_flagged_or_submitted(
    client: Client, questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    stranger = Client()
    for name, data in (
        ("quiz:go", {"question": questions[1].pk}),
        ("quiz:flag", {"question": questions[1].pk, "flagged": "on"}),
        ("quiz:submit", {"confirm": "on"}),
    ):
        assert stranger.post(reverse(name, args=[attempt.pk]), data).status_code == 404
    attempt.refresh_from_db()
    assert not attempt.is_finished
    assert not QuestionFlag.objects.exists()

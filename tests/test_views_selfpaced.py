"""The self-paced quiz over plain HTTP: the path a student without JavaScript takes.

Every page here is a full page and every action a POST form followed by a redirect,
driven with Django's test client.
"""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson
from quiz.models import Attempt, Choice, Question, Quiz, Response

PRACTICE_SLUG = "asgi-vs-wsgi-practice"
TEST_SLUG = "asgi-vs-wsgi-performance"


def text_of(response: Any) -> str:
    """The page's HTML with entities decoded, so texts with apostrophes compare as written."""
    return html.unescape(response.content.decode())


def ordered_questions(quiz: Quiz) -> list[Question]:
    return list(quiz.questions.order_by("order"))


def correct_choice(question: Question) -> Choice:
    return question.choices.get(is_correct=True)


def wrong_choice(question: Question) -> Choice:
    """The first wrong option: one with feedback in the seed content."""
    return question.choices.filter(is_correct=False).order_by("order").first()


def start(client: Client, slug: str = PRACTICE_SLUG) -> Attempt:
    response = client.post(reverse("quiz:start", args=[slug]))
    assert response.status_code == 302
    attempt_id = re.fullmatch(r"/attempts/([0-9a-f-]{36})/", response["Location"]).group(1)
    return Attempt.objects.get(pk=attempt_id)


def post_answer(client: Client, attempt: Attempt, question: Question, choice: Choice) -> Any:
    return client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"action": "answer", "question": question.pk, "choice": choice.pk},
    )


def submit_all(client: Client, attempt: Attempt) -> Any:
    """A test's "Submit all" on its overview page, with the box ticked."""
    return client.post(reverse("quiz:submit", args=[attempt.pk]), {"confirm": "on"})


def play_url(attempt: Attempt) -> str:
    return reverse("quiz:play", args=[attempt.pk])


def visible_question_pk(client: Client, attempt: Attempt) -> int:
    page = client.get(play_url(attempt))
    match = re.search(r'name="question" value="(\d+)"', page.content.decode())
    assert match, "the play page shows no answer form"
    return int(match.group(1))


def solution_texts(question: Question) -> list[str]:
    """Texts that only the revealed solution contains (the final answer is also an option)."""
    texts = [step.text for step in question.steps if step.text]
    texts += [question.quick_check, *question.mistakes]
    return texts


@pytest.fixture
def practice_questions(practice_quiz: Quiz) -> list[Question]:
    return ordered_questions(practice_quiz)


@pytest.fixture
def test_questions(test_quiz: Quiz) -> list[Question]:
    return ordered_questions(test_quiz)


# Starting


def test_the_quiz_page_offers_a_start_button_that_posts_with_a_csrf_token(
    client: Client, practice_quiz: Quiz
) -> None:
    page = client.get(reverse("quiz:detail", args=[PRACTICE_SLUG]))

    content = page.content.decode()
    assert page.status_code == 200
    assert f'action="{reverse("quiz:start", args=[PRACTICE_SLUG])}"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert "Start practice" in content


def test_starting_creates_an_attempt_owned_by_the_session_and_redirects_to_play(
    client: Client, practice_quiz: Quiz
) -> None:
    response = client.post(reverse("quiz:start", args=[PRACTICE_SLUG]))

    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == play_url(attempt)
    assert attempt.quiz == practice_quiz
    assert attempt.user is None
    assert attempt.session_key
    assert attempt.session_key == client.session.session_key


def test_start_refuses_get(client: Client, practice_quiz: Quiz) -> None:
    response = client.get(reverse("quiz:start", args=[PRACTICE_SLUG]))

    assert response.status_code == 405
    assert not Attempt.objects.exists()


def test_a_start_post_without_a_csrf_token_is_forbidden(practice_quiz: Quiz) -> None:
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("quiz:start", args=[PRACTICE_SLUG]))

    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_a_start_post_with_the_pages_csrf_token_is_accepted(practice_quiz: Quiz) -> None:
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("quiz:detail", args=[PRACTICE_SLUG]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())

    response = browser.post(
        reverse("quiz:start", args=[PRACTICE_SLUG]), {"csrfmiddlewaretoken": token.group(1)}
    )

    assert response.status_code == 302
    assert Attempt.objects.count() == 1


def test_an_answer_post_without_a_csrf_token_is_forbidden(
    practice_quiz: Quiz, practice_questions: list[Question]
) -> None:
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("quiz:detail", args=[PRACTICE_SLUG]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    browser.post(
        reverse("quiz:start", args=[PRACTICE_SLUG]), {"csrfmiddlewaretoken": token.group(1)}
    )
    attempt = Attempt.objects.get()

    response = post_answer(
        browser, attempt, practice_questions[0], correct_choice(practice_questions[0])
    )

    assert response.status_code == 403
    assert not Response.objects.exists()


def test_an_unpublished_quiz_cannot_be_started(client: Client, practice_quiz: Quiz) -> None:
    Quiz.objects.filter(pk=practice_quiz.pk).update(published=False)

    response = client.post(reverse("quiz:start", args=[PRACTICE_SLUG]))

    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_a_quiz_of_an_unpublished_lesson_cannot_be_started(
    client: Client, practice_quiz: Quiz
) -> None:
    # Its quiz page is a 404 (quiz_detail requires lesson__published), so starting must be too.
    Lesson.objects.filter(pk=practice_quiz.lesson_id).update(published=False)
    assert client.get(reverse("quiz:detail", args=[PRACTICE_SLUG])).status_code == 404

    response = client.post(reverse("quiz:start", args=[PRACTICE_SLUG]))

    assert response.status_code == 404
    assert not Attempt.objects.exists()


# The question page before answering


def test_the_play_page_shows_the_first_question_with_its_options_as_submit_buttons(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]

    page = client.get(play_url(attempt))

    content = text_of(page)
    assert page.status_code == 200
    assert "Question 1 of 5" in content
    assert '<span class="badge badge-easy">Easy</span>' in content
    assert first.prompt_paragraphs[0] in content
    assert f'action="{reverse("quiz:answer", args=[attempt.pk])}"' in content
    assert f'name="question" value="{first.pk}"' in content
    for choice in first.choices.all():
        assert f'<button type="submit" class="choice" name="choice" value="{choice.pk}">' in content
        assert choice.text in content
    assert "Show hint" in content


def test_the_play_page_reveals_nothing_before_the_answer(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]

    content = text_of(client.get(play_url(attempt)))

    assert "is-correct" not in content
    assert "Correct answer" not in content
    assert "Solution</h3>" not in content
    assert "Final answer" not in content
    assert "Correct</strong>" not in content
    assert "Incorrect" not in content
    assert first.hint not in content
    for text in solution_texts(first):
        assert text not in content
    for choice in first.choices.filter(is_correct=False):
        assert choice.feedback
        assert choice.feedback not in content


def test_the_play_page_starts_the_question_clock(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)

    client.get(play_url(attempt))

    attempt.refresh_from_db()
    assert attempt.current_question == practice_questions[0]
    assert attempt.question_shown_at is not None


# Practice mode: feedback after each answer


def test_a_practice_answer_redirects_to_its_feedback(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]
    client.get(play_url(attempt))

    response = post_answer(client, attempt, first, correct_choice(first))

    assert response.status_code == 302
    assert response["Location"] == f"{play_url(attempt)}?answered={first.pk}"
    assert Response.objects.get(attempt=attempt).is_correct is True


def test_the_feedback_for_a_right_answer_shows_the_verdict_and_the_whole_solution(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]
    client.get(play_url(attempt))

    page = post_answer(client, attempt, first, correct_choice(first))
    content = text_of(client.get(page["Location"]))

    assert "<strong>Correct</strong>" in content
    assert "Incorrect" not in content
    assert re.search(
        r'class="choice is-correct is-chosen">.*?' + re.escape(correct_choice(first).text),
        content,
        re.DOTALL,
    )
    assert "Correct answer" in content
    assert "Solution</h3>" in content
    for step in first.steps:
        assert step.title in content
        assert step.text in content
    assert f"Final answer:</strong> {first.final_answer}" in content
    assert f"Quick check:</strong> {first.quick_check}" in content
    assert f"Hint:</strong> {first.hint}" in content
    assert "Common mistakes" in content
    for mistake in first.mistakes:
        assert mistake in content
    assert "Next question" in content
    assert "Score: 1 of 1 answered" in content


def test_the_feedback_for_a_wrong_answer_names_the_correct_option_and_explains_the_pick(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    second = practice_questions[1]
    post_answer(client, attempt, practice_questions[0], correct_choice(practice_questions[0]))
    client.get(play_url(attempt))
    picked = wrong_choice(second)

    page = post_answer(client, attempt, second, picked)
    content = text_of(client.get(page["Location"]))

    assert "<strong>Incorrect</strong>" in content
    assert f"The correct answer is C: {correct_choice(second).text}" in content
    assert re.search(
        r'class="choice is-correct">.*?' + re.escape(correct_choice(second).text),
        content,
        re.DOTALL,
    )
    assert re.search(
        r'class="choice is-chosen is-wrong">.*?' + re.escape(picked.text), content, re.DOTALL
    )
    assert f"About your answer ({picked.letter}):</strong> {picked.feedback}" in content
    for step in second.steps:
        assert step.text in content
    assert "Next question" in content


def test_the_feedback_page_shows_only_the_picked_options_feedback(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]
    picked = wrong_choice(first)

    page = post_answer(client, attempt, first, picked)
    content = text_of(client.get(page["Location"]))

    others = first.choices.filter(is_correct=False).exclude(pk=picked.pk)
    assert picked.feedback in content
    for other in others:
        assert other.feedback not in content


def test_next_question_after_feedback_shows_question_two(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    post_answer(client, attempt, practice_questions[0], correct_choice(practice_questions[0]))

    # The "Next question" form is a GET to the play page.
    content = text_of(client.get(play_url(attempt), {"action": "next"}))

    assert "Question 2 of 5" in content
    assert f'name="question" value="{practice_questions[1].pk}"' in content
    assert "Solution</h3>" not in content


def test_a_reload_right_after_an_answer_keeps_its_feedback_until_next(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    client.get(play_url(attempt))  # question 1 on screen, as the socket's page shows it
    post_answer(client, attempt, practice_questions[0], wrong_choice(practice_questions[0]))

    reloaded = text_of(client.get(play_url(attempt)))  # the socket's page kept its address

    assert "<strong>Incorrect</strong>" in reloaded
    assert "Next question" in reloaded
    assert "Question 2 of 5" not in text_of(client.get(play_url(attempt)))
    assert "Question 2 of 5" in text_of(client.get(play_url(attempt), {"action": "next"}))
    assert "<strong>Incorrect</strong>" not in text_of(client.get(play_url(attempt)))


def test_asking_for_feedback_on_an_unanswered_question_reveals_nothing(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    second = practice_questions[1]

    content = text_of(client.get(play_url(attempt), {"answered": second.pk}))

    assert "Question 1 of 5" in content
    assert "is-correct" not in content
    for text in solution_texts(second):
        assert text not in content


def test_the_whole_practice_quiz_ends_on_a_results_page(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    for question in practice_questions[:-1]:
        post_answer(client, attempt, question, correct_choice(question))
    last = practice_questions[-1]

    page = post_answer(client, attempt, last, wrong_choice(last))
    feedback = text_of(client.get(page["Location"]))

    assert "<strong>Incorrect</strong>" in feedback
    assert "See your results" in feedback
    assert "Next question" not in feedback
    results = text_of(client.get(reverse("quiz:results", args=[attempt.pk])))
    assert "You scored 4 of 5 (80%)." in results
    assert Response.objects.filter(attempt=attempt).count() == 5


# Hints


def test_the_hint_button_records_the_hint_and_the_page_then_shows_it(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]
    client.get(play_url(attempt))

    response = client.post(reverse("quiz:hint", args=[attempt.pk]), {"question": first.pk})

    assert response.status_code == 302
    assert response["Location"] == f"{play_url(attempt)}#hint"
    attempt.refresh_from_db()
    assert attempt.hint_shown is True
    content = text_of(client.get(play_url(attempt)))
    assert f"Hint:</strong> {first.hint}" in content
    assert "Show hint" not in content
    assert "Question 1 of 5" in content


def test_an_answer_after_the_hint_is_stored_as_hint_used(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]
    client.get(play_url(attempt))
    client.post(reverse("quiz:hint", args=[attempt.pk]), {"question": first.pk})

    post_answer(client, attempt, first, correct_choice(first))

    assert Response.objects.get(attempt=attempt).hint_used is True


def test_a_hint_in_test_mode_is_refused_with_a_message(
    client: Client, test_questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    client.get(play_url(attempt))

    response = client.post(
        reverse("quiz:hint", args=[attempt.pk]), {"question": test_questions[0].pk}, follow=True
    )

    content = text_of(response)
    assert "Hints are only offered in practice mode" in content
    assert test_questions[0].hint not in content
    attempt.refresh_from_db()
    assert attempt.hint_shown is False


# Test mode: nothing revealed until the end


def test_a_test_mode_answer_moves_to_the_next_question_without_a_verdict(
    client: Client, test_questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    first = test_questions[0]
    client.get(play_url(attempt))

    response = post_answer(client, attempt, first, correct_choice(first))

    assert response.status_code == 302
    assert response["Location"] == play_url(attempt)
    content = text_of(client.get(response["Location"]))
    assert "Answer saved." in content
    assert "Question 2 of 3" in content
    assert "1 answered" in content


def test_test_mode_reveals_no_verdict_or_solution_until_the_end(
    client: Client, test_questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    revealing = ["Correct", "Incorrect", "is-correct", "Solution</h3>", "Final answer", "Score:"]

    for number, question in enumerate(test_questions[:-1], start=1):
        before = text_of(client.get(play_url(attempt)))
        assert f"Question {number} of 3" in before
        post_answer(client, attempt, question, wrong_choice(question))
        after = text_of(client.get(play_url(attempt)))
        # Even asking for the answered question's feedback shows nothing in test mode.
        asked = text_of(client.get(play_url(attempt), {"answered": question.pk}))
        for content in (before, after, asked):
            for word in revealing:
                assert word not in content
            for text in solution_texts(question):
                assert text not in content
            for choice in question.choices.all():
                assert not choice.feedback or choice.feedback not in content


def test_submitting_a_test_goes_to_the_results_with_the_full_review(
    client: Client, test_questions: list[Question]
) -> None:
    """When the instructor chose the full review (the default shows less: test_review.py)."""
    Quiz.objects.filter(slug=TEST_SLUG).update(review=Quiz.Review.FULL)
    attempt = start(client, TEST_SLUG)
    post_answer(client, attempt, test_questions[0], correct_choice(test_questions[0]))
    post_answer(client, attempt, test_questions[1], wrong_choice(test_questions[1]))
    after_last = post_answer(client, attempt, test_questions[2], correct_choice(test_questions[2]))
    assert after_last["Location"] == play_url(attempt)  # answered, not yet submitted

    response = submit_all(client, attempt)

    assert response.status_code == 302
    assert response["Location"] == reverse("quiz:results", args=[attempt.pk])
    content = text_of(client.get(response["Location"]))
    assert "You scored 2 of 3 (67%)." in content
    assert "Question 1: correct" in content
    assert "Question 2: incorrect" in content
    assert "Question 3: correct" in content
    for question in test_questions:
        right = correct_choice(question)
        assert f"Correct answer</dt><dd>{right.letter}: {right.text}</dd>" in content
        for step in question.steps:
            assert step.text in content
        assert question.final_answer in content
    wrong = wrong_choice(test_questions[1])
    assert f"Your answer</dt><dd>{wrong.letter}: {wrong.text}</dd>" in content


def test_a_finished_attempts_play_page_redirects_to_the_results(
    client: Client, test_questions: list[Question]
) -> None:
    attempt = start(client, TEST_SLUG)
    for question in test_questions:
        post_answer(client, attempt, question, correct_choice(question))
    submit_all(client, attempt)

    response = client.get(play_url(attempt))

    assert response.status_code == 302
    assert response["Location"] == reverse("quiz:results", args=[attempt.pk])


# Refusals


def test_a_second_answer_to_the_same_question_shows_a_message_and_keeps_the_first(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]
    post_answer(client, attempt, first, wrong_choice(first))

    response = post_answer(client, attempt, first, correct_choice(first))

    # Back on the feedback of the answer that counts, as after the first post: a form
    # sent twice must not skip it.
    assert response.status_code == 302
    assert response["Location"] == f"{play_url(attempt)}?answered={first.pk}"
    content = text_of(client.get(response["Location"]))
    assert "You already answered this question; your first answer stays." in content
    assert "The correct answer is" in content
    stored = Response.objects.filter(attempt=attempt, question=first)
    assert stored.count() == 1
    assert stored.get().choice == wrong_choice(first)
    assert Response.objects.filter(attempt=attempt).count() == 1


@pytest.mark.parametrize("question_value", ["", "abc", "999999999"])
def test_an_answer_to_an_unknown_question_shows_a_message_and_stores_nothing(
    client: Client, practice_questions: list[Question], question_value: str
) -> None:
    attempt = start(client)

    response = client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": question_value, "choice": correct_choice(practice_questions[0]).pk},
        follow=True,
    )

    assert response.status_code == 200
    assert "That question is not part of this quiz." in text_of(response)
    assert not Response.objects.exists()


def test_an_answer_with_another_questions_choice_shows_a_message_and_stores_nothing(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)

    response = client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": practice_questions[0].pk, "choice": correct_choice(practice_questions[1]).pk},
        follow=True,
    )

    assert "Pick one of the question's options." in text_of(response)
    assert not Response.objects.exists()


def test_an_answer_without_a_choice_shows_a_message(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)

    response = client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": practice_questions[0].pk},
        follow=True,
    )

    assert "Pick one of the question's options." in text_of(response)
    assert not Response.objects.exists()


def test_answering_ahead_shows_a_message_and_stays_on_the_current_question(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    fourth = practice_questions[3]

    response = post_answer(client, attempt, fourth, correct_choice(fourth))

    content = text_of(client.get(response["Location"]))
    assert "Answer the questions in order" in content
    assert "Question 1 of 5" in content
    assert not Response.objects.exists()


def test_another_browser_gets_404_for_someone_elses_attempt(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    first = practice_questions[0]
    stranger = Client()
    stranger.get(reverse("quiz:detail", args=[PRACTICE_SLUG]))  # a session of its own

    assert stranger.get(play_url(attempt)).status_code == 404
    assert post_answer(stranger, attempt, first, correct_choice(first)).status_code == 404
    hint = stranger.post(reverse("quiz:hint", args=[attempt.pk]), {"question": first.pk})
    assert hint.status_code == 404
    assert stranger.get(reverse("quiz:results", args=[attempt.pk])).status_code == 404
    assert not Response.objects.exists()
    attempt.refresh_from_db()
    assert attempt.hint_shown is False


def test_an_unknown_attempt_id_is_a_404(client: Client, practice_quiz: Quiz) -> None:
    start(client)

    assert client.get(reverse("quiz:play", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/attempts/not-a-uuid/").status_code == 404


def test_the_results_of_an_unfinished_attempt_redirect_to_play(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    post_answer(client, attempt, practice_questions[0], correct_choice(practice_questions[0]))

    response = client.get(reverse("quiz:results", args=[attempt.pk]))

    assert response.status_code == 302
    assert response["Location"] == play_url(attempt)


# Resuming, my attempts, trying again


def test_coming_back_after_two_answers_resumes_at_question_three(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)
    for question in practice_questions[:2]:
        post_answer(client, attempt, question, correct_choice(question))

    content = text_of(client.get(play_url(attempt)))

    assert "Question 3 of 5" in content
    assert "Score: 2 of 2 answered" in content
    assert visible_question_pk(client, attempt) == practice_questions[2].pk


def test_the_quiz_page_offers_to_resume_an_unfinished_attempt(
    client: Client, practice_questions: list[Question]
) -> None:
    attempt = start(client)

    content = text_of(client.get(reverse("quiz:detail", args=[PRACTICE_SLUG])))

    assert "Resume your attempt" in content
    assert f'href="{play_url(attempt)}"' in content
    assert "Start over" in content


def test_my_attempts_lists_this_browsers_attempts_with_scores(
    client: Client, practice_questions: list[Question], test_questions: list[Question]
) -> None:
    practice = start(client)
    post_answer(client, practice, practice_questions[0], correct_choice(practice_questions[0]))
    post_answer(client, practice, practice_questions[1], wrong_choice(practice_questions[1]))
    test = start(client, TEST_SLUG)
    for question in test_questions:
        post_answer(client, test, question, correct_choice(question))
    submit_all(client, test)
    stranger = Client()
    start(stranger)

    content = text_of(client.get(reverse("quiz:my_attempts")))

    assert "ASGI vs WSGI: practice" in content
    assert "Performance quiz: ASGI vs WSGI" in content
    assert "<td>1 of 5</td>" in content
    assert "<td>3 of 3</td>" in content
    assert "In progress: resume (2 answered)" in content
    assert f'href="{play_url(practice)}"' in content
    assert f'href="{reverse("quiz:results", args=[test.pk])}"' in content
    assert content.count("<tr>") == 3  # the header row and this browser's two attempts


def test_my_attempts_in_a_fresh_browser_is_empty(client: Client, seeded: None) -> None:
    content = text_of(client.get(reverse("quiz:my_attempts")))

    assert "No attempts yet in this browser." in content


def test_try_again_on_the_results_page_starts_a_new_attempt(
    client: Client, test_questions: list[Question]
) -> None:
    first = start(client, TEST_SLUG)
    for question in test_questions:
        post_answer(client, first, question, correct_choice(question))
    submit_all(client, first)
    results = text_of(client.get(reverse("quiz:results", args=[first.pk])))
    assert "Try again" in results
    assert f'action="{reverse("quiz:start", args=[TEST_SLUG])}"' in results

    second = start(client, TEST_SLUG)

    assert second.pk != first.pk
    assert second.session_key == first.session_key
    assert Attempt.objects.count() == 2
    content = text_of(client.get(play_url(second)))
    assert "Question 1 of 3" in content
    assert "0 answered" in content

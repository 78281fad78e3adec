"""An author previews a question as students see it: staff only, nothing saved, the
correct answer unmarked until the author picks an option."""

from __future__ import annotations

import pytest
from django.test import Client

from quiz.models import Attempt, Question, Quiz, Response
from tests.factories import instructor

pytestmark = pytest.mark.django_db

REVEALING = ["is-correct", "Correct answer", "Solution</h", "Final answer"]


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(instructor("author"))
    return client


def preview_url(question: Question) -> str:
    return f"/preview/questions/{question.pk}/"


def test_students_and_anonymous_visitors_are_sent_to_the_admin_login(
    client: Client, practice_quiz: Quiz, django_user_model: object
) -> None:
    question = practice_quiz.questions.get(order=1)
    response = client.get(preview_url(question))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.post(preview_url(question), {"choice": "1"}).status_code == 302


def test_the_preview_shows_the_question_and_its_options_without_marking_the_answer(
    staff: Client, practice_quiz: Quiz
) -> None:
    question = practice_quiz.questions.get(order=3)  # the one with code
    page = staff.get(preview_url(question)).content.decode()

    assert "Preview as a student" in page
    for choice in question.choices.all():
        assert f'name="choice" value="{choice.pk}"' in page
    assert 'role="region" aria-label="Code sample"' in page  # the student's code block
    for marker in REVEALING:
        assert marker not in page
    assert "ws-send" not in page  # a plain form: the preview has no socket
    assert Attempt.objects.count() == 0


def test_picking_an_option_shows_the_feedback_a_student_would_get_and_saves_nothing(
    staff: Client, practice_quiz: Quiz
) -> None:
    question = practice_quiz.questions.get(order=2)
    wrong = question.choices.filter(is_correct=False).exclude(feedback="").first()
    assert wrong is not None

    page = staff.post(preview_url(question), {"choice": wrong.pk}).content.decode()

    assert "<strong>Incorrect</strong>" in page
    assert "is-correct" in page
    assert "is-wrong" in page
    assert wrong.feedback in page
    assert "Solution</h" in page
    assert "Pick another option" in page
    assert (Attempt.objects.count(), Response.objects.count()) == (0, 0)

    right = question.correct_choice
    page = staff.post(preview_url(question), {"choice": right.pk}).content.decode()
    assert "<strong>Correct</strong>" in page


def test_an_option_of_another_question_is_refused_and_nothing_is_marked(
    staff: Client, practice_quiz: Quiz
) -> None:
    question = practice_quiz.questions.get(order=1)
    other = practice_quiz.questions.get(order=2).choices.first()

    page = staff.post(preview_url(question), {"choice": other.pk}).content.decode()

    assert "Pick one of the question&#x27;s options." in page
    for marker in REVEALING:
        assert marker not in page


def test_a_test_mode_question_says_when_students_see_its_feedback(
    staff: Client, test_quiz: Quiz
) -> None:
    question = test_quiz.questions.get(order=1)
    page = staff.get(preview_url(question)).content.decode()
    assert "students see the feedback only on their results page" in page


def test_an_unknown_question_is_not_found(staff: Client, seeded: None) -> None:
    assert staff.get("/preview/questions/999999/").status_code == 404

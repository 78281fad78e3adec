"""quiz/services.py `questions_of`: a quiz's questions and choices are read once per
content version, and every edit in the admin (or the ORM) shows on the next read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quiz import services
from quiz.models import Choice, Difficulty, Question, Quiz

pytestmark = pytest.mark.django_db


def fresh(quiz: Quiz) -> Quiz:
    """The quiz as a new request loads it, with its lesson (whose updated_at is the key)."""
    return Quiz.objects.select_related("lesson").get(pk=quiz.pk)


def texts(quiz: Quiz) -> list[list[str]]:
    return [[c.text for c in q.choices.all()] for q in services.questions_of(fresh(quiz))]


def test_the_second_read_of_a_quizs_questions_makes_no_query(practice_quiz: Quiz) -> None:
    services.questions_of(fresh(practice_quiz))
    quiz = fresh(practice_quiz)

    with CaptureQueriesContext(connection) as queries:
        questions = services.questions_of(quiz)

    assert len(questions) == 5
    assert [c.letter for c in questions[0].choices.all()] == ["A", "B", "C", "D"]
    assert len(queries) == 0


def test_an_edited_choice_shows_on_the_next_read(practice_quiz: Quiz) -> None:
    texts(practice_quiz)
    choice = Choice.objects.filter(question__quiz=practice_quiz).order_by("pk").first()
    choice.text = "An edited option"
    choice.save()

    assert any("An edited option" in options for options in texts(practice_quiz))


def test_choices_deleted_in_bulk_leave_on_the_next_read(practice_quiz: Quiz) -> None:
    question = Question.objects.create(
        quiz=practice_quiz, order=6, prompt="New?", difficulty=Difficulty.EASY
    )
    Choice.objects.create(question=question, order=1, text="Keep me", is_correct=True)
    Choice.objects.create(question=question, order=2, text="Drop me")
    assert texts(practice_quiz)[-1] == ["Keep me", "Drop me"]

    Choice.objects.filter(text="Drop me").delete()

    assert texts(practice_quiz)[-1] == ["Keep me"]


def test_a_new_question_is_counted_in_the_score_total_at_once(practice_quiz: Quiz) -> None:
    attempt = services.start_attempt(quiz=practice_quiz, session_key="k" * 32, user=None)
    assert services.score_of(attempt).total == 5

    Question.objects.create(quiz=practice_quiz, order=6, prompt="New?", difficulty="easy")

    reloaded = type(attempt).objects.select_related("quiz__lesson").get(pk=attempt.pk)
    assert services.score_of(reloaded).total == 6

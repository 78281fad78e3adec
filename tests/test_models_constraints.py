"""The database itself keeps quiz content consistent and students' history intact."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from lessons.models import Lesson, Section
from quiz.models import Attempt, Choice, Difficulty, Question, Quiz, Response

pytestmark = pytest.mark.django_db


def first_question(quiz: Quiz) -> Question:
    return quiz.questions.get(order=1)


def answer(attempt: Attempt, question: Question, choice: Choice) -> Response:
    return Response.objects.create(
        attempt=attempt,
        question=question,
        choice=choice,
        is_correct=choice.is_correct,
        score=1 if choice.is_correct else 0,
        time_taken_ms=1500,
    )


@pytest.fixture
def answered(practice_quiz: Quiz, session_key: str) -> Response:
    """A student's answer (option A, wrong) to practice question 1."""
    attempt = Attempt.objects.create(quiz=practice_quiz, session_key=session_key)
    question = first_question(practice_quiz)
    return answer(attempt, question, question.choices.get(order=1))


# Constraints -----------------------------------------------------------------


def test_a_second_correct_choice_for_one_question_is_refused_by_the_database(
    practice_quiz: Quiz,
) -> None:
    question = first_question(practice_quiz)
    wrong = question.choices.filter(is_correct=False).first()
    assert wrong is not None
    wrong.is_correct = True

    with pytest.raises(IntegrityError), transaction.atomic():
        wrong.save()

    assert question.choices.filter(is_correct=True).count() == 1


def test_many_wrong_choices_for_one_question_are_allowed(practice_quiz: Quiz) -> None:
    question = first_question(practice_quiz)

    Choice.objects.create(question=question, order=5, text="Another wrong option")

    assert question.choices.filter(is_correct=False).count() == 4


def test_correct_choices_of_different_questions_do_not_collide(practice_quiz: Quiz) -> None:
    assert Choice.objects.filter(question__quiz=practice_quiz, is_correct=True).count() == 5


def test_two_choices_of_one_question_cannot_share_an_order(practice_quiz: Quiz) -> None:
    question = first_question(practice_quiz)

    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.create(question=question, order=2, text="Duplicate position")


def test_choices_of_different_questions_may_share_an_order(practice_quiz: Quiz) -> None:
    assert Choice.objects.filter(question__quiz=practice_quiz, order=1).count() == 5


def test_two_questions_of_one_quiz_cannot_share_an_order(practice_quiz: Quiz) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            quiz=practice_quiz, order=1, prompt="Duplicate?", difficulty=Difficulty.EASY
        )


def test_questions_of_different_quizzes_may_share_an_order(
    practice_quiz: Quiz, test_quiz: Quiz
) -> None:
    assert first_question(practice_quiz).order == first_question(test_quiz).order == 1


def test_two_sections_of_one_lesson_cannot_share_an_order(seeded: None) -> None:
    lesson = Lesson.objects.get(slug="asgi-vs-wsgi")

    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(lesson=lesson, order=3, heading="Duplicate position")


def test_an_attempt_records_only_one_response_per_question(answered: Response) -> None:
    other_choice = answered.question.choices.get(is_correct=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        answer(answered.attempt, answered.question, other_choice)

    assert answered.attempt.responses.count() == 1


def test_two_attempts_may_each_answer_the_same_question(
    answered: Response, session_key: str
) -> None:
    second = Attempt.objects.create(quiz=answered.attempt.quiz, session_key=session_key)

    answer(second, answered.question, answered.choice)

    assert Response.objects.filter(question=answered.question).count() == 2


# History is protected --------------------------------------------------------


def test_deleting_an_answered_question_is_refused_and_its_responses_stay(
    answered: Response,
) -> None:
    with pytest.raises(ProtectedError), transaction.atomic():
        answered.question.delete()

    assert Question.objects.filter(pk=answered.question.pk).exists()
    assert Response.objects.filter(pk=answered.pk).exists()


def test_deleting_a_chosen_choice_is_refused_and_its_responses_stay(
    answered: Response,
) -> None:
    with pytest.raises(ProtectedError), transaction.atomic():
        answered.choice.delete()

    assert Choice.objects.filter(pk=answered.choice.pk).exists()
    assert Response.objects.filter(pk=answered.pk).exists()


def test_deleting_a_quiz_with_responses_is_refused_and_its_history_stays(
    answered: Response,
) -> None:
    quiz = answered.attempt.quiz

    with pytest.raises(ProtectedError), transaction.atomic():
        quiz.delete()

    assert Quiz.objects.filter(pk=quiz.pk).exists()
    assert Attempt.objects.filter(pk=answered.attempt.pk).exists()
    assert Response.objects.filter(pk=answered.pk).exists()


def test_deleting_a_lesson_with_quizzes_is_refused(seeded: None) -> None:
    lesson = Lesson.objects.get(slug="asgi-vs-wsgi")

    with pytest.raises(ProtectedError), transaction.atomic():
        lesson.delete()

    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_an_unanswered_choice_can_be_deleted(practice_quiz: Quiz) -> None:
    choice = first_question(practice_quiz).choices.get(order=2)

    choice.delete()

    assert not Choice.objects.filter(pk=choice.pk).exists()


# Names and addresses ---------------------------------------------------------


def test_a_lesson_is_named_by_its_title_and_lives_under_lessons(seeded: None) -> None:
    lesson = Lesson.objects.get(slug="asgi-vs-wsgi")

    assert str(lesson) == "ASGI vs WSGI in Django - Performance Comparison"
    assert lesson.get_absolute_url() == "/lessons/asgi-vs-wsgi/"


def test_a_section_is_named_by_its_lesson_and_heading(seeded: None) -> None:
    section = Section.objects.get(lesson__slug="asgi-vs-wsgi", order=4)

    assert str(section) == (
        "ASGI vs WSGI in Django - Performance Comparison: Performance Comparison"
    )


def test_a_quiz_is_named_by_its_title_and_lives_under_quiz(practice_quiz: Quiz) -> None:
    assert str(practice_quiz) == "ASGI vs WSGI: practice"
    assert practice_quiz.get_absolute_url() == "/quiz/asgi-vs-wsgi-practice/"


def test_a_question_is_named_by_quiz_position_and_start_of_prompt(practice_quiz: Quiz) -> None:
    question = practice_quiz.questions.get(order=5)

    assert str(question) == (
        "ASGI vs WSGI: practice #5: "
        + "You want to build a Django app that supports both HTTP requests and WebSocket "
        "connections for chat. Which setup should you choose and why?"[:60]
    )


def test_a_choice_is_named_by_its_text(test_quiz: Quiz) -> None:
    choice = first_question(test_quiz).choices.get(is_correct=True)

    assert str(choice) == "ASGI"


def test_an_attempt_is_named_by_its_quiz_and_short_id_and_links_to_play_and_results(
    practice_quiz: Quiz, session_key: str
) -> None:
    attempt = Attempt.objects.create(quiz=practice_quiz, session_key=session_key)

    assert str(attempt) == f"ASGI vs WSGI: practice attempt {str(attempt.id)[:8]}"
    assert attempt.get_absolute_url() == f"/attempts/{attempt.id}/"
    assert attempt.get_results_url() == f"/attempts/{attempt.id}/results/"


def test_a_response_is_named_by_attempt_question_and_verdict(answered: Response) -> None:
    assert str(answered) == f"{answered.attempt}: question 1 wrong"

    right = answer(
        Attempt.objects.create(quiz=answered.attempt.quiz, session_key="other"),
        answered.question,
        answered.question.choices.get(is_correct=True),
    )
    assert str(right) == f"{right.attempt}: question 1 correct"

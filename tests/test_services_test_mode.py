"""Test mode's services: move between questions, change an answer (one row per question,
updated), flag questions, see the overview, and "Submit all" with a confirmation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from quiz import presenters, services
from quiz.forms import AnswerForm, FlagForm, SubmitForm
from quiz.models import Attempt, Question, QuestionFlag, Quiz, Response
from tests.factories import correct_choice, ordered_questions, wrong_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(test_quiz: Quiz, session_key: str) -> Attempt:
    return services.start_attempt(quiz=test_quiz, session_key=session_key, user=AnonymousUser())


@pytest.fixture
def questions(test_quiz: Quiz) -> list[Question]:
    return ordered_questions(test_quiz)


def change(attempt: Attempt, question: Question, choice_pk: int) -> Response:
    """As the form and the frame do: ids in, checked by AnswerForm, then the service."""
    cleaned = AnswerForm(
        {"question": question.pk, "choice": choice_pk}, attempt=attempt
    ).validated()
    return services.change_answer(
        attempt=attempt, question=cleaned["question"], choice=cleaned["choice"]
    )


def test_the_first_question_is_on_screen_when_a_test_starts(
    attempt: Attempt, questions: list[Question]
) -> None:
    assert services.question_on_screen(attempt=attempt) == questions[0]
    attempt.refresh_from_db()
    assert attempt.current_question == questions[0]
    assert attempt.question_shown_at is not None


def test_changing_an_answer_updates_its_one_row_and_its_grade(
    attempt: Attempt, questions: list[Question]
) -> None:
    first = questions[0]
    change(attempt, first, wrong_choice(first).pk)
    row = Response.objects.get(attempt=attempt, question=first)
    assert not row.is_correct

    services.go_to_question(attempt=attempt, question=first)
    change(attempt, first, correct_choice(first).pk)

    rows = Response.objects.filter(attempt=attempt, question=first)
    assert rows.count() == 1
    assert rows.get().pk == row.pk
    assert rows.get().choice == correct_choice(first)
    assert rows.get().is_correct
    assert rows.get().score == services.POINTS_PER_CORRECT_ANSWER
    assert rows.get().time_taken_ms >= row.time_taken_ms  # the visits add up


def test_an_answer_moves_on_to_the_next_question_and_the_last_stays(
    attempt: Attempt, questions: list[Question]
) -> None:
    change(attempt, questions[0], correct_choice(questions[0]).pk)
    assert services.question_on_screen(attempt=attempt) == questions[1]
    services.go_to_question(attempt=attempt, question=questions[2])
    change(attempt, questions[2], correct_choice(questions[2]).pk)
    assert services.question_on_screen(attempt=attempt) == questions[2]


def test_answering_every_question_does_not_submit_the_test(
    attempt: Attempt, questions: list[Question]
) -> None:
    for question in questions:
        change(attempt, question, correct_choice(question).pk)
    attempt.refresh_from_db()
    assert not attempt.is_finished


def test_questions_may_be_answered_in_any_order(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.go_to_question(attempt=attempt, question=questions[2])
    change(attempt, questions[2], wrong_choice(questions[2]).pk)
    assert set(services.answered(attempt)) == {questions[2].pk}


def test_a_submitted_attempt_refuses_every_change(
    attempt: Attempt, questions: list[Question]
) -> None:
    change(attempt, questions[0], wrong_choice(questions[0]).pk)
    services.submit_attempt(attempt=attempt, confirmed=True)

    with pytest.raises(services.AttemptFinished):
        change(attempt, questions[0], correct_choice(questions[0]).pk)
    with pytest.raises(services.AttemptFinished):
        services.go_to_question(attempt=attempt, question=questions[1])
    with pytest.raises(services.AttemptFinished):
        services.set_flag(attempt=attempt, question=questions[1], flagged=True)
    with pytest.raises(services.AttemptFinished):
        services.submit_attempt(attempt=attempt, confirmed=True)
    assert not Response.objects.get(attempt=attempt, question=questions[0]).is_correct


def test_a_stale_copy_of_a_submitted_attempt_is_refused_too(
    attempt: Attempt, questions: list[Question]
) -> None:
    """Another tab submitted: this one's object still says unfinished; the row lock reads
    the truth."""
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now())
    assert not attempt.is_finished
    with pytest.raises(services.AttemptFinished):
        change(attempt, questions[0], correct_choice(questions[0]).pk)
    assert not Response.objects.filter(attempt=attempt).exists()


def test_submitting_needs_the_confirmation(attempt: Attempt) -> None:
    confirmed = SubmitForm({}).validated()["confirm"]
    with pytest.raises(services.SubmitNotConfirmed):
        services.submit_attempt(attempt=attempt, confirmed=confirmed)
    attempt.refresh_from_db()
    assert not attempt.is_finished

    confirmed = SubmitForm({"confirm": "on"}).validated()["confirm"]
    services.submit_attempt(attempt=attempt, confirmed=confirmed)
    attempt.refresh_from_db()
    assert attempt.is_finished


def test_a_closed_quiz_refuses_a_change(
    attempt: Attempt, questions: list[Question], test_quiz: Quiz
) -> None:
    Quiz.objects.filter(pk=test_quiz.pk).update(closes_at=timezone.now())
    attempt.quiz.refresh_from_db()
    with pytest.raises(services.QuizClosed):
        change(attempt, questions[0], correct_choice(questions[0]).pk)


def test_practice_attempts_cannot_use_the_test_services(
    practice_quiz: Quiz, session_key: str
) -> None:
    practice = services.start_attempt(
        quiz=practice_quiz, session_key=session_key, user=AnonymousUser()
    )
    question = ordered_questions(practice_quiz)[1]
    with pytest.raises(services.NotATest):
        services.go_to_question(attempt=practice, question=question)
    with pytest.raises(services.NotATest):
        change(practice, question, correct_choice(question).pk)
    with pytest.raises(services.NotATest):
        services.submit_attempt(attempt=practice, confirmed=True)


def test_flags_are_set_and_cleared_once_each(attempt: Attempt, questions: list[Question]) -> None:
    cleaned = FlagForm({"question": questions[1].pk, "flagged": "on"}, attempt=attempt).validated()
    assert services.set_flag(attempt=attempt, question=cleaned["question"], flagged=True)
    services.set_flag(attempt=attempt, question=questions[1], flagged=True)  # twice: one row
    assert QuestionFlag.objects.filter(attempt=attempt).count() == 1
    assert services.flagged_ids(attempt) == {questions[1].pk}

    cleared = FlagForm({"question": questions[1].pk}, attempt=attempt).validated()
    assert cleared["flagged"] is False
    services.set_flag(attempt=attempt, question=questions[1], flagged=cleared["flagged"])
    assert services.flagged_ids(attempt) == frozenset()


def test_the_overview_lists_answered_unanswered_flagged_and_current_questions(
    attempt: Attempt, questions: list[Question]
) -> None:
    change(attempt, questions[0], correct_choice(questions[0]).pk)
    services.set_flag(attempt=attempt, question=questions[1], flagged=True)
    services.go_to_question(attempt=attempt, question=questions[2])

    overview = services.overview_of(attempt)

    assert [(i.number, i.answered, i.flagged, i.current) for i in overview] == [
        (1, True, False, False),
        (2, False, True, False),
        (3, False, False, True),
    ]
    assert [item.question for item in overview] == questions


def test_the_play_state_keeps_a_tests_answer_changeable_and_hides_its_grade(
    attempt: Attempt, questions: list[Question]
) -> None:
    change(attempt, questions[0], wrong_choice(questions[0]).pk)
    services.go_to_question(attempt=attempt, question=questions[0])

    state = presenters.play_state(attempt)

    assert state.question == questions[0]
    assert state.response is not None
    assert state.response.choice == wrong_choice(questions[0])
    assert state.changeable
    assert not state.reveal
    assert state.previous is None
    assert state.next == questions[1]

"""The rules of a self-paced attempt, as quiz/services.py enforces them.

Every view and consumer goes through these functions, so each rule is pinned here once,
against the seed quizzes: the practice quiz (5 questions, correct D, C, B, A, A) and the
test-mode quiz (3 questions).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from quiz import presenters, services
from quiz.models import Attempt, Question, Quiz, Response
from tests.factories import (
    answer,
    answer_all,
    correct_choice,
    new_session_key,
    ordered_questions,
    show_hint,
    submit,
    wrong_choice,
)


@pytest.fixture
def attempt(practice_quiz: Quiz, session_key: str) -> Attempt:
    return services.start_attempt(quiz=practice_quiz, session_key=session_key, user=AnonymousUser())


@pytest.fixture
def test_attempt(test_quiz: Quiz, session_key: str) -> Attempt:
    return services.start_attempt(quiz=test_quiz, session_key=session_key, user=AnonymousUser())


@pytest.fixture
def questions(practice_quiz: Quiz) -> list[Question]:
    return ordered_questions(practice_quiz)


# Seed sanity: the rest of the file relies on it.


def test_the_practice_quiz_has_five_questions_whose_correct_letters_are_DCBAA(
    practice_quiz: Quiz,
) -> None:
    letters = [
        next(c.letter for c in question.choices.all() if c.is_correct)
        for question in services.questions_of(practice_quiz)
    ]
    assert letters == ["D", "C", "B", "A", "A"]


# start_attempt


def test_start_attempt_for_an_anonymous_student_is_owned_by_the_session(
    practice_quiz: Quiz, session_key: str
) -> None:
    attempt = services.start_attempt(
        quiz=practice_quiz, session_key=session_key, user=AnonymousUser()
    )

    attempt.refresh_from_db()
    assert attempt.quiz == practice_quiz
    assert attempt.session_key == session_key
    assert attempt.user is None
    assert attempt.finished_at is None
    assert attempt.current_question is None
    assert attempt.responses.count() == 0


def test_start_attempt_for_a_logged_in_student_is_owned_by_the_user(
    practice_quiz: Quiz, session_key: str, django_user_model
) -> None:
    user = django_user_model.objects.create_user("ada", password="pw-for-tests-only")

    attempt = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=user)

    attempt.refresh_from_db()
    assert attempt.user == user


def test_each_start_creates_a_new_attempt(practice_quiz: Quiz, session_key: str) -> None:
    first = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)
    second = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)

    assert first.pk != second.pk
    assert Attempt.objects.filter(quiz=practice_quiz).count() == 2


# present_question


def test_present_question_shows_the_first_question_and_starts_its_clock(
    attempt: Attempt, questions: list[Question]
) -> None:
    before = timezone.now()

    shown = services.present_question(attempt=attempt)

    attempt.refresh_from_db()
    assert shown == questions[0]
    assert attempt.current_question == questions[0]
    assert attempt.question_shown_at is not None
    assert attempt.question_shown_at >= before
    assert attempt.hint_shown is False


def test_presenting_the_same_question_again_keeps_its_clock(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    attempt.refresh_from_db()
    first_shown_at = attempt.question_shown_at

    again = services.present_question(attempt=attempt)
    attempt.refresh_from_db()
    and_again = services.present_question(attempt=Attempt.objects.get(pk=attempt.pk))

    attempt.refresh_from_db()
    assert again == and_again == questions[0]
    assert attempt.question_shown_at == first_shown_at


def test_present_question_moves_on_after_an_answer_and_restarts_the_clock(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(
        question_shown_at=timezone.now() - timedelta(minutes=5)
    )
    attempt.refresh_from_db()
    old_shown_at = attempt.question_shown_at
    submit(attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk)

    shown = services.present_question(attempt=attempt)

    attempt.refresh_from_db()
    assert shown == questions[1]
    assert attempt.current_question == questions[1]
    assert attempt.question_shown_at > old_shown_at


def test_present_question_returns_none_once_everything_is_answered(attempt: Attempt) -> None:
    answer_all(attempt)

    assert services.present_question(attempt=attempt) is None


# submit_answer


def test_a_right_answer_scores_a_point_and_is_marked_correct(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)

    response = submit(
        attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk
    )

    response.refresh_from_db()
    assert response.attempt_id == attempt.pk
    assert response.question == questions[0]
    assert response.choice == correct_choice(questions[0])
    assert response.is_correct is True
    assert response.score == services.POINTS_PER_CORRECT_ANSWER == 1
    assert response.hint_used is False


def test_a_wrong_answer_scores_nothing_and_is_marked_wrong(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    wrong = wrong_choice(questions[0])

    response = submit(attempt=attempt, question_id=questions[0].pk, choice_id=wrong.pk)

    response.refresh_from_db()
    assert response.choice == wrong
    assert response.is_correct is False
    assert response.score == 0


def test_ids_may_arrive_as_strings_as_they_do_from_forms_and_sockets(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)

    response = submit(
        attempt=attempt,
        question_id=str(questions[0].pk),
        choice_id=str(correct_choice(questions[0]).pk),
    )

    assert response.is_correct is True


def test_time_taken_is_measured_from_when_the_question_was_shown(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(
        question_shown_at=timezone.now() - timedelta(seconds=42)
    )

    response = submit(
        attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk
    )

    assert response.time_taken_ms >= 42_000


def test_an_attempt_resumed_weeks_later_records_at_most_a_day_for_the_question(
    attempt: Attempt, questions: list[Question]
) -> None:
    """30 days in milliseconds overflow PostgreSQL's integer column: the answer failed
    on every try and the attempt was stuck."""
    services.present_question(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(
        question_shown_at=timezone.now() - timedelta(days=30)
    )

    response = submit(
        attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk
    )

    response.refresh_from_db()
    assert response.time_taken_ms == 24 * 3600 * 1000


def test_time_taken_is_never_negative_even_with_a_clock_in_the_future(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(
        question_shown_at=timezone.now() + timedelta(minutes=1)
    )

    response = submit(
        attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk
    )

    assert response.time_taken_ms == 0


def test_hint_used_is_recorded_when_the_hint_was_shown_before_answering(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    show_hint(attempt=attempt, question_id=questions[0].pk)

    response = submit(
        attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk
    )

    assert response.hint_used is True


def test_the_hint_flag_does_not_carry_over_to_the_next_question(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    show_hint(attempt=attempt, question_id=questions[0].pk)
    submit(attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk)

    services.present_question(attempt=attempt)
    second = submit(
        attempt=attempt, question_id=questions[1].pk, choice_id=correct_choice(questions[1]).pk
    )

    assert second.hint_used is False


def test_a_second_answer_to_the_same_question_is_refused_and_the_first_stays(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    first = submit(
        attempt=attempt, question_id=questions[0].pk, choice_id=wrong_choice(questions[0]).pk
    )

    with pytest.raises(services.AlreadyAnswered) as refusal:
        submit(
            attempt=attempt,
            question_id=questions[0].pk,
            choice_id=correct_choice(questions[0]).pk,
        )

    assert "already answered" in refusal.value.message
    stored = Response.objects.get(attempt=attempt, question=questions[0])
    assert stored.pk == first.pk
    assert stored.choice == wrong_choice(questions[0])
    assert stored.is_correct is False
    assert attempt.responses.count() == 1


@pytest.mark.parametrize("question_id", [999_999_999, "999999999", "abc", "", None, "1; DROP"])
def test_an_unknown_or_non_numeric_question_id_is_refused(
    attempt: Attempt, questions: list[Question], question_id: object
) -> None:
    services.present_question(attempt=attempt)

    with pytest.raises(services.UnknownQuestion):
        submit(attempt=attempt, question_id=question_id, choice_id=correct_choice(questions[0]).pk)

    assert attempt.responses.count() == 0


def test_a_question_of_another_quiz_is_unknown_to_this_attempt(
    attempt: Attempt, test_quiz: Quiz
) -> None:
    services.present_question(attempt=attempt)
    foreign = ordered_questions(test_quiz)[0]

    with pytest.raises(services.UnknownQuestion):
        submit(attempt=attempt, question_id=foreign.pk, choice_id=correct_choice(foreign).pk)

    assert Response.objects.count() == 0


def test_a_choice_from_another_question_is_refused(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)

    with pytest.raises(services.UnknownChoice):
        submit(
            attempt=attempt,
            question_id=questions[0].pk,
            choice_id=correct_choice(questions[1]).pk,
        )

    assert attempt.responses.count() == 0


@pytest.mark.parametrize("choice_id", ["", "x", None, 999_999_999])
def test_a_missing_or_unknown_choice_is_refused(
    attempt: Attempt, questions: list[Question], choice_id: object
) -> None:
    services.present_question(attempt=attempt)

    with pytest.raises(services.UnknownChoice):
        submit(attempt=attempt, question_id=questions[0].pk, choice_id=choice_id)

    assert attempt.responses.count() == 0


def test_answering_ahead_of_the_current_question_is_refused(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)

    with pytest.raises(services.NotCurrentQuestion):
        submit(
            attempt=attempt, question_id=questions[2].pk, choice_id=correct_choice(questions[2]).pk
        )

    assert attempt.responses.count() == 0


def test_the_current_question_can_be_answered_even_if_it_was_never_presented(
    attempt: Attempt, questions: list[Question]
) -> None:
    # A form posted without the page's GET having run (e.g. a stale tab): the answer
    # still counts, with a zero-ish time rather than a crash.
    response = submit(
        attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk
    )

    assert response.is_correct is True
    assert response.time_taken_ms >= 0


def test_the_attempt_is_finished_right_after_the_last_answer_and_not_before(
    attempt: Attempt, questions: list[Question]
) -> None:
    for question in questions[:-1]:
        answer(attempt, question, correct_choice(question))
        attempt.refresh_from_db()
        assert attempt.finished_at is None
        assert attempt.is_finished is False

    before = timezone.now()
    answer(attempt, questions[-1], correct_choice(questions[-1]))

    assert attempt.is_finished  # the in-memory object is updated too
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert attempt.finished_at >= before


def test_answering_again_after_the_last_answer_is_refused(
    attempt: Attempt, questions: list[Question]
) -> None:
    answer_all(attempt)

    with pytest.raises((services.AttemptFinished, services.AlreadyAnswered)):
        submit(
            attempt=attempt, question_id=questions[-1].pk, choice_id=wrong_choice(questions[-1]).pk
        )

    assert attempt.responses.count() == 5
    assert attempt.responses.filter(is_correct=True).count() == 5


def test_a_finished_attempt_refuses_answers_to_questions_it_never_reached(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now())

    with pytest.raises(services.AttemptFinished):
        submit(
            attempt=attempt, question_id=questions[0].pk, choice_id=correct_choice(questions[0]).pk
        )

    assert attempt.responses.count() == 0


# show_hint


def test_show_hint_returns_the_question_and_remembers_it_was_shown(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)

    question = show_hint(attempt=attempt, question_id=str(questions[0].pk))

    attempt.refresh_from_db()
    assert question == questions[0]
    assert question.hint == "Remember: ASGI = async and real-time support"
    assert attempt.hint_shown is True


def test_hints_are_refused_in_test_mode(test_attempt: Attempt, test_quiz: Quiz) -> None:
    first = services.present_question(attempt=test_attempt)

    with pytest.raises(services.HintUnavailable):
        show_hint(attempt=test_attempt, question_id=first.pk)

    test_attempt.refresh_from_db()
    assert test_attempt.hint_shown is False


def test_a_hint_for_a_question_not_on_screen_is_refused(
    attempt: Attempt, questions: list[Question]
) -> None:
    services.present_question(attempt=attempt)

    with pytest.raises(services.HintUnavailable):
        show_hint(attempt=attempt, question_id=questions[1].pk)


def test_a_hint_after_answering_is_refused(attempt: Attempt, questions: list[Question]) -> None:
    answer_all(attempt)

    with pytest.raises(services.HintUnavailable):
        show_hint(attempt=attempt, question_id=questions[-1].pk)


@pytest.mark.parametrize("question_id", ["nope", 999_999_999])
def test_a_hint_for_an_unknown_question_is_refused(attempt: Attempt, question_id: object) -> None:
    services.present_question(attempt=attempt)

    with pytest.raises(services.UnknownQuestion):
        show_hint(attempt=attempt, question_id=question_id)


# Ownership: get_owned_attempt and attempts_owned_by


def test_get_owned_attempt_finds_the_sessions_own_attempt(
    attempt: Attempt, session_key: str
) -> None:
    found = services.get_owned_attempt(
        attempt_id=attempt.pk, session_key=session_key, user=AnonymousUser()
    )

    assert found == attempt


def test_get_owned_attempt_accepts_a_uuid_object_too(attempt: Attempt, session_key: str) -> None:
    assert services.get_owned_attempt(attempt_id=attempt.pk, session_key=session_key, user=None)


def test_get_owned_attempt_refuses_another_sessions_attempt(attempt: Attempt) -> None:
    with pytest.raises(services.AttemptNotFound):
        services.get_owned_attempt(
            attempt_id=attempt.pk, session_key=new_session_key(), user=AnonymousUser()
        )


@pytest.mark.parametrize("session_key_value", ["", None])
def test_get_owned_attempt_refuses_a_browser_without_a_session(
    attempt: Attempt, session_key_value: str | None
) -> None:
    with pytest.raises(services.AttemptNotFound):
        services.get_owned_attempt(
            attempt_id=attempt.pk, session_key=session_key_value, user=AnonymousUser()
        )


def test_get_owned_attempt_refuses_an_unknown_id(attempt: Attempt, session_key: str) -> None:
    """Ids that are no UUID never get this far: the URL or the consumer refuses them."""
    with pytest.raises(services.AttemptNotFound):
        services.get_owned_attempt(attempt_id=uuid.uuid4(), session_key=session_key, user=None)


def test_get_owned_attempt_refuses_another_users_attempt(
    practice_quiz: Quiz, session_key: str, django_user_model
) -> None:
    owner = django_user_model.objects.create_user("owner", password="pw-for-tests-only")
    other = django_user_model.objects.create_user("other", password="pw-for-tests-only")
    owned = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=owner)

    # Even from the browser session the owner used.
    with pytest.raises(services.AttemptNotFound):
        services.get_owned_attempt(attempt_id=owned.pk, session_key=session_key, user=other)
    assert services.get_owned_attempt(attempt_id=owned.pk, session_key="", user=owner) == owned


def test_a_users_attempt_is_not_reachable_anonymously_through_the_same_session(
    practice_quiz: Quiz, session_key: str, django_user_model
) -> None:
    owner = django_user_model.objects.create_user("owner", password="pw-for-tests-only")
    owned = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=owner)

    with pytest.raises(services.AttemptNotFound):
        services.get_owned_attempt(
            attempt_id=owned.pk, session_key=session_key, user=AnonymousUser()
        )


def test_attempts_owned_by_a_session_lists_only_that_sessions_anonymous_attempts(
    practice_quiz: Quiz, test_quiz: Quiz, session_key: str, django_user_model
) -> None:
    mine = {
        services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None).pk,
        services.start_attempt(quiz=test_quiz, session_key=session_key, user=None).pk,
    }
    services.start_attempt(quiz=practice_quiz, session_key=new_session_key(), user=None)
    user = django_user_model.objects.create_user("ada", password="pw-for-tests-only")
    services.start_attempt(quiz=practice_quiz, session_key=session_key, user=user)

    owned = services.attempts_owned_by(session_key=session_key, user=AnonymousUser())

    assert {a.pk for a in owned} == mine


def test_attempts_owned_by_a_logged_in_user_lists_theirs_from_any_session(
    practice_quiz: Quiz, session_key: str, django_user_model
) -> None:
    user = django_user_model.objects.create_user("ada", password="pw-for-tests-only")
    from_here = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=user)
    from_elsewhere = services.start_attempt(
        quiz=practice_quiz, session_key=new_session_key(), user=user
    )
    services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)

    owned = services.attempts_owned_by(session_key=session_key, user=user)

    assert {a.pk for a in owned} == {from_here.pk, from_elsewhere.pk}


@pytest.mark.parametrize("session_key_value", ["", None])
def test_attempts_owned_by_nobody_is_empty(attempt: Attempt, session_key_value: str | None) -> None:
    assert not services.attempts_owned_by(session_key=session_key_value, user=None).exists()
    assert not services.attempts_owned_by(
        session_key=session_key_value, user=AnonymousUser()
    ).exists()


# Results: score_of, review_of, with_scores


def test_score_of_a_fresh_attempt_is_zero_of_the_question_count(attempt: Attempt) -> None:
    score = services.score_of(attempt)

    assert (score.correct, score.answered, score.total) == (0, 0, 5)
    assert score.percent == 0


def test_score_of_counts_correct_and_answered_responses(
    attempt: Attempt, questions: list[Question]
) -> None:
    answer(attempt, questions[0], correct_choice(questions[0]))
    answer(attempt, questions[1], wrong_choice(questions[1]))
    answer(attempt, questions[2], correct_choice(questions[2]))

    score = services.score_of(attempt)

    assert score == services.Score(correct=2, answered=3, total=5)
    assert score.percent == 40


def test_score_percent_of_an_empty_quiz_is_zero_not_a_division_error() -> None:
    assert services.Score(correct=0, answered=0, total=0).percent == 0


def test_review_of_lists_every_question_in_order_with_the_answer_and_the_correct_choice(
    attempt: Attempt, questions: list[Question]
) -> None:
    answer(attempt, questions[0], correct_choice(questions[0]))
    answer(attempt, questions[1], wrong_choice(questions[1]))

    review = services.review_of(attempt)

    assert [item.question.pk for item in review] == [q.pk for q in questions]
    assert review[0].response is not None
    assert review[0].response.is_correct is True
    assert review[1].response is not None
    assert review[1].response.choice == wrong_choice(questions[1])
    assert [item.response for item in review[2:]] == [None, None, None]
    assert [item.correct_choice.letter for item in review] == ["D", "C", "B", "A", "A"]
    assert [item.correct_choice.text for item in review] == [q.final_answer for q in questions]


def test_with_scores_annotates_correct_answered_and_question_counts(
    practice_quiz: Quiz, test_quiz: Quiz, session_key: str, questions: list[Question]
) -> None:
    partial = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)
    answer(partial, questions[0], correct_choice(questions[0]))
    answer(partial, questions[1], wrong_choice(questions[1]))
    finished = services.start_attempt(quiz=test_quiz, session_key=session_key, user=None)
    answer_all(finished)
    untouched = services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)

    scored = {
        a.pk: a
        for a in services.with_scores(
            services.attempts_owned_by(session_key=session_key, user=None)
        )
    }

    counts = {
        pk: (a.correct_count, a.answered_count, a.question_count)  # type: ignore[attr-defined]
        for pk, a in scored.items()
    }
    assert counts == {
        partial.pk: (1, 2, 5),
        finished.pk: (3, 3, 3),
        untouched.pk: (0, 0, 5),
    }


def test_an_answer_and_its_feedback_read_the_attempts_progress_once_each(
    attempt: Attempt, django_assert_num_queries: Any
) -> None:
    # Every student's every answer takes this path (docs/performance.md, self-paced):
    # the lock, one read of what was answered, the insert, and the question's review card
    # (learning/receivers.py: one read of the card, one upsert); then one read for the
    # screen.
    question = ordered_questions(attempt.quiz)[0]
    choice = correct_choice(question)
    services.questions_of(attempt.quiz)  # the content, read once per process and version
    with django_assert_num_queries(7):  # the transaction's two (savepoints in a test) too
        response = services.submit_answer(attempt=attempt, question=question, choice=choice)
    with django_assert_num_queries(1):
        state = presenters.play_state(attempt, answered=response)
    assert state.score.correct == 1

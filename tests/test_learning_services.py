"""learning/services.py: review cards on every answer, due counts, the learning modes'
runs, and a visitor's data moving into an account when they sign in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.utils import timezone
from fsrs import Rating

from learning import selectors, services
from learning.mastery import Level
from learning.models import ModeQuiz, ReviewCard
from learning.owners import Learner, session_owner_key, user_key
from lessons.models import Lesson
from quiz import services as quiz_services
from quiz.models import Attempt, Quiz
from tests.factories import answer, correct_choice, new_session_key, ordered_questions, wrong_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(seeded: None) -> Lesson:
    return Lesson.objects.get(slug="asgi-vs-wsgi")


@pytest.fixture
def visitor() -> Learner:
    return Learner(user=None, session_key=new_session_key())


def practise(quiz: Quiz, learner: Learner, *, wrong_orders: set[int] = frozenset()) -> Attempt:  # type: ignore[assignment]
    """Answer every question of `quiz`, wrong at the given orders."""
    attempt = quiz_services.start_attempt(
        quiz=quiz, session_key=learner.session_key, user=learner.user or AnonymousUser()
    )
    for question in ordered_questions(quiz):
        choice = (
            wrong_choice(question) if question.order in wrong_orders else correct_choice(question)
        )
        answer(attempt, question, choice)
    return attempt


def make_due(learner: Learner) -> None:
    """Time passes: every card of the learner is due."""
    ReviewCard.objects.filter(owner=learner.key).update(due=timezone.now() - timedelta(seconds=1))


# Review cards


def test_every_answer_makes_a_card_for_its_question(practice_quiz: Quiz, visitor: Learner) -> None:
    practise(practice_quiz, visitor, wrong_orders={2})
    cards = {c.question.order: c for c in ReviewCard.objects.filter(owner=visitor.key)}
    assert sorted(cards) == [1, 2, 3, 4, 5]
    assert cards[2].last_rating == Rating.Again
    # A test answers in milliseconds: right and fast is Easy.
    assert cards[1].last_rating == Rating.Easy
    assert cards[2].due < cards[1].due


def test_a_wrong_answer_comes_back_in_a_minute_and_an_easy_one_in_days(
    practice_quiz: Quiz, visitor: Learner
) -> None:
    practise(practice_quiz, visitor, wrong_orders={2})
    cards = {c.question.order: c for c in ReviewCard.objects.filter(owner=visitor.key)}
    assert cards[2].due - cards[2].last_review == timedelta(minutes=1)
    assert cards[1].due - cards[1].last_review == timedelta(days=8)


def test_answering_the_question_again_moves_the_same_card(
    practice_quiz: Quiz, visitor: Learner
) -> None:
    practise(practice_quiz, visitor, wrong_orders={2})
    practise(practice_quiz, visitor)
    cards = ReviewCard.objects.filter(owner=visitor.key)
    assert cards.count() == 5
    second = cards.get(question__order=2)
    assert second.reviews == 2
    assert second.last_rating == Rating.Easy


def test_an_accounts_cards_are_its_own(practice_quiz: Quiz) -> None:
    user = User.objects.create_user("ada", password="a long pass phrase")
    practise(practice_quiz, Learner(user=user, session_key=new_session_key()))
    assert set(ReviewCard.objects.values_list("owner", "user_id")) == {(user_key(user.pk), user.pk)}


def test_due_counts_only_cards_whose_time_has_come(practice_quiz: Quiz, visitor: Learner) -> None:
    practise(practice_quiz, visitor, wrong_orders={2, 3})
    assert selectors.due_cards(visitor).count() == 0
    ReviewCard.objects.filter(owner=visitor.key, last_rating=Rating.Again).update(
        due=timezone.now() - timedelta(seconds=1)
    )
    assert selectors.due_cards(visitor).count() == 2
    assert selectors.due_by_lesson(visitor) == {practice_quiz.lesson_id: 2}
    stranger = Learner(user=None, session_key=new_session_key())
    assert selectors.due_cards(stranger).count() == 0


# Mastery and mistakes


def test_the_lessons_record_gives_mastery_and_the_latest_mistakes(
    practice_quiz: Quiz, test_quiz: Quiz, lesson: Lesson, visitor: Learner
) -> None:
    practise(practice_quiz, visitor, wrong_orders={2, 4})
    practise(practice_quiz, visitor, wrong_orders={4})
    record = selectors.lesson_record(lesson, visitor)
    assert record.mastery.answers == 10
    assert [q.order for q in ordered_questions(practice_quiz) if q.pk in record.mistakes] == [4]
    practise(test_quiz, visitor)
    assert selectors.lesson_record(lesson, visitor).mastery.answers == 13


# Learning modes


def test_test_this_pattern_draws_every_question_of_the_lesson_across_difficulties(
    lesson: Lesson, visitor: Learner
) -> None:
    attempt = services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.PATTERN, learner=visitor)
    drawn = quiz_services.questions_for(attempt)
    # The seed lesson has 8 questions (3 easy, 3 medium, 2 hard): all are drawn, easy first.
    assert [q.difficulty for q in drawn] == ["easy"] * 3 + ["medium"] * 3 + ["hard"] * 2
    assert not attempt.quiz.is_practice
    assert not attempt.quiz.published
    assert quiz_services.score_of(attempt).total == 8


def test_a_drawn_test_is_balanced_when_the_lesson_has_more_than_ten(lesson: Lesson) -> None:
    questions = list(selectors.lesson_questions(lesson)) * 3  # 9 easy, 9 medium, 6 hard
    drawn = services.draw_pattern_test(questions, size=10)
    counts = {d: sum(q.difficulty == d for q in drawn) for d in ("easy", "medium", "hard")}
    assert counts == {"easy": 4, "medium": 3, "hard": 3}


def test_a_pattern_test_all_right_is_strong(lesson: Lesson, visitor: Learner) -> None:
    attempt = services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.PATTERN, learner=visitor)
    for question in quiz_services.questions_for(attempt):
        answer(attempt, question, correct_choice(question))
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert selectors.attempt_mastery(attempt).level == Level.STRONG


def test_review_runs_only_what_is_due_with_instant_feedback(
    practice_quiz: Quiz, lesson: Lesson, visitor: Learner
) -> None:
    practise(practice_quiz, visitor, wrong_orders={2, 3})
    ReviewCard.objects.filter(owner=visitor.key, last_rating=Rating.Again).update(
        due=timezone.now() - timedelta(seconds=1)
    )
    attempt = services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.REVIEW, learner=visitor)
    assert attempt.quiz.is_practice
    assert [q.order for q in quiz_services.questions_for(attempt)] == [2, 3]
    for question in quiz_services.questions_for(attempt):
        answer(attempt, question, correct_choice(question))
    assert selectors.due_cards(visitor).count() == 0


def test_retry_my_mistakes_runs_the_questions_last_answered_wrong(
    practice_quiz: Quiz, lesson: Lesson, visitor: Learner
) -> None:
    practise(practice_quiz, visitor, wrong_orders={1, 5})
    attempt = services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.MISTAKES, learner=visitor)
    assert [q.order for q in quiz_services.questions_for(attempt)] == [1, 5]
    for question in quiz_services.questions_for(attempt):
        answer(attempt, question, correct_choice(question))
    assert selectors.lesson_record(lesson, visitor).mistakes == []
    with pytest.raises(services.NothingToRun, match="No mistakes"):
        services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.MISTAKES, learner=visitor)


def test_nothing_due_is_refused_with_a_reason(lesson: Lesson, visitor: Learner) -> None:
    with pytest.raises(services.NothingToRun, match="Nothing is due"):
        services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.REVIEW, learner=visitor)


def test_each_mode_has_one_quiz_per_lesson(lesson: Lesson, visitor: Learner) -> None:
    for _ in range(2):
        services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.PATTERN, learner=visitor)
    assert ModeQuiz.objects.filter(lesson=lesson).count() == 1
    # Not in the lesson page's catalogue of quizzes.
    assert list(Quiz.objects.published().filter(lesson=lesson).values_list("slug", flat=True)) == [
        "asgi-vs-wsgi-practice",
        "asgi-vs-wsgi-performance",
    ]


# A visitor signing in


def test_signing_in_moves_the_visitors_attempts_and_cards_once(
    practice_quiz: Quiz, visitor: Learner
) -> None:
    practise(practice_quiz, visitor)
    user = User.objects.create_user("ada", password="a long pass phrase")
    first = services.adopt_visitor_data(session_key=visitor.session_key, user=user)
    second = services.adopt_visitor_data(session_key=visitor.session_key, user=user)
    assert (first.attempts, first.cards) == (1, 5)
    assert (second.attempts, second.cards) == (0, 0)
    assert Attempt.objects.filter(user=user).count() == 1
    assert ReviewCard.objects.filter(owner=user_key(user.pk), user=user).count() == 5
    assert not ReviewCard.objects.filter(owner=session_owner_key(visitor.session_key)).exists()


def test_where_both_have_a_card_the_later_reviewed_one_stays(
    practice_quiz: Quiz, visitor: Learner
) -> None:
    user = User.objects.create_user("ada", password="a long pass phrase")
    account = Learner(user=user, session_key=new_session_key())
    practise(practice_quiz, account, wrong_orders={1})  # earlier, in the account
    practise(practice_quiz, visitor, wrong_orders={2})  # later, in this browser
    earlier = timezone.now() - timedelta(days=1)
    ReviewCard.objects.filter(owner=account.key).update(last_review=earlier)
    ReviewCard.objects.filter(owner=account.key, question__order=3).update(
        last_review=timezone.now() + timedelta(hours=1)  # the account's is later here
    )
    services.adopt_visitor_data(session_key=visitor.session_key, user=user)
    cards = {c.question.order: c for c in ReviewCard.objects.filter(owner=account.key)}
    assert len(cards) == 5
    assert cards[1].last_rating == Rating.Easy  # the visitor's later right answer
    assert cards[2].last_rating == Rating.Again  # the visitor's later wrong one
    assert cards[3].last_review > timezone.now()  # the account's, later still
    assert ReviewCard.objects.count() == 5


def test_a_visitors_mastery_follows_into_the_account(
    practice_quiz: Quiz, test_quiz: Quiz, lesson: Lesson, visitor: Learner
) -> None:
    practise(practice_quiz, visitor)
    practise(test_quiz, visitor)
    before = selectors.lesson_record(lesson, visitor).mastery
    user = User.objects.create_user("ada", password="a long pass phrase")
    services.adopt_visitor_data(session_key=visitor.session_key, user=user)
    after = selectors.lesson_record(lesson, Learner(user=user, session_key="")).mastery
    assert (after.answers, after.ability, after.level) == (
        before.answers,
        before.ability,
        before.level,
    )


def test_progress_lists_every_lesson_in_four_queries(
    practice_quiz: Quiz, visitor: Learner, django_assert_num_queries: Any
) -> None:
    practise(practice_quiz, visitor, wrong_orders={2})
    make_due(visitor)
    with django_assert_num_queries(4):
        rows = selectors.progress(visitor)
    assert [(r.lesson.slug, r.attempts, r.due, r.record.mastery.answers) for r in rows] == [
        ("asgi-vs-wsgi", 1, 5, 5)
    ]


def test_reloading_the_content_keeps_the_mode_quizzes_and_their_runs(
    lesson: Lesson, visitor: Learner
) -> None:
    attempt = services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.PATTERN, learner=visitor)
    call_command("load_content", verbosity=0)
    assert ModeQuiz.objects.get(lesson=lesson).quiz_id == attempt.quiz_id
    assert len(quiz_services.questions_for(Attempt.objects.get(pk=attempt.pk))) == 8


def test_cards_and_mode_quizzes_name_themselves(
    practice_quiz: Quiz, lesson: Lesson, visitor: Learner
) -> None:
    practise(practice_quiz, visitor)
    card = ReviewCard.objects.get(owner=visitor.key, question__order=1)
    assert str(card).startswith(f"{visitor.key} question {card.question_id} due ")
    attempt = services.start_mode(lesson=lesson, kind=ModeQuiz.Kind.PATTERN, learner=visitor)
    mode = ModeQuiz.objects.get(quiz=attempt.quiz)
    assert str(mode) == f"{lesson}: Test this pattern"
    assert mode.get_absolute_url() == lesson.get_absolute_url()


def test_an_attempt_nobody_owns_makes_no_card(practice_quiz: Quiz) -> None:
    attempt = quiz_services.start_attempt(quiz=practice_quiz, session_key="", user=None)
    question = ordered_questions(practice_quiz)[0]
    answer(attempt, question, correct_choice(question))
    assert not ReviewCard.objects.exists()


def test_a_tests_answers_make_cards_only_when_it_is_submitted_and_as_last_changed(
    test_quiz: Quiz,
) -> None:
    session_key = new_session_key()
    attempt = quiz_services.start_attempt(quiz=test_quiz, session_key=session_key, user=None)
    first = ordered_questions(test_quiz)[0]
    quiz_services.change_answer(attempt=attempt, question=first, choice=wrong_choice(first))
    quiz_services.change_answer(attempt=attempt, question=first, choice=correct_choice(first))
    assert not ReviewCard.objects.exists()  # the student may still change it

    quiz_services.submit_attempt(attempt=attempt, confirmed=True)

    (card,) = ReviewCard.objects.all()
    assert card.question_id == first.pk
    assert (card.reviews, card.last_rating) == (1, Rating.Easy.value)  # right, quickly
    assert card.owner == session_owner_key(session_key)

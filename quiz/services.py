"""The rules of self-paced quizzes: every view and consumer goes through here."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quiz import caches, signals
from quiz.models import Attempt, AttemptQuestion, Choice, Question, QuestionFlag, Quiz, Response

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

logger = logging.getLogger(__name__)

POINTS_PER_CORRECT_ANSWER = 1


def score_for(choice: Choice) -> int:
    """What an answer scores: the one grading rule, for practice and test answers alike."""
    return POINTS_PER_CORRECT_ANSWER if choice.is_correct else 0


# A student may come back to an attempt weeks later (sessions last 120 days), and the
# clock runs from when the question was first shown. Past a day the figure says only
# "left and came back"; past 24.8 days it would not fit PostgreSQL's integer column.
MAX_TIME_TAKEN = timedelta(days=1)


class QuizError(Exception):
    """A refusal with a message fit to show the student."""

    code = "invalid"
    # Lazy, and kept lazy: a refusal reads in the language of whoever is shown it (the
    # request's, or the socket's, quiz/sockets.py), even when raised in another thread
    # (live answers are graded in batches).
    message: StrOrPromise = _("That did not work.")

    def __init__(self, message: StrOrPromise | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class AttemptNotFound(QuizError):
    code = "not_found"
    message = _("This attempt does not exist or belongs to someone else.")


class UnknownQuestion(QuizError):
    code = "unknown_question"
    message = _("That question is not part of this quiz.")


class UnknownChoice(QuizError):
    code = "unknown_choice"
    message = _("Pick one of the question's options.")


class AlreadyAnswered(QuizError):
    code = "already_answered"
    message = _("You already answered this question; your first answer stays.")


class NotCurrentQuestion(QuizError):
    code = "not_current"
    message = _("Answer the questions in order: this one is not on screen yet.")


class AttemptFinished(QuizError):
    code = "finished"
    message = _("This attempt is finished; start a new one to try again.")


class QuizClosed(QuizError):
    code = "closed"
    message = _("This quiz is closed: it takes no more attempts or answers.")


class AttemptLimitReached(QuizError):
    code = "attempt_limit"
    message = _("You have used every attempt this quiz allows.")


class NotATest(QuizError):
    code = "not_a_test"
    message = _("Only a test lets you move between questions and change answers.")


class SubmitNotConfirmed(QuizError):
    code = "not_confirmed"
    message = _("Tick the box to confirm that you are submitting all your answers.")


class HintUnavailable(QuizError):
    code = "no_hint"
    message = _("Hints are only offered in practice mode, before you answer.")


# The project keeps Django's own User (no AUTH_USER_MODEL of its own).
Owner = User | AnonymousUser | None


def _user_or_none(user: Owner) -> User | None:
    return user if user is not None and user.is_authenticated else None


# Selectors


def attempts_owned_by(*, session_key: str | None, user: Owner) -> QuerySet[Attempt]:
    owner = _user_or_none(user)
    if owner is not None:
        return Attempt.objects.filter(user=owner)
    if not session_key:
        return Attempt.objects.none()
    return Attempt.objects.filter(session_key=session_key, user__isnull=True)


def attempts_counted(*, quiz: Quiz, session_key: str | None, user: Owner) -> QuerySet[Attempt]:
    """The attempts that count against the quiz's limit: this account's, wherever they
    were made, and this browser's, signed in or not."""
    owner = _user_or_none(user)
    mine = Q(user=owner) if owner is not None else Q(pk__in=[])
    if session_key:
        mine |= Q(session_key=session_key)
    return Attempt.objects.filter(mine, quiz=quiz)


def attempts_left(*, quiz: Quiz, session_key: str | None, user: Owner) -> int | None:
    """How many more attempts may start; None for no limit."""
    if quiz.max_attempts is None:
        return None
    used = attempts_counted(quiz=quiz, session_key=session_key, user=user).count()
    return max(quiz.max_attempts - used, 0)


def with_scores(attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
    """Annotate correct, answered and total counts in one query."""
    return attempts.select_related("quiz", "quiz__lesson").annotate(
        correct_count=Count("responses", filter=Q(responses__is_correct=True), distinct=True),
        answered_count=Count("responses", distinct=True),
        # A drawn set's quiz has no questions of its own: its attempt's are counted.
        question_count=Count("quiz__questions", distinct=True) + Count("drawn", distinct=True),
    )


def get_owned_attempt(*, attempt_id: uuid.UUID, session_key: str | None, user: Owner) -> Attempt:
    attempt = (
        attempts_owned_by(session_key=session_key, user=user)
        .select_related("quiz", "quiz__lesson")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise AttemptNotFound()
    return attempt


def questions_of(quiz: Quiz) -> list[Question]:
    """The quiz's questions in order, each with its choices lettered A, B, C...

    Read once per process and content version: every save or delete of a lesson's
    quizzes, questions and choices moves the lesson's updated_at, which is in the key.
    The list and its objects are shared between requests, so nobody may change them.
    """
    return _questions_at(quiz, quiz.lesson.updated_at)


@lru_cache(maxsize=64)
def _questions_at(quiz: Quiz, version: datetime) -> list[Question]:
    questions = list(quiz.questions.prefetch_related("choices"))
    for question in questions:
        for position, choice in enumerate(question.choices.all()):
            choice.position = position
    return questions


caches.register("quiz.questions", _questions_at.cache_clear)


def questions_for(attempt: Attempt) -> list[Question]:
    """The questions this attempt runs: its quiz's, or its own drawn set (learning modes)."""
    if not attempt.quiz.draws_questions:
        return questions_of(attempt.quiz)
    # A drawn set never changes; its questions' content moves the lesson's updated_at.
    return _drawn_at(attempt.pk, attempt.quiz.lesson.updated_at)


@lru_cache(maxsize=256)
def _drawn_at(attempt_id: uuid.UUID, version: datetime) -> list[Question]:
    questions = list(
        Question.objects.filter(drawn_in__attempt_id=attempt_id)
        .order_by("drawn_in__order")
        .prefetch_related("choices")
    )
    for question in questions:
        for position, choice in enumerate(question.choices.all()):
            choice.position = position
    return questions


caches.register("quiz.drawn", _drawn_at.cache_clear)


def answered(attempt: Attempt) -> dict[int, bool]:
    """Question id -> whether its answer was right: the attempt's progress in one query,
    which the question to show, the grading and the score all read."""
    return dict(attempt.responses.values_list("question_id", "is_correct"))


def first_unanswered(attempt: Attempt, done: dict[int, bool] | None = None) -> Question | None:
    done = answered(attempt) if done is None else done
    return next((q for q in questions_for(attempt) if q.pk not in done), None)


# Writers


def start_attempt(*, quiz: Quiz, session_key: str, user: Owner) -> Attempt:
    if quiz.is_closed(timezone.now()):
        raise QuizClosed()
    with transaction.atomic():
        if quiz.max_attempts is not None:
            # Two tabs starting at once must not both take the last attempt.
            Quiz.objects.select_for_update().filter(pk=quiz.pk).exists()
            if attempts_left(quiz=quiz, session_key=session_key, user=user) == 0:
                raise AttemptLimitReached()
        attempt = Attempt.objects.create(
            quiz=quiz, session_key=session_key, user=_user_or_none(user)
        )
    logger.info("attempt started attempt=%s quiz=%s", attempt.pk, quiz.slug)
    return attempt


def start_drawn_attempt(
    *, quiz: Quiz, questions: list[Question], session_key: str, user: Owner
) -> Attempt:
    """An attempt of a `draws_questions` quiz running `questions` in this order."""
    if not quiz.draws_questions:
        raise QuizError(_("This quiz runs its own questions."))
    if not questions:
        raise QuizError(_("There are no questions to run here yet."))
    with transaction.atomic():
        attempt = Attempt.objects.create(
            quiz=quiz, session_key=session_key, user=_user_or_none(user)
        )
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(attempt=attempt, question=question, order=order)
            for order, question in enumerate(questions, start=1)
        )
    logger.info("drawn attempt started attempt=%s quiz=%s", attempt.pk, quiz.slug)
    return attempt


def present_question(*, attempt: Attempt, done: dict[int, bool] | None = None) -> Question | None:
    """The question to show next; starts its clock the first time it is shown."""
    question = first_unanswered(attempt, done)
    if question is not None and attempt.current_question_id != question.pk:
        attempt.current_question = question
        attempt.question_shown_at = timezone.now()
        attempt.hint_shown = False
        attempt.save(update_fields=["current_question", "question_shown_at", "hint_shown"])
    return question


def show_hint(*, attempt: Attempt, question: Question) -> Question:
    if not attempt.quiz.is_practice or attempt.current_question_id != question.pk:
        raise HintUnavailable()
    if attempt.responses.filter(question=question).exists():
        raise HintUnavailable()
    if not attempt.hint_shown:
        attempt.hint_shown = True
        attempt.save(update_fields=["hint_shown"])
    return question


def submit_answer(*, attempt: Attempt, question: Question, choice: Choice) -> Response:
    """Grade and store one answer (an option of a question of this attempt's quiz, as
    quiz.forms.AnswerForm checks). Exactly one response per question, ever."""
    try:
        with transaction.atomic():
            # The row lock serialises two sockets or tabs answering together.
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            locked.quiz = attempt.quiz  # read by the Response's listeners, without a query
            done = answered(locked)
            if question.pk in done:
                raise AlreadyAnswered()
            if locked.is_finished:
                raise AttemptFinished()
            if attempt.quiz.is_closed(timezone.now()):
                raise QuizClosed()
            if first_unanswered(attempt, done) != question:
                raise NotCurrentQuestion()
            now = timezone.now()
            shown_at = (
                locked.question_shown_at
                if locked.current_question_id == question.pk and locked.question_shown_at
                else now
            )
            response = Response.objects.create(
                attempt=locked,
                question=question,
                choice=choice,
                is_correct=choice.is_correct,
                score=score_for(choice),
                time_taken_ms=_time_taken_ms(shown_at, now),
                hint_used=locked.hint_shown and locked.current_question_id == question.pk,
            )
            done[question.pk] = response.is_correct
            if first_unanswered(attempt, done) is None:
                locked.finished_at = now
                locked.save(update_fields=["finished_at"])
                if not attempt.quiz.is_practice:
                    signals.test_submitted.send(sender=Attempt, attempt=locked)
    except IntegrityError:
        # Another process won the race between our check and our insert.
        raise AlreadyAnswered() from None
    attempt.finished_at = locked.finished_at
    logger.info(
        "answer stored attempt=%s question=%s correct=%s",
        attempt.pk,
        question.pk,
        response.is_correct,
    )
    return response


def _time_taken_ms(shown_at: datetime, now: datetime) -> int:
    taken = min(max(now - shown_at, timedelta(0)), MAX_TIME_TAKEN)  # clocks can disagree
    return int(taken.total_seconds() * 1000)


def response_to(*, attempt: Attempt, question: Question) -> Response | None:
    return attempt.responses.filter(question=question).first()


def current_response(*, attempt: Attempt) -> Response | None:
    """The latest answer, if it answered the question on screen: the student has not
    moved on to the next question yet."""
    latest = attempt.responses.order_by("-answered_at", "-pk").first()
    return latest if latest and latest.question_id == attempt.current_question_id else None


# Results


@dataclass(frozen=True)
class Score:
    correct: int
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


def score_of(attempt: Attempt, done: dict[int, bool] | None = None) -> Score:
    done = answered(attempt) if done is None else done
    return Score(
        correct=sum(done.values()),
        answered=len(done),
        total=len(questions_for(attempt)),
    )


@dataclass(frozen=True)
class ReviewItem:
    question: Question
    response: Response | None

    @property
    def correct_choice(self) -> Choice | None:
        return self.question.correct_choice


def review_of(attempt: Attempt) -> list[ReviewItem]:
    responses = {r.question_id: r for r in attempt.responses.select_related("choice")}
    return [ReviewItem(question=q, response=responses.get(q.pk)) for q in questions_for(attempt)]


# Test mode: move between questions, change answers and flag them until "Submit all".
# Practice goes through submit_answer above, one answer per question with its feedback;
# a test's answers stay changeable (still one Response row per question: it is updated)
# and the attempt finishes only when the student submits it.


@dataclass(frozen=True)
class OverviewItem:
    number: int
    question: Question
    answered: bool
    flagged: bool
    current: bool


def _changeable(attempt: Attempt) -> None:
    """Refuse a change to anything but an open test's unfinished attempt."""
    if attempt.quiz.is_practice:
        raise NotATest()
    if attempt.is_finished:
        raise AttemptFinished()
    if attempt.quiz.is_closed(timezone.now()):
        raise QuizClosed()


def _locked(attempt: Attempt) -> Attempt:
    """The attempt's row, locked: a second tab or socket waits for this change."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    locked.quiz = attempt.quiz
    _changeable(locked)
    return locked


def question_on_screen(*, attempt: Attempt) -> Question | None:
    """The test question the student is on: where they went last, else the first one,
    whose clock starts when it is first shown. None once the attempt is submitted."""
    if attempt.is_finished:
        return None
    questions = questions_for(attempt)
    current = next((q for q in questions if q.pk == attempt.current_question_id), None)
    if current is None and questions:
        current = questions[0]
        attempt.current_question = current
        attempt.question_shown_at = timezone.now()
        attempt.save(update_fields=["current_question", "question_shown_at"])
    return current


def go_to_question(*, attempt: Attempt, question: Question) -> Question:
    """Put another question of the test on screen (its clock starts again)."""
    with transaction.atomic():
        locked = _locked(attempt)
        locked.current_question = question
        locked.question_shown_at = timezone.now()
        locked.save(update_fields=["current_question", "question_shown_at"])
    attempt.current_question, attempt.question_shown_at = question, locked.question_shown_at
    return question


def change_answer(*, attempt: Attempt, question: Question, choice: Choice) -> Response:
    """Store a test answer, or replace the one given before: one row per question, whose
    time adds up over the visits. Then the next question in order goes on screen."""
    with transaction.atomic():
        locked = _locked(attempt)
        now = timezone.now()
        shown_at = (
            locked.question_shown_at
            if locked.current_question_id == question.pk and locked.question_shown_at
            else now
        )
        visit_ms = _time_taken_ms(shown_at, now)
        response = Response.objects.filter(attempt=locked, question=question).first()
        if response is None:
            response = Response.objects.create(
                attempt=locked,
                question=question,
                choice=choice,
                is_correct=choice.is_correct,
                score=score_for(choice),
                time_taken_ms=visit_ms,
            )
        else:
            response.choice = choice
            response.is_correct = choice.is_correct
            response.score = score_for(choice)
            response.time_taken_ms = min(
                response.time_taken_ms + visit_ms, int(MAX_TIME_TAKEN.total_seconds() * 1000)
            )
            response.save(update_fields=["choice", "is_correct", "score", "time_taken_ms"])
        questions = questions_for(attempt)
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        upcoming = questions[min(index + 1, len(questions) - 1)]
        locked.current_question = upcoming
        locked.question_shown_at = now
        locked.save(update_fields=["current_question", "question_shown_at"])
    attempt.current_question, attempt.question_shown_at = upcoming, now
    logger.info("test answer stored attempt=%s question=%s", attempt.pk, question.pk)
    return response


def set_flag(*, attempt: Attempt, question: Question, flagged: bool) -> bool:
    """Flag a test question to come back to, or clear its flag; returns the new state."""
    with transaction.atomic():
        locked = _locked(attempt)
        if flagged:
            QuestionFlag.objects.get_or_create(attempt=locked, question=question)
        else:
            QuestionFlag.objects.filter(attempt=locked, question=question).delete()
    return flagged


def flagged_ids(attempt: Attempt) -> frozenset[int]:
    return frozenset(attempt.flags.values_list("question_id", flat=True))


def overview_of(attempt: Attempt) -> list[OverviewItem]:
    """Every question of the test, answered or not, flagged or not: what the student
    checks before "Submit all". Two queries."""
    done = answered(attempt)
    flags = flagged_ids(attempt)
    return [
        OverviewItem(
            number=number,
            question=question,
            answered=question.pk in done,
            flagged=question.pk in flags,
            current=question.pk == attempt.current_question_id,
        )
        for number, question in enumerate(questions_for(attempt), start=1)
    ]


def submit_attempt(*, attempt: Attempt, confirmed: bool) -> Attempt:
    """Finish the test: its answers are final and its results open (as Quiz.review says)."""
    if not confirmed:
        raise SubmitNotConfirmed()
    with transaction.atomic():
        locked = _locked(attempt)
        locked.finished_at = timezone.now()
        locked.save(update_fields=["finished_at"])
        signals.test_submitted.send(sender=Attempt, attempt=locked)
    attempt.finished_at = locked.finished_at
    logger.info("test submitted attempt=%s", attempt.pk)
    return attempt

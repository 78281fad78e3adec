"""The learning rules that write: review cards, the learning modes' runs, a visitor's
data moving into an account."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning import selectors
from learning.models import ModeQuiz, ReviewCard
from learning.owners import Learner, key_of_attempt, session_owner_key, user_key
from learning.scheduling import rating_for, reviewed
from lessons.models import Lesson
from quiz import services as quiz_services
from quiz.models import Attempt, Difficulty, Question, Quiz, Response

logger = logging.getLogger(__name__)

PATTERN_TEST_SIZE = 10
REVIEW_RUN_SIZE = 20


class NothingToRun(quiz_services.QuizError):
    code = "nothing_to_run"
    message = _("There is nothing to run here yet.")


# Review cards


def review_answer(*, response: Response) -> ReviewCard | None:
    """Move the answered question's card: two queries (read the card, upsert it), on the
    answer path inside its transaction."""
    attempt = response.attempt
    owner = key_of_attempt(attempt)
    if not owner:
        return None
    now = response.answered_at or timezone.now()
    existing = (
        ReviewCard.objects.filter(owner=owner, question_id=response.question_id)
        .values_list("card", "reviews")
        .first()
    )
    rating = rating_for(
        is_correct=response.is_correct,
        hint_used=response.hint_used,
        time_taken_ms=response.time_taken_ms,
    )
    card = reviewed(
        existing[0] if existing else None,
        question_id=response.question_id,
        rating=rating,
        now=now,
    )
    row = ReviewCard(
        owner=owner,
        user_id=attempt.user_id,
        question_id=response.question_id,
        card=card.to_dict(),
        due=card.due,
        last_review=now,
        last_rating=rating.value,
        reviews=existing[1] + 1 if existing else 1,
    )
    # One statement that also settles two tabs writing a first card at once.
    ReviewCard.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["owner", "question"],
        update_fields=["card", "due", "last_review", "last_rating", "reviews", "user"],
    )
    return row


# A visitor signing in


@dataclass(frozen=True)
class Adopted:
    attempts: int
    cards: int


def adopt_visitor_data(*, session_key: str | None, user: User) -> Adopted:
    """Move what this browser did before signing in into the account: its attempts, and
    its review cards (where both have a card for a question, the later-reviewed one
    stays). Mastery follows, as it is read from the attempts' answers. Running it twice
    moves nothing the second time."""
    if not session_key:
        return Adopted(attempts=0, cards=0)
    visitor_key, account_key = session_owner_key(session_key), user_key(user.pk)
    with transaction.atomic():
        attempts = Attempt.objects.filter(session_key=session_key, user__isnull=True).update(
            user=user
        )
        visitor = {c.question_id: c for c in ReviewCard.objects.filter(owner=visitor_key)}
        account = {
            c.question_id: c
            for c in ReviewCard.objects.filter(owner=account_key, question_id__in=visitor)
        }
        # A tie keeps the account's card.
        outdated = {q for q, c in account.items() if visitor[q].last_review > c.last_review}
        winners = [c.pk for q, c in visitor.items() if q not in account or q in outdated]
        losers_in_account = [account[q].pk for q in outdated]
        ReviewCard.objects.filter(pk__in=losers_in_account).delete()
        moved = ReviewCard.objects.filter(pk__in=winners).update(owner=account_key, user=user)
        ReviewCard.objects.filter(owner=visitor_key).delete()
    if attempts or visitor:
        logger.info("visitor data adopted user=%s attempts=%s cards=%s", user.pk, attempts, moved)
    return Adopted(attempts=attempts, cards=moved)


# The learning modes


def mode_quiz(*, lesson: Lesson, kind: ModeQuiz.Kind) -> Quiz:
    """The lesson's quiz for this mode, made the first time it runs."""
    found = ModeQuiz.objects.filter(lesson=lesson, kind=kind).select_related("quiz").first()
    if found is not None:
        return found.quiz
    with transaction.atomic():
        quiz = Quiz.objects.create(
            lesson=lesson,
            slug=f"learning-{kind.value}-{lesson.pk}",
            title=f"{kind.label}: {lesson.title}"[:200],
            mode=Quiz.Mode.TEST if kind == ModeQuiz.Kind.PATTERN else Quiz.Mode.PRACTICE,
            review=Quiz.Review.FULL,
            # Not in the catalogue: it is started from the lesson's learning modes.
            published=False,
            draws_questions=True,
        )
        ModeQuiz.objects.create(lesson=lesson, kind=kind, quiz=quiz)
    return quiz


def draw_pattern_test(questions: list[Question], size: int = PATTERN_TEST_SIZE) -> list[Question]:
    """Up to `size` questions, as even across easy, medium and hard as the lesson allows
    (one of each in turn, at random within a difficulty), easiest first."""
    pools = {level: [q for q in questions if q.difficulty == level] for level in Difficulty}
    for pool in pools.values():
        secrets.SystemRandom().shuffle(pool)
    drawn: list[Question] = []
    while len(drawn) < size and any(pools.values()):
        for pool in pools.values():
            if pool and len(drawn) < size:
                drawn.append(pool.pop())
    order = list(Difficulty)
    return sorted(drawn, key=lambda q: order.index(Difficulty(q.difficulty)))


def questions_for_mode(*, lesson: Lesson, kind: ModeQuiz.Kind, learner: Learner) -> list[Question]:
    if kind == ModeQuiz.Kind.PATTERN:
        return draw_pattern_test(list(selectors.lesson_questions(lesson)))
    if kind == ModeQuiz.Kind.REVIEW:
        due = (
            selectors.due_cards(learner)
            .filter(question__quiz__lesson=lesson)
            .order_by("due")
            .values_list("question_id", flat=True)[:REVIEW_RUN_SIZE]
        )
        ids = list(due)
    else:
        ids = selectors.lesson_record(lesson, learner).mistakes
    by_id = selectors.lesson_questions(lesson).in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def start_mode(*, lesson: Lesson, kind: ModeQuiz.Kind, learner: Learner) -> Attempt:
    """Start a run of one of the lesson's learning modes, on the quiz app's attempt (the
    same play page, socket, grading and results)."""
    questions = questions_for_mode(lesson=lesson, kind=kind, learner=learner)
    if not questions:
        raise NothingToRun(
            {
                ModeQuiz.Kind.PATTERN: _("This lesson has no questions yet."),
                ModeQuiz.Kind.REVIEW: _("Nothing is due for review in this lesson."),
                ModeQuiz.Kind.MISTAKES: _("No mistakes to retry: your latest answers are right."),
            }[kind]
        )
    return quiz_services.start_drawn_attempt(
        quiz=mode_quiz(lesson=lesson, kind=kind),
        questions=questions,
        session_key=learner.session_key,
        user=learner.user,
    )

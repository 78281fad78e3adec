from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from string import ascii_uppercase
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lessons.highlight import highlight_code
from lessons.models import Lesson, touch_lessons


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuizQuerySet(models.QuerySet["Quiz"]):
    def published(self) -> QuizQuerySet:
        """What students see: a published quiz in a published lesson."""
        return self.filter(published=True, lesson__published=True)


class Quiz(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", _("Practice: feedback after every answer, hints")
        TEST = "test", _("Test: no feedback until the end")

    class Review(models.TextChoices):
        """What a finished test-mode attempt shows (practice shows all as it goes)."""

        SCORE = "score", "The score only"
        MARKS = "marks", "The score and which answers were right"
        FULL = "full", "The score, which answers were right, the correct answers and solutions"

    class ReviewFrom(models.TextChoices):
        IMMEDIATELY = "immediately", "As soon as the attempt is finished"
        AFTER_CLOSE = "after_close", "Only after the quiz closes (the score before)"

    # PROTECT: a lesson's quizzes carry students' answers, which outlive edits.
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="quizzes")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PRACTICE)
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)
    max_attempts = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Attempts each student may start (per account and per browser). Empty: "
        "unlimited.",
    )
    review = models.CharField(
        max_length=10,
        choices=Review.choices,
        default=Review.MARKS,
        help_text="What a finished test-mode attempt shows. With several attempts allowed, "
        "showing which answers were right lets a student learn the key over attempts.",
    )
    review_from = models.CharField(
        max_length=12, choices=ReviewFrom.choices, default=ReviewFrom.IMMEDIATELY
    )
    closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="After this, no attempt starts and no answer is taken; reviews set to "
        "wait for the close open then.",
    )
    # The learning modes (learning/) run sets drawn per attempt from a lesson's questions
    # through such a quiz: it has no questions of its own (AttemptQuestion holds them).
    draws_questions = models.BooleanField(
        default=False,
        editable=False,
        help_text="Each attempt runs its own drawn set of questions (AttemptQuestion).",
    )

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["lesson", "order", "title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=~Q(review_from="after_close") | Q(closes_at__isnull=False),
                name="review_after_close_needs_a_close_date",
                violation_error_message="Set a close date for a review that waits for it.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_lesson = (
            Quiz.objects.filter(pk=self.pk).values_list("lesson_id", flat=True).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        # The lesson page caches its quiz cards under the lesson's updated_at.
        touch_lessons(self.lesson_id, old_lesson)

    def get_absolute_url(self) -> str:
        return reverse("quiz:detail", kwargs={"slug": self.slug})

    @property
    def is_practice(self) -> bool:
        return self.mode == self.Mode.PRACTICE

    @property
    def mode_label(self) -> str:
        return str(_("Practice") if self.is_practice else _("Test"))

    def is_closed(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at

    def review_at(self, now: datetime) -> Quiz.Review:
        """What a finished attempt may show at `now`. Practice showed everything answer
        by answer already; a review that waits for the close shows the score until then."""
        if self.is_practice:
            return Quiz.Review.FULL
        if self.review_from == Quiz.ReviewFrom.AFTER_CLOSE and not self.is_closed(now):
            return Quiz.Review.SCORE
        return Quiz.Review(self.review)


@dataclass(frozen=True)
class SolutionStep:
    title: str
    text: str


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveSmallIntegerField()
    prompt = models.TextField()
    code = models.TextField(blank=True, help_text="Optional code shown with the prompt.")
    language = models.CharField(max_length=40, blank=True, default="python")
    code_html = models.TextField(blank=True, editable=False)
    difficulty = models.CharField(
        max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    hint = models.TextField(blank=True)
    solution_steps = models.TextField(
        blank=True,
        help_text="One step per paragraph: its first line is the step's title, "
        "the lines after it explain. Separate steps with a blank line.",
    )
    final_answer = models.TextField(blank=True)
    quick_check = models.CharField(max_length=300, blank=True)
    common_mistakes = models.TextField(blank=True, help_text="One mistake per line.")

    class Meta:
        ordering = ["quiz", "order"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "order"], name="unique_question_order"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.order}: {self.prompt[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code_html = highlight_code(self.code, self.language)
        old_lesson = lesson_of_question(self.pk) if self.pk else None
        super().save(*args, **kwargs)
        # Question counts and difficulty mixes are on the lesson page.
        touch_lessons(self.quiz.lesson_id, old_lesson)

    @property
    def prompt_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.prompt.split("\n\n") if p.strip()]

    @property
    def steps(self) -> list[SolutionStep]:
        steps = []
        for block in self.solution_steps.replace("\r\n", "\n").split("\n\n"):
            lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
            if lines:
                steps.append(SolutionStep(title=lines[0], text=" ".join(lines[1:])))
        return steps

    @property
    def correct_choice(self) -> Choice | None:
        """The one correct option (a constraint allows no second), from the prefetched
        choices when they are."""
        return next((c for c in self.choices.all() if c.is_correct), None)

    @property
    def mistakes(self) -> list[str]:
        return [line.strip() for line in self.common_mistakes.splitlines() if line.strip()]


MIN_OPTIONS = 2
# Added to a choice's order while its question's choices are rewritten, so that
# swapping two orders or moving the correct mark never trips a constraint mid-save.
PARKED_ORDER_OFFSET = 10_000


def validate_options(options: list[tuple[str, bool]]) -> None:
    """A question's options as (text, is_correct): at least two with text, exactly one
    correct. The database holds the second half too (one_correct_choice_per_question),
    but only after the fact; the admin and the content loader ask here first."""
    kept = [correct for text, correct in options if str(text).strip()]
    if len(kept) < MIN_OPTIONS:
        raise ValidationError(f"Give at least {MIN_OPTIONS} options with text.")
    if (correct := sum(kept)) != 1:
        raise ValidationError(f"Mark exactly one option as correct ({correct} are marked).")


class ChoiceQuerySet(models.QuerySet["Choice"]):
    def park(self) -> int:
        """Move these choices out of the way (orders and the correct mark) before a rewrite."""
        return self.update(is_correct=False, order=F("order") + PARKED_ORDER_OFFSET)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    feedback = models.TextField(
        blank=True, help_text="Shown to a student who picks this option when it is wrong."
    )

    objects = ChoiceQuerySet.as_manager()
    # Set on the cached questions' choices (services.questions_of): the index of the
    # option among its question's, which gives its letter without a query.
    position: int

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="unique_choice_order"),
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(is_correct=True),
                name="one_correct_choice_per_question",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        touch_lessons(lesson_of_question(self.question_id))  # see services.questions_of

    @property
    def letter(self) -> str:
        """A, B, C... by position among the question's choices."""
        position = getattr(self, "position", None)
        if position is None:
            position = self.question.choices.filter(order__lt=self.order).count()
        return ascii_uppercase[position % 26]


class Attempt(models.Model):
    """One student's run through a quiz; owned by a user or a browser session."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quiz_attempts",
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The question on screen and since when: answer time is measured from it.
    current_question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question_shown_at = models.DateTimeField(null=True, blank=True)
    hint_shown = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.quiz} attempt {str(self.id)[:8]}"

    def get_absolute_url(self) -> str:
        return reverse("quiz:play", kwargs={"attempt_id": self.id})

    def get_results_url(self) -> str:
        return reverse("quiz:results", kwargs={"attempt_id": self.id})

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class AttemptQuestion(models.Model):
    """A question of a drawn set: what an attempt of a `draws_questions` quiz runs."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="drawn")
    # CASCADE: a deleted question leaves the sets it was drawn into (its answers, if
    # any, still protect it: Response.question).
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="drawn_in")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["attempt", "order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "order"], name="unique_drawn_order"),
            models.UniqueConstraint(fields=["attempt", "question"], name="question_drawn_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} #{self.order}: question {self.question_id}"


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    # PROTECT: an answered question or choice cannot be deleted out from under history.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="responses")
    is_correct = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    time_taken_ms = models.PositiveIntegerField()
    hint_used = models.BooleanField(default=False)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_response_per_question"
            ),
        ]

    def __str__(self) -> str:
        verdict = "correct" if self.is_correct else "wrong"
        return f"{self.attempt}: question {self.question.order} {verdict}"


class QuestionFlag(models.Model):
    """A test-mode question the student marked to come back to before submitting."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="flags")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    flagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_flag_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: question {self.question.order} flagged"


# post_delete fires for each row of a queryset delete too (the admin's "delete selected").
@receiver(post_delete, sender=Quiz)
def quiz_deleted(sender: type[Quiz], instance: Quiz, **kwargs: object) -> None:
    touch_lessons(instance.lesson_id)


@receiver(post_delete, sender=Question)
def question_deleted(sender: type[Question], instance: Question, **kwargs: object) -> None:
    touch_lessons(
        Quiz.objects.filter(pk=instance.quiz_id).values_list("lesson_id", flat=True).first()
    )


@receiver(post_delete, sender=Choice)
def choice_deleted(sender: type[Choice], instance: Choice, **kwargs: object) -> None:
    touch_lessons(lesson_of_question(instance.question_id))


def lesson_of_question(question_id: int) -> int | None:
    return Question.objects.filter(pk=question_id).values_list("quiz__lesson_id", flat=True).first()

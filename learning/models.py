"""A student's review cards and the quizzes that carry the lessons' learning modes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lessons.models import Lesson
from quiz.models import Question, Quiz


class ReviewCard(models.Model):
    """One question's spaced-review schedule for one student (fsrs.Card as JSON).

    `owner` names the student as "u:<user id>" or "s:<session key>" (learning.owners),
    so one unique constraint and one index serve visitors and accounts alike, and the
    answer path writes a card with one upsert.
    """

    owner = models.CharField(max_length=48)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_cards",
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    card = models.JSONField(help_text="fsrs.Card.to_dict()")
    due = models.DateTimeField()
    last_review = models.DateTimeField()
    last_rating = models.PositiveSmallIntegerField(help_text="fsrs.Rating: 1 Again .. 4 Easy")
    reviews = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["owner", "due"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "question"], name="one_card_per_question"),
            models.CheckConstraint(
                condition=models.Q(last_rating__gte=1, last_rating__lte=4),
                name="rating_is_an_fsrs_rating",
            ),
        ]
        indexes = [models.Index(fields=["owner", "due"], name="card_owner_due")]

    def __str__(self) -> str:
        return f"{self.owner} question {self.question_id} due {self.due:%Y-%m-%d %H:%M}"


class ModeQuiz(models.Model):
    """The quiz (draws_questions) through which a lesson's learning mode runs its sets."""

    class Kind(models.TextChoices):
        PATTERN = "pattern", "Test this pattern"
        REVIEW = "review", "Review what is due"
        MISTAKES = "mistakes", "Retry my mistakes"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="mode_quizzes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quiz = models.OneToOneField(Quiz, on_delete=models.PROTECT, related_name="learning_mode")

    class Meta:
        ordering = ["lesson", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "kind"], name="one_mode_quiz_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        """The lesson page, where the mode is started (by a POST form)."""
        return self.lesson.get_absolute_url()

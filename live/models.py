"""The live classroom: a host paces a quiz, players answer against a timer."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quiz.models import Choice, Question, Quiz

MIN_SECONDS_PER_QUESTION = 5
MAX_SECONDS_PER_QUESTION = 600
NICKNAME_MAX_LENGTH = 24
JOIN_CODE_LENGTH = 6


def is_join_code(text: str) -> bool:
    """Six ASCII digits: int() and str.isdigit() would take other scripts' digits too."""
    return len(text) == JOIN_CODE_LENGTH and text.isascii() and text.isdigit()


class LiveSessionQuerySet(models.QuerySet["LiveSession"]):
    def locked_for_answers(self, pk: int) -> LiveSession:
        """The session, locked against a change of state (the reveal takes FOR UPDATE)
        but not against another batch of answers: FOR SHARE on PostgreSQL, which Django's
        select_for_update does not offer. SQLite writes one transaction at a time anyway."""
        if connections[self.db].vendor != "postgresql":
            return self.select_for_update().get(pk=pk)
        table = connections[self.db].ops.quote_name(LiveSession._meta.db_table)
        return self.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [pk])[0]  # noqa: S608


class LiveSession(models.Model):
    class State(models.TextChoices):
        LOBBY = "lobby", _("Lobby")
        QUESTION = "question", _("Question")
        REVEAL = "reveal", _("Reveal")
        FINISHED = "finished", _("Finished")

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="live_sessions")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_sessions"
    )
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH)
    state = models.CharField(max_length=10, choices=State.choices, default=State.LOBBY)
    # Bumped on every change everybody sees: the key for "render once per change".
    version = models.PositiveIntegerField(default=0)
    current_question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question_opened_at = models.DateTimeField(null=True, blank=True)
    question_deadline = models.DateTimeField(null=True, blank=True)
    seconds_per_question = models.PositiveSmallIntegerField(
        default=20,
        validators=[
            MinValueValidator(MIN_SECONDS_PER_QUESTION),
            MaxValueValidator(MAX_SECONDS_PER_QUESTION),
        ],
    )
    speed_scoring = models.BooleanField(default=True)
    streak_bonus = models.BooleanField(default=True)
    # Off: a player learns right or wrong only at the reveal, so a second device cannot
    # try the options out first (docs/security.md). On: at once, for a practice game.
    instant_verdicts = models.BooleanField(default=False)
    # Locked: nobody new may join; the players already in stay and may rejoin.
    locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        # The tables keep the names they had inside the quiz app (migrations/0001).
        db_table = "quiz_livesession"
        ordering = ["-created_at"]
        permissions = [
            ("host_livesession", "Can host live sessions"),
            ("control_any_livesession", "Can control another instructor's live session"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["join_code"],
                condition=Q(ended_at__isnull=True),
                name="unique_join_code_while_open",
            ),
            models.CheckConstraint(
                condition=Q(seconds_per_question__gte=MIN_SECONDS_PER_QUESTION)
                & Q(seconds_per_question__lte=MAX_SECONDS_PER_QUESTION),
                name="question_timer_between_5s_and_10min",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} live {self.join_code}"

    def get_absolute_url(self) -> str:
        return reverse("live:host", kwargs={"code": self.join_code})

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class PlayerQuerySet(models.QuerySet["Player"]):
    def save_scores(self, players: dict[int, Player]) -> None:
        """Write these players' score and streak: one UPDATE run for all of them.

        A room's answers land a batch at a time; Django's bulk_update builds a CASE WHEN
        per row and field, and compiling it was half the time of writing a batch. The
        names come from the model, the values are bound parameters.
        """
        if not players:
            return
        quote = connections[self.db].ops.quote_name
        table, score, streak, pk = (
            quote(name) for name in (Player._meta.db_table, "score", "streak", "id")
        )
        sql = f"UPDATE {table} SET {score} = %s, {streak} = %s WHERE {pk} = %s"  # noqa: S608
        with connections[self.db].cursor() as cursor:
            cursor.executemany(sql, [(p.score, p.streak, pk) for pk, p in players.items()])


class Player(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="players")
    nickname = models.CharField(max_length=NICKNAME_MAX_LENGTH)
    # The browser this player plays from: a reload or reconnect finds them again.
    session_key = models.CharField(max_length=40)
    # The device's long-lived cookie (live/views.py), which outlives a new Django
    # session: a kicked player cannot come back under a new name from the same browser.
    device_key = models.CharField(max_length=64, blank=True, db_index=True)
    score = models.PositiveIntegerField(default=0)
    streak = models.PositiveSmallIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)
    kicked = models.BooleanField(default=False)

    objects = PlayerQuerySet.as_manager()

    class Meta:
        db_table = "quiz_player"
        ordering = ["-score", "joined_at"]
        # Ranks are counts of players ahead in the same session.
        indexes = [models.Index(fields=["session", "kicked", "score"], name="player_rank")]
        constraints = [
            models.UniqueConstraint(
                Lower("nickname"), "session", name="unique_nickname_per_session"
            ),
            models.UniqueConstraint(
                fields=["session", "session_key"], name="one_player_per_browser_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nickname} in {self.session.join_code}"


class LiveAnswer(models.Model):
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="live_answers")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="live_answers")
    is_correct = models.BooleanField()
    points = models.PositiveIntegerField()
    streak_after = models.PositiveSmallIntegerField()
    elapsed_ms = models.PositiveIntegerField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "quiz_liveanswer"
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["player", "question"], name="one_live_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.player.nickname}: {self.points} points on question {self.question.order}"

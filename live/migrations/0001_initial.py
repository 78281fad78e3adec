"""The live classroom's models, moved here from the quiz app (quiz/migrations/0004).

State only for the tables: they were created by quiz/migrations/0002 and 0003 and keep
their names and rows. Their content types move with them, so permissions granted on
them and the admin's history stay attached.
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

MODELS = ["livesession", "player", "liveanswer"]


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A `migrate` run before this one may already have created the new rows
        # (post_migrate reads the current models); then the old ones are only stale.
        if not content_types.objects.using(db).filter(app_label="live", model=model).exists():
            content_types.objects.using(db).filter(app_label="quiz", model=model).update(
                app_label="live"
            )


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not content_types.objects.using(db).filter(app_label="quiz", model=model).exists():
            content_types.objects.using(db).filter(app_label="live", model=model).update(
                app_label="quiz"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("quiz", "0004_live_models_to_their_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="LiveSession",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("join_code", models.CharField(max_length=6)),
                        ("state", models.CharField(choices=[("lobby", "Lobby"), ("question", "Question"), ("reveal", "Reveal"), ("finished", "Finished")], default="lobby", max_length=10)),
                        ("version", models.PositiveIntegerField(default=0)),
                        ("question_opened_at", models.DateTimeField(blank=True, null=True)),
                        ("question_deadline", models.DateTimeField(blank=True, null=True)),
                        ("seconds_per_question", models.PositiveSmallIntegerField(default=20)),
                        ("speed_scoring", models.BooleanField(default=True)),
                        ("streak_bonus", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("ended_at", models.DateTimeField(blank=True, null=True)),
                        ("current_question", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="quiz.question")),
                        ("host", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="hosted_sessions", to=settings.AUTH_USER_MODEL)),
                        ("quiz", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="live_sessions", to="quiz.quiz")),
                    ],
                    options={
                        "db_table": "quiz_livesession",
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.UniqueConstraint(condition=models.Q(("ended_at__isnull", True)), fields=("join_code",), name="unique_join_code_while_open"),
                            models.CheckConstraint(condition=models.Q(("seconds_per_question__gte", 5), ("seconds_per_question__lte", 600)), name="question_timer_between_5s_and_10min"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Player",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("nickname", models.CharField(max_length=24)),
                        ("session_key", models.CharField(max_length=40)),
                        ("score", models.PositiveIntegerField(default=0)),
                        ("streak", models.PositiveSmallIntegerField(default=0)),
                        ("joined_at", models.DateTimeField(auto_now_add=True)),
                        ("kicked", models.BooleanField(default=False)),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="players", to="live.livesession")),
                    ],
                    options={
                        "db_table": "quiz_player",
                        "ordering": ["-score", "joined_at"],
                        "indexes": [models.Index(fields=["session", "kicked", "score"], name="player_rank")],
                        "constraints": [
                            models.UniqueConstraint(django.db.models.functions.text.Lower("nickname"), models.F("session"), name="unique_nickname_per_session"),
                            models.UniqueConstraint(fields=("session", "session_key"), name="one_player_per_browser_per_session"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LiveAnswer",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("is_correct", models.BooleanField()),
                        ("points", models.PositiveIntegerField()),
                        ("streak_after", models.PositiveSmallIntegerField()),
                        ("elapsed_ms", models.PositiveIntegerField()),
                        ("answered_at", models.DateTimeField(auto_now_add=True)),
                        ("choice", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="live_answers", to="quiz.choice")),
                        ("question", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="live_answers", to="quiz.question")),
                        ("player", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="answers", to="live.player")),
                    ],
                    options={
                        "db_table": "quiz_liveanswer",
                        "ordering": ["answered_at"],
                        "constraints": [
                            models.UniqueConstraint(fields=("player", "question"), name="one_live_answer_per_question"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

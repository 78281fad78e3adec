"""The live classroom moved from the quiz app to its own: a database of the old layout
migrates with every table, row and permission kept, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from live.models import LiveAnswer, LiveSession, Player

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate the test database to `targets`; returns the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    applied = [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state(applied).apps


def latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def old_layout_targets() -> list[tuple[str, str | None]]:
    """Every other app as it is today; quiz before the move, and no live app yet (nor
    learning, which needs today's quiz)."""
    later = {"quiz", "live", "learning"}
    others = [(app, name) for app, name in latest() if app not in later]
    return [*others, ("quiz", "0003_player_rank_index"), ("live", None), ("learning", None)]


@pytest.fixture
def old_layout() -> Iterator[Any]:
    apps = migrate(old_layout_targets())
    yield apps
    migrate(latest())


def test_the_old_layout_keeps_its_rows_and_constraints(old_layout: Any) -> None:
    user_model = old_layout.get_model("auth", "User")
    lesson = old_layout.get_model("lessons", "Lesson").objects.create(slug="l", title="L")
    quiz = old_layout.get_model("quiz", "Quiz").objects.create(lesson=lesson, slug="q", title="Q")
    question = old_layout.get_model("quiz", "Question").objects.create(
        quiz=quiz, order=1, prompt="?", difficulty="easy"
    )
    choice = old_layout.get_model("quiz", "Choice").objects.create(
        question=question, order=1, text="A", is_correct=True
    )
    host = user_model.objects.create(username="host", is_staff=True)
    old_session = old_layout.get_model("quiz", "LiveSession").objects.create(
        quiz=quiz, host=host, join_code="123456", state="question", version=7
    )
    old_player = old_layout.get_model("quiz", "Player").objects.create(
        session=old_session, nickname="Ada", session_key="k", score=950
    )
    old_layout.get_model("quiz", "LiveAnswer").objects.create(
        player=old_player,
        question=question,
        choice=choice,
        is_correct=True,
        points=950,
        streak_after=1,
        elapsed_ms=1200,
    )

    migrate(latest())

    session = LiveSession.objects.get(pk=old_session.pk)
    assert (session.join_code, session.state, session.version) == ("123456", "question", 7)
    player = Player.objects.get(pk=old_player.pk)
    assert (player.nickname, player.score, player.session_id) == ("Ada", 950, session.pk)
    assert LiveAnswer.objects.get(player=player).points == 950
    # The constraints came along with the tables.
    with pytest.raises(IntegrityError), transaction.atomic():
        Player.objects.create(session=session, nickname="ADA", session_key="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveSession.objects.create(quiz_id=quiz.pk, host_id=host.pk, join_code="123456")
    # New rows continue the old tables' ids.
    assert Player.objects.create(session=session, nickname="Bob", session_key="b").pk > player.pk


def test_permissions_granted_on_the_old_models_stay_granted(old_layout: Any) -> None:
    content_types = old_layout.get_model("contenttypes", "ContentType")
    permissions = old_layout.get_model("auth", "Permission")
    groups = old_layout.get_model("auth", "Group")
    # Migrating back to the old layout gave the content types back to the quiz app.
    assert not content_types.objects.filter(app_label="live").exists()
    old_type = content_types.objects.get(app_label="quiz", model="livesession")
    permission = permissions.objects.get(content_type=old_type, codename="change_livesession")
    group = groups.objects.create(name="Old instructors")
    group.permissions.add(permission)

    migrate(latest())

    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=old_type.pk).app_label == "live"
    assert list(
        Group.objects.get(name="Old instructors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    ) == [("live", "change_livesession")]


def test_no_model_change_lacks_its_migration() -> None:
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)

"""quiz/db.py: the sockets' ORM calls keep their thread's connection between calls, and
drop one that broke so the next call opens a new one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async as channels_database_sync_to_async
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from quiz.db import database_sync_to_async

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_the_sync_threads_db_connection() -> AsyncIterator[None]:
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """The alias of every database connection opened, in any thread."""
    aliases: list[str] = []

    def record(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
        aliases.append(connection.alias)

    connection_created.connect(record)
    yield aliases
    connection_created.disconnect(record)


def query() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def break_the_connection() -> None:
    query()
    connection.connection.close()  # as if the database server went away
    with pytest.raises(Exception):  # noqa: B017, PT011 - each backend words it its own way
        query()


async def test_calls_from_sockets_reuse_their_threads_connection(opened: list[str]) -> None:
    for _ in range(5):
        await database_sync_to_async(query)()

    assert len(opened) <= 1  # none if an earlier test left this thread's connection open


async def test_channels_own_wrapper_would_open_a_connection_per_call(opened: list[str]) -> None:
    """Why quiz/db.py exists: with CONN_MAX_AGE=0 channels closes it after each call."""
    for _ in range(5):
        await channels_database_sync_to_async(query)()

    assert len(opened) >= 4


async def test_a_broken_connection_is_replaced_on_the_next_call(
    opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await database_sync_to_async(query)()
    await database_sync_to_async(break_the_connection)()
    opened.clear()

    assert await database_sync_to_async(query)() == 1
    assert opened == ["default"]


@pytest.fixture(autouse=True)
def sqlite_knows_a_closed_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's SQLite backend answers is_usable() with True, always (a file does not
    go away); ask the driver instead, as the PostgreSQL backend does."""
    if connection.vendor != "sqlite":
        return

    def is_usable(wrapper: BaseDatabaseWrapper) -> bool:
        try:
            wrapper.connection.execute("SELECT 1")
        except Exception:
            return False
        return True

    monkeypatch.setattr(type(connections["default"]), "is_usable", is_usable)

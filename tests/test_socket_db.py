"""quiz/db.py: the sockets' ORM calls keep their connection between calls (their thread's
own, or a pooled one handed back open), and drop one that broke so the next call opens
a new one."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from channels.db import database_sync_to_async as channels_database_sync_to_async
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from quiz.db import database_sync_to_async

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]


def pooled() -> bool:
    return getattr(connections["default"], "pool", None) is not None


@pytest.fixture
def opened() -> Iterator[Callable[[], int]]:
    """How many connections to the database server were opened since the test began,
    in any thread (with Django's pool: how many the pool had to open)."""
    if pooled():
        pool = connections["default"].pool  # type: ignore[attr-defined] # psycopg pool
        before = pool.get_stats().get("connections_num", 0)
        yield lambda: pool.get_stats().get("connections_num", 0) - before
        return
    created: list[str] = []

    def record(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
        created.append(connection.alias)

    connection_created.connect(record)
    yield lambda: len(created)
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


async def test_calls_from_sockets_reuse_their_connection(opened: Callable[[], int]) -> None:
    await database_sync_to_async(query)()
    before = opened()

    for _ in range(5):
        await database_sync_to_async(query)()

    assert opened() == before


async def test_without_a_pool_channels_own_wrapper_opens_a_connection_per_call(
    opened: Callable[[], int],
) -> None:
    """Why quiz/db.py exists: with CONN_MAX_AGE=0 channels closes it after each call
    (Django's pool, on PostgreSQL, hands it back open instead)."""
    for _ in range(5):
        await channels_database_sync_to_async(query)()

    if pooled():
        assert opened() <= 1
    else:
        assert opened() >= 4


async def test_a_broken_connection_is_replaced_on_the_next_call(
    opened: Callable[[], int],
) -> None:
    await database_sync_to_async(query)()
    await database_sync_to_async(break_the_connection)()
    before = opened()

    assert await database_sync_to_async(query)() == 1
    if not pooled():  # a pool may hand out another idle connection it already had
        assert opened() == before + 1


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

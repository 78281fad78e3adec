"""The real backing services answer: PostgreSQL runs a query, Redis carries group messages.

Skipped on a laptop without them; with CI=true a missing service fails the run.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import psycopg
import pytest
from channels_redis.core import RedisChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.conftest import require

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def test_postgresql_answers_a_query() -> None:
    try:
        connection = psycopg.connect(POSTGRES_URL, connect_timeout=5)
    except psycopg.OperationalError as error:
        require(False, f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
        return
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.fixture
async def redis_layer() -> AsyncIterator[RedisChannelLayer]:
    # A prefix of its own keeps this run apart from anyone else's on the same Redis.
    layer = RedisChannelLayer(hosts=[REDIS_URL], prefix=f"quizsite-test-{uuid.uuid4().hex}")
    try:
        await layer.new_channel()
        connection = layer.connection(0)
        await connection.ping()
    except (OSError, RedisConnectionError) as error:
        require(False, f"Redis is not reachable at {REDIS_URL}: {error}")
    yield layer
    await layer.flush()
    await layer.close_pools()


async def test_redis_channel_layer_delivers_a_group_message(
    redis_layer: RedisChannelLayer,
) -> None:
    group = f"classroom-{uuid.uuid4().hex}"
    channel = await redis_layer.new_channel()
    await redis_layer.group_add(group, channel)

    await redis_layer.group_send(group, {"type": "quiz.question", "number": 1})

    assert await redis_layer.receive(channel) == {"type": "quiz.question", "number": 1}


async def test_redis_channel_layer_sends_a_group_message_to_every_member(
    redis_layer: RedisChannelLayer,
) -> None:
    group = f"classroom-{uuid.uuid4().hex}"
    members = [await redis_layer.new_channel() for _ in range(3)]
    for channel in members:
        await redis_layer.group_add(group, channel)

    await redis_layer.group_send(group, {"type": "quiz.ended"})

    for channel in members:
        assert await redis_layer.receive(channel) == {"type": "quiz.ended"}

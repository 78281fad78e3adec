"""What the live services announce on the channel layer, once their transaction commits.

Ids and numbers only, never objects: channels' in-memory layer deep-copies a message
and Redis packs it with msgpack. A socket that hears `live.changed` re-renders from
the database, so an announcement lost (Redis restarting) is healed by the sockets'
heartbeat; a failure to send is logged and never undoes the change it announces.

Who delivers: a consumer runs a service in a thread through `delivered_after`, and the
announcements its transaction committed are sent from the event loop once the thread
is done, so the thread never waits on the loop (under load the loop is busy with a
whole room, and a batch of answers would wait for it). Anywhere else (a view, a test)
they are sent at once, from the committing thread.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def group_for(session_id: int) -> str:
    return f"live.{session_id}"


def host_group_for(session_id: int) -> str:
    return f"live.{session_id}.host"


def player_group_for(player_id: int) -> str:
    return f"live.player.{player_id}"


T = TypeVar("T")
Announcement = tuple[str, dict[str, Any]]
# Set by `delivered_after` around a service run in a thread (the thread sees a copy of
# the context, with this same list in it).
_outbox: ContextVar[list[Announcement] | None] = ContextVar("live_outbox", default=None)


async def _send(group: str, message: dict[str, Any]) -> None:
    await get_channel_layer().group_send(group, message)


def _deliver(group: str, message: dict[str, Any]) -> None:
    outbox = _outbox.get()
    if outbox is not None:
        outbox.append((group, message))
    else:
        async_to_sync(_send)(group, message)


def _after_commit(group: str, message: dict[str, Any]) -> None:
    transaction.on_commit(partial(_deliver, group, message), robust=True)


async def delivered_after(work: Awaitable[T]) -> T:
    """Await `work` (a service in a thread), then send what it announced, in order."""
    outbox: list[Announcement] = []
    token = _outbox.set(outbox)
    try:
        return await work
    finally:
        _outbox.reset(token)
        for group, message in outbox:
            try:
                await _send(group, message)
            except Exception:
                logger.warning("announcement to %s failed", group, exc_info=True)


def session_changed(session_id: int, version: int) -> None:
    """Everybody's screen changes: each socket redraws this version."""
    _after_commit(group_for(session_id), {"type": "live.changed", "version": version})


def player_joined(session_id: int) -> None:
    """Only the host's screen lists players, and it redraws at most a few times a
    second however fast a class joins; the phones need not redraw per join."""
    _after_commit(host_group_for(session_id), {"type": "live.joined"})


def answers_arrived(session_id: int) -> None:
    """The host screen re-counts the answers (a few times a second, however many come)."""
    _after_commit(host_group_for(session_id), {"type": "live.answered"})


def player_kicked(player_id: int) -> None:
    _after_commit(player_group_for(player_id), {"type": "live.kicked"})

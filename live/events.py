"""What the live services announce on the channel layer, once their transaction commits.

Ids and numbers only, never objects: channels' in-memory layer deep-copies a message
and Redis packs it with msgpack. A socket that hears `live.changed` re-renders from
the database, so an announcement lost (Redis restarting) is healed by the sockets'
heartbeat; a failure to send is logged and never undoes the change it announces.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def group_for(session_id: int) -> str:
    return f"live.{session_id}"


def host_group_for(session_id: int) -> str:
    return f"live.{session_id}.host"


def player_group_for(player_id: int) -> str:
    return f"live.player.{player_id}"


async def _send(group: str, message: dict[str, Any]) -> None:
    await get_channel_layer().group_send(group, message)


def _after_commit(group: str, message: dict[str, Any]) -> None:
    transaction.on_commit(partial(async_to_sync(_send), group, message), robust=True)


def session_changed(session_id: int, version: int) -> None:
    """Everybody's screen changes: each socket redraws this version."""
    _after_commit(group_for(session_id), {"type": "live.changed", "version": version})


def player_joined(session_id: int, version: int) -> None:
    """Only the host's screen lists players; the phones need not redraw per join."""
    _after_commit(host_group_for(session_id), {"type": "live.changed", "version": version})


def answers_arrived(session_id: int) -> None:
    """The host screen re-counts the answers (a few times a second, however many come)."""
    _after_commit(host_group_for(session_id), {"type": "live.answered"})


def player_kicked(player_id: int) -> None:
    _after_commit(player_group_for(player_id), {"type": "live.kicked"})

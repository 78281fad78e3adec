"""Announcements on the channel layer: ids and numbers only, never objects."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from live.models import LiveSession, Player


def group_for(session_id: int) -> str:
    return f"live.{session_id}"


def host_group_for(session_id: int) -> str:
    return f"live.{session_id}.host"


def player_group_for(player_id: int) -> str:
    return f"live.player.{player_id}"


async def changed(session: LiveSession) -> None:
    await get_channel_layer().group_send(
        group_for(session.pk), {"type": "live.changed", "version": session.version}
    )


async def joined(session: LiveSession) -> None:
    """Only the host's screen lists players; the phones need not redraw per join."""
    await get_channel_layer().group_send(
        host_group_for(session.pk), {"type": "live.changed", "version": session.version}
    )


async def answered(session: LiveSession) -> None:
    await get_channel_layer().group_send(host_group_for(session.pk), {"type": "live.answered"})


async def kicked(player: Player) -> None:
    await get_channel_layer().group_send(player_group_for(player.pk), {"type": "live.kicked"})


changed_sync = async_to_sync(changed)
answered_sync = async_to_sync(answered)
joined_sync = async_to_sync(joined)
kicked_sync = async_to_sync(kicked)

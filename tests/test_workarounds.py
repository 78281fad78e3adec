"""Each place that steps around a framework's own behaviour, pinned to that behaviour.

A test here fails when upstream changes what we work around; its message says which of
our modules may then go (or must change). The behaviour of our replacements is tested
beside them: tests/test_socket_db.py, tests/test_layers.py, tests/test_asgi_handler.py,
tests/test_hardening_frames.py.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from channels import consumer as channels_consumer
from channels import db as channels_db
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from daphne.server import Server
from django.conf import settings

from quiz.db import ConnectionKeepingDispatch, SocketDatabaseSyncToAsync
from quiz.layers import SweepingInMemoryChannelLayer
from quiz.sockets import GuardedConsumer


@pytest.fixture
def closes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(channels_db, "close_old_connections", lambda: calls.append("close"))

    async def aclose() -> None:
        calls.append("aclose")

    monkeypatch.setattr(channels_consumer, "aclose_old_connections", aclose)
    return calls


async def test_channels_still_closes_connections_around_every_orm_call(
    closes: list[str],
) -> None:
    await channels_db.database_sync_to_async(dict)()
    assert closes == ["close", "close"], (
        "channels' database_sync_to_async no longer closes connections around each call: "
        "quiz/db.py's SocketDatabaseSyncToAsync may go"
    )


async def test_our_orm_calls_keep_their_connection(closes: list[str]) -> None:
    await SocketDatabaseSyncToAsync(dict)()
    assert closes == []


class Recorder(AsyncWebsocketConsumer):
    async def app_ping(self, message: dict[str, Any]) -> None:
        pass


class KeepingRecorder(ConnectionKeepingDispatch, Recorder):
    pass


async def test_channels_still_closes_connections_before_every_message(
    closes: list[str],
) -> None:
    await Recorder().dispatch({"type": "app.ping"})
    assert closes == ["aclose"], (
        "channels' AsyncConsumer.dispatch no longer closes connections per message: "
        "quiz/db.py's ConnectionKeepingDispatch may go"
    )


async def test_our_consumers_dispatch_without_closing(closes: list[str]) -> None:
    await KeepingRecorder().dispatch({"type": "app.ping"})
    assert closes == []
    assert GuardedConsumer.dispatch is ConnectionKeepingDispatch.dispatch


async def test_our_dispatch_still_refuses_an_unknown_message_type() -> None:
    with pytest.raises(ValueError, match="No handler"):
        await KeepingRecorder().dispatch({"type": "app.unknown"})


async def test_channels_in_memory_layer_still_sweeps_on_every_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert hasattr(InMemoryChannelLayer, "_clean_expired"), (
        "channels renamed InMemoryChannelLayer._clean_expired: quiz/layers.py overrides "
        "nothing any more"
    )
    sweeps: list[int] = []
    original = InMemoryChannelLayer._clean_expired

    def counting(layer: InMemoryChannelLayer) -> None:
        sweeps.append(1)
        original(layer)

    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", counting)
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("room", channel)
    for _ in range(3):
        await layer.group_send("room", {"type": "x"})
        await layer.receive(channel)
    assert len(sweeps) == 6, "channels' layer no longer sweeps per call: quiz/layers.py may go"
    assert issubclass(SweepingInMemoryChannelLayer, InMemoryChannelLayer)


async def test_channels_json_consumer_still_raises_on_a_frame_without_text() -> None:
    """Why GuardedConsumer.read_frame answers binary and empty frames itself."""
    with pytest.raises(ValueError, match="No text section"):
        await AsyncJsonWebsocketConsumer().receive(text_data=None, bytes_data=b"\x00")


def test_daphnes_own_message_limit_sits_above_ours() -> None:
    """Daphne closes the socket on a message over its limit (the memory guard); ours,
    below it, answers with a notice and keeps the socket (quiz/sockets.py)."""
    default = inspect.signature(Server).parameters["websocket_max_message_size"].default
    assert default >= settings.QUIZ_MAX_FRAME_BYTES * 2

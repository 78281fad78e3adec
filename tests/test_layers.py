"""quiz/layers.py: the in-memory channel layer sweeps at most once per interval, and
messages still expire."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from quiz.layers import SweepingInMemoryChannelLayer


async def test_a_broadcast_to_many_sockets_sweeps_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sweeps = []
    original = InMemoryChannelLayer._clean_expired

    def counting(layer: InMemoryChannelLayer) -> None:
        sweeps.append(1)
        original(layer)

    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", counting)
    layer = SweepingInMemoryChannelLayer()
    channels = [await layer.new_channel() for _ in range(200)]
    for channel in channels:
        await layer.group_add("room", channel)

    await layer.group_send("room", {"type": "live.changed", "version": 1})
    received = [await layer.receive(channel) for channel in channels]

    assert all(message["version"] == 1 for message in received)
    assert len(sweeps) == 1  # channels' own layer sweeps on each of these 201 calls


async def test_messages_still_expire() -> None:
    layer = SweepingInMemoryChannelLayer(expiry=0.05)
    layer.sweep_interval = 0.05
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "stale"})

    await asyncio.sleep(0.12)
    await layer.send(channel, {"type": "fresh"})

    assert (await layer.receive(channel))["type"] == "fresh"

"""The in-memory channel layer of the one-process default, swept for expired messages
at most once a second.

channels' InMemoryChannelLayer walks every channel queue and every group membership
on each `receive()` and `group_send()`. A live room of N sockets receives N messages
per broadcast, so the walks cost O(N^2): a third of the server's CPU at 1,000 players
(docs/performance.md). Messages still expire after `expiry` seconds, give or take the
interval.

It overrides channels' private `InMemoryChannelLayer._clean_expired` (channels/layers.py);
tests/test_workarounds.py fails if channels renames it or stops sweeping on every call.
"""

from __future__ import annotations

import time
from typing import Any

from channels.layers import InMemoryChannelLayer


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    sweep_interval = 1.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_interval
        super()._clean_expired()

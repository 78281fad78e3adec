"""An experiment for docs/performance.md: the in-memory channel layer, swept less often.

channels' InMemoryChannelLayer runs `_clean_expired()` (a walk over every channel
queue and every group membership) on every `receive()` and every `group_send()`.
With N sockets in a live room each broadcast costs N receives, so the sweeps cost
O(N^2). This subclass sweeps at most once a second; messages still expire after
`expiry` seconds (60 by default), give or take that second. Used only when
BENCH_CHANNEL_LAYER=throttled (bench/prod_settings.py), to measure the suggestion
before the app adopts it.
"""

from __future__ import annotations

import time
from typing import Any

from channels.layers import InMemoryChannelLayer


class ThrottledCleanInMemoryChannelLayer(InMemoryChannelLayer):
    clean_interval = 1.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_clean = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_clean:
            return
        self._next_clean = now + self.clean_interval
        super()._clean_expired()

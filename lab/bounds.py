"""What the lab allows, fixed on the server: no client can change a wait or send more."""

from __future__ import annotations

# Every request to either endpoint waits this long on simulated I/O.
WAIT_SECONDS = 0.2
WAIT_MS = 200
# Requests per endpoint in one run, and what the panel offers first.
MAX_REQUESTS = 20
DEFAULT_REQUESTS = 10

SYNC_PATH = "/lab/wait/sync/"
ASYNC_PATH = "/lab/wait/async/"

"""quizsite.settings as production runs them, for the benchmarks.

Identical to `quizsite.settings` (read from the same environment: DEBUG=0,
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, CONN_MAX_AGE...) except that
STATIC_ROOT can point at a temporary directory (BENCH_STATIC_ROOT), so that
`collectstatic` for a benchmark never writes into the working tree, and that
BENCH_ASYNC_STATIC=1 swaps in bench/async_whitenoise.py's middleware, to measure
a suggestion of docs/performance.md before the app adopts it.
"""

from __future__ import annotations

import os
from pathlib import Path

from quizsite.settings import *  # noqa: F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

if os.environ.get("BENCH_ASYNC_STATIC") == "1":
    MIDDLEWARE = [
        "bench.async_whitenoise.AsyncWhiteNoiseMiddleware"
        if name == "whitenoise.middleware.WhiteNoiseMiddleware"
        else name
        for name in MIDDLEWARE  # noqa: F405
    ]

"""Minimal Django settings for the I/O-wait benchmark (bench/io_app.py).

No database, no templates, no sessions: only what a page that waits on I/O needs,
so the benchmark measures how the server and the view type handle waiting. The
middleware are two of quizsite's own, both async-capable, so an async view stays
on the event loop end to end.
"""

from __future__ import annotations

import os

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "bench.io_app"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
LOGGING_CONFIG = None

# How long each page waits, as if on a database or an API: 100 ms.
BENCH_IO_WAIT_SECONDS = float(os.environ.get("BENCH_IO_WAIT_SECONDS", "0.1"))

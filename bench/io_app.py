"""Two Django views that wait 100 ms on I/O, and the ASGI and WSGI apps serving them.

    DJANGO_SETTINGS_MODULE=bench.io_settings daphne bench.io_app:application
    DJANGO_SETTINGS_MODULE=bench.io_settings gunicorn -w 2 bench.io_app:wsgi_application

`/wait/async/` awaits `asyncio.sleep` (the event loop serves others meanwhile);
`/wait/sync/` calls `time.sleep`: a gunicorn sync worker is blocked meanwhile;
under ASGI Django runs each request's sync code in a thread of its own
(asgiref's ThreadSensitiveContext), so only that thread waits. Both answer the
same few bytes.
"""

from __future__ import annotations

import asyncio
import os
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.io_settings")


async def wait_async(request: HttpRequest) -> HttpResponse:
    await asyncio.sleep(settings.BENCH_IO_WAIT_SECONDS)  # type: ignore[misc] # bench.io_settings
    return HttpResponse(b"waited\n", content_type="text/plain")


def wait_sync(request: HttpRequest) -> HttpResponse:
    time.sleep(settings.BENCH_IO_WAIT_SECONDS)  # type: ignore[misc] # bench.io_settings
    return HttpResponse(b"waited\n", content_type="text/plain")


urlpatterns = [
    path("wait/async/", wait_async),
    path("wait/sync/", wait_sync),
]

from django.core.wsgi import get_wsgi_application  # noqa: E402

from quizsite.handlers import OneHopASGIHandler  # noqa: E402

# The handler quizsite.asgi serves HTTP with: what the site's own pages would get.
application = OneHopASGIHandler()
wsgi_application = get_wsgi_application()

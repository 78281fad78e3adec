"""Django's ASGI handler, with a request's Django work done in one hand-off to a thread.

Under ASGI, Django runs each request in a thread of its own, created for the request
(asgiref's `ThreadSensitiveContext`), and loads the middleware in async mode: every
middleware here is a sync `MiddlewareMixin` (Django's own, WhiteNoise, django-csp), so
each of their methods took its own `sync_to_async` hand-off. With the request signals,
that was some twenty hand-offs and a new thread per page: a third of a Daphne process's
CPU on the lesson page, and most of what made it cost 1.7x the CPU of the same page under
WSGI (docs/performance.md). Here the middleware chain is the one WSGI runs, and the
request signals, the chain and the view run together in one hand-off to a reused pool
of threads. Requests still run side by side (a view waiting on I/O holds up only its own
thread), and an async view still runs on the event loop.

It stands in for Django's `ASGIHandler.__call__` and `handle` (django/core/handlers/
asgi.py), calling the same `read_body`, `create_request`, `get_response` and
`send_response`, and sets `response._handler_class` as Django's `run_get_response` does
(the sender of `request_finished`). What it leaves out is Django's wait for
`http.disconnect` while the view runs: for a sync view that wait cannot stop the
thread anyway. A request for an async view (the lab's server-measured run, which waits
seconds on other requests) goes to Django's own handler whole: with the middleware
loaded for sync code, Django would run the view through `async_to_sync` in a request
thread, holding one of the HTTP_THREADS for as long as the view awaits. Which view a
path names is resolved once per path (a bounded memo), not per request.
tests/test_asgi_handler.py fails when Django stops handing off per middleware (then
this module can go).
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync, iscoroutinefunction
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import Resolver404, get_resolver, set_script_prefix

# How many requests may wait on I/O at once, per process; settings.HTTP_THREADS.
DEFAULT_THREADS = 64


@functools.lru_cache(maxsize=4096)
def names_an_async_view(urlconf: str, path: str) -> bool:
    try:
        match = get_resolver(urlconf).resolve(path)
    except Resolver404:
        return False
    return iscoroutinefunction(match.func)


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self.threads = ThreadPoolExecutor(
            max_workers=getattr(settings, "HTTP_THREADS", DEFAULT_THREADS),
            thread_name_prefix="http-request",
        )
        self.async_views = ASGIHandler()

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        if names_an_async_view(settings.ROOT_URLCONF, path_info(scope)):
            await self.async_views(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await self.in_thread(self.respond)(scope, body_file)
            await self.send_response(response, send)
            if response.streaming:
                await self.in_thread(response.close)()
        finally:
            body_file.close()

    def in_thread(self, function: Any) -> SyncToAsync:
        return SyncToAsync(function, thread_sensitive=False, executor=self.threads)

    def respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """What Django's handler does around the view, in this one thread."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        response: HttpResponseBase
        if request is None:
            assert error_response is not None  # create_request returns one or the other
            response = error_response
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            # Its body is rendered: closing it now sends request_finished from the thread
            # that holds the request's database connections, which are then handed back.
            response.close()
        return response


def path_info(scope: dict[str, Any]) -> str:
    """The path the URLconf sees, below the script prefix, as Django's ASGIRequest has it."""
    script_name = get_script_prefix(scope)
    path: str = scope["path"]
    return path.removeprefix(script_name) if script_name else path

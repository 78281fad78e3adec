"""Django's ASGI handler, running the middleware and a sync view in one thread hop.

Under ASGI, Django loads the middleware in async mode. Every middleware here is a
sync `MiddlewareMixin` (Django's own, WhiteNoise, django-csp), so Django wraps each of
their methods in its own `sync_to_async` call: some twenty hand-offs between the event
loop and the request's thread for one page, a third of a Daphne process's CPU on the
lesson page (docs/performance.md). Loaded in sync mode instead, the chain is the one
WSGI runs, called once in the request's thread. Each request still gets a thread of
its own (Django's `ThreadSensitiveContext`), so a request waiting on I/O does not hold
up the others, and an async view still runs on the event loop.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class OneHopASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self._middleware_chain: Any = sync_to_async(self._middleware_chain, thread_sensitive=True)

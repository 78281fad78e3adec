"""A prototype, for docs/performance.md only: Django's request cycle in one hand-off to a
reused thread pool (no thread per request). Not used by the site."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
django.setup(set_prefix=False)

from django.core import signals  # noqa: E402
from django.core.exceptions import RequestAborted  # noqa: E402
from django.core.handlers.asgi import ASGIHandler, get_script_prefix  # noqa: E402
from django.urls import set_script_prefix  # noqa: E402

from quizsite.asgi import application as site  # noqa: E402

EXECUTOR = ThreadPoolExecutor(max_workers=64, thread_name_prefix="request")


class LeanASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(EXECUTOR, self.respond, scope, body_file)
        await self.send_response(response, send)
        body_file.close()

    def respond(self, scope: dict[str, Any], body_file: Any) -> Any:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        response = error_response if request is None else self.get_response(request)
        response.close()  # non-streaming only: the body is already rendered
        return response


lean = LeanASGIHandler()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http":
        await lean(scope, receive, send)
    else:
        await site(scope, receive, send)

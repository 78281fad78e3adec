"""The lab's two endpoints: one simulated wait, served the two ways the lesson compares.

    /lab/wait/sync/   a blocking function (`time.sleep`) run by this process's one
                      synchronous worker thread, one request at a time, as one gunicorn
                      sync worker runs a WSGI app: requests wait their turn
    /lab/wait/async/  a coroutine awaiting `asyncio.sleep` on Daphne's event loop, as the
                      lesson's ASGI app would: the waits overlap

Both wait `bounds.WAIT_SECONDS`; nothing a client sends changes it. They are plain ASGI
applications in front of Django's handler (quizsite/asgi.py), like the lesson's own
samples, so a waiting request holds none of the `HTTP_THREADS` that run the pages'
Django code (quizsite/handlers.py) and runs no middleware. A Django async view would do
both: the one-hop handler runs it in a request thread through `async_to_sync`, and
Django's own handler gives each middleware a thread hop, the cost docs/performance.md
measured.

What keeps a crowd of learners from slowing everybody else, per process (each of
`make run-scaled`'s processes has its own):

- at most `LAB_SYNC_QUEUE` requests wait for or hold the sync worker, and at most
  `LAB_ASYNC_LIMIT` async waits run at once; past them a request gets 503 at once;
- each client may send `RATELIMIT_LAB_REQUESTS` (django-ratelimit, keyed by address as
  the site's other limits are, behind the proxy too); past it, 429;
- a client that goes away frees its place: a queued request not yet started is taken
  off the worker's queue.

The server's own runs for browsers without JavaScript (lab/services.py) carry a signed
header: the run was counted once against `RATELIMIT_LAB_RUNS`, so its requests are not
counted again here, but they meet the same caps.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signing
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest, get_script_prefix
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from lab.bounds import ASYNC_PATH, SYNC_PATH, WAIT_SECONDS

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
T = TypeVar("T")

OWN_RUN_HEADER = "X-Lab-Own-Run"
_OWN_RUN_SALT = "lab.own-run"
# A run lasts seconds; a token that leaked would be worth a minute of requests, still capped.
_OWN_RUN_MAX_AGE = 60


def own_run_token() -> str:
    """The header value that marks this server's own requests (lab/services.py)."""
    return signing.TimestampSigner(salt=_OWN_RUN_SALT).sign("own-run")


def is_own_run(request: ASGIRequest) -> bool:
    token = request.headers.get(OWN_RUN_HEADER, "")
    if not token:
        return False
    try:
        signing.TimestampSigner(salt=_OWN_RUN_SALT).unsign(token, max_age=_OWN_RUN_MAX_AGE)
    except signing.BadSignature:  # expired ones too
        return False
    return True


def blocking_wait() -> tuple[float, float]:
    """The sync endpoint's work: it holds its thread for the whole wait, as `time.sleep`
    in a view holds a gunicorn sync worker. Returns when it began and ended."""
    began = time.perf_counter()
    time.sleep(WAIT_SECONDS)
    return began, time.perf_counter()


class Refused(Exception):
    def __init__(self, status: int, reason: str, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.retry_after = (
            status,
            reason,
            message,
            retry_after,
        )


class ClientGone(Exception):
    pass


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def unless_gone(work: Awaitable[T], receive: Receive) -> T:
    """Await `work`, or cancel it and raise ClientGone if the client disconnects first."""
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(_disconnected(receive))
    try:
        done, _ = await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
    if task not in done:
        raise ClientGone
    return task.result()


def path_info(scope: Scope) -> str:
    """The path below the script prefix, as Django's ASGIRequest has it."""
    script_name = get_script_prefix(scope)
    path: str = scope["path"]
    return path.removeprefix(script_name) if script_name else path


def who(request: HttpRequest) -> str:
    """Both addresses: behind nginx the peer is nginx itself, and without it X-Real-IP is
    the client's own claim."""
    return (
        f"{request.META.get('REMOTE_ADDR')} (X-Real-IP {request.META.get('HTTP_X_REAL_IP', '-')})"
    )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


class Refusals:
    """Counts one kind of refusal and logs it at most every LOG_EVERY seconds: a crowd
    turned away is a line now and then, not a line per request (each a write to stderr
    from the event loop)."""

    LOG_EVERY = 10.0

    def __init__(self, level: int, what: str, log: logging.Logger = logger) -> None:
        self.level, self.what, self.log = level, what, log
        self.count = 0
        self.logged_at = -self.LOG_EVERY

    def note(self, detail: str) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.logged_at >= self.LOG_EVERY:
            self.log.log(
                self.level, "%s %s (%s since the last line)", self.what, detail, self.count
            )
            self.count, self.logged_at = 0, now


@dataclass(frozen=True)
class Route:
    refusal: Callable[[], Refused | None]  # asked before anything costs: no room, no work
    wait: Callable[[Receive], Awaitable[dict[str, Any]]]


class LabEndpoints:
    """The two endpoints in front of `app` (Django), with this process's worker and caps."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lab-sync-worker")
        self.sync_held = 0  # requests queued for or running on the worker
        self.async_waiting = 0
        self.busy = Refusals(logging.INFO, "lab: turned away, busy:")
        self.limited_ones = Refusals(logging.WARNING, "lab rate limit hit from")
        self.routes = {
            SYNC_PATH: Route(self.sync_refusal, self.sync_wait),
            ASYNC_PATH: Route(self.async_refusal, self.async_wait),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(path_info(scope)) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        try:
            timings = await self.admitted(route, scope, receive)
        except Refused as refused:
            headers = [(b"retry-after", str(refused.retry_after).encode())]
            if refused.status == 405:
                headers = [(b"allow", b"GET, HEAD")]
            payload = {"refused": refused.reason, "message": refused.message}
            await respond(send, refused.status, payload, head=head, headers=headers)
            return
        except ClientGone:
            return
        server_timing = (
            f'queue;dur={timings["queued_ms"]};desc="waited for the worker", '
            f'wait;dur={timings["waited_ms"]};desc="simulated I/O"'
        )
        await respond(
            send, 200, timings, head=head, headers=[(b"server-timing", server_timing.encode())]
        )

    async def admitted(self, route: Route, scope: Scope, receive: Receive) -> dict[str, Any]:
        if scope["method"] not in {"GET", "HEAD"}:
            raise Refused(405, "method", "Send GET.", 0)
        if refused := route.refusal():
            raise refused
        request = ASGIRequest(scope, io.BytesIO())
        try:
            request.get_host()
        except DisallowedHost as error:
            logger.warning("lab: %s", error)
            raise Refused(400, "host", "This server does not serve that host.", 0) from None
        if not is_own_run(request) and await self.limited(request):
            self.limited_ones.note(who(request))
            raise Refused(
                429,
                "limited",
                f"This address sent more lab requests than {settings.RATELIMIT_LAB_REQUESTS}; "
                "wait a minute and run it again.",
                60,
            )
        # Asked again: others may have taken the last places while the limit was checked.
        if refused := route.refusal():
            raise refused
        return await route.wait(receive)

    async def limited(self, request: ASGIRequest) -> bool:
        # The counters may live in Redis: a network call, kept off the event loop.
        check = sync_to_async(is_ratelimited, thread_sensitive=False)
        return bool(
            await check(
                request,
                group="lab.wait",
                key="ip",
                rate=settings.RATELIMIT_LAB_REQUESTS,
                increment=True,
            )
        )

    def sync_refusal(self) -> Refused | None:
        if self.sync_held < settings.LAB_SYNC_QUEUE:
            return None
        self.busy.note(f"the sync worker's queue is full ({self.sync_held})")
        return Refused(503, "busy", _busy("sync", settings.LAB_SYNC_QUEUE), 5)

    async def sync_wait(self, receive: Receive) -> dict[str, Any]:
        ahead = self.sync_held
        arrived = time.perf_counter()
        job: Future[tuple[float, float]] = self.worker.submit(blocking_wait)
        self.sync_held += 1
        # Released when the worker is done with it, or when it leaves the queue unstarted:
        # a request whose client left while it ran still holds the worker to the end.
        loop = asyncio.get_running_loop()
        job.add_done_callback(lambda _: loop.call_soon_threadsafe(self._release_sync))
        began, ended = await unless_gone(asyncio.wrap_future(job), receive)
        return {
            "endpoint": "sync",
            "ahead": ahead,
            "queued_ms": _ms(began - arrived),
            "waited_ms": _ms(ended - began),
        }

    def _release_sync(self) -> None:
        self.sync_held -= 1

    def async_refusal(self) -> Refused | None:
        if self.async_waiting < settings.LAB_ASYNC_LIMIT:
            return None
        self.busy.note(f"async waits at their cap ({self.async_waiting})")
        return Refused(503, "busy", _busy("async", settings.LAB_ASYNC_LIMIT), 5)

    async def async_wait(self, receive: Receive) -> dict[str, Any]:
        alongside = self.async_waiting
        self.async_waiting += 1
        try:
            began = time.perf_counter()
            await unless_gone(asyncio.sleep(WAIT_SECONDS), receive)
            ended = time.perf_counter()
        finally:
            self.async_waiting -= 1
        return {
            "endpoint": "async",
            "alongside": alongside,
            "queued_ms": 0.0,
            "waited_ms": _ms(ended - began),
        }


def _busy(endpoint: str, cap: int) -> str:
    return (
        f"The lab's {endpoint} endpoint is busy with other learners' requests (at most {cap} "
        "at once on this server process); run it again in a few seconds."
    )


async def respond(
    send: Send,
    status: int,
    payload: dict[str, Any],
    *,
    head: bool,
    headers: list[tuple[bytes, bytes]],
) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})

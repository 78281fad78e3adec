"""quizsite/handlers.py: Django's ASGI handler with the middleware and a sync view run in
one hop to the request's thread, and nothing else changed for a request.

The views here are this module's own (ROOT_URLCONF points at it); the project's middleware
is the real one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import override_settings
from django.urls import path

from quizsite.handlers import OneHopASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
both_in_their_views = threading.Barrier(2, timeout=5)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def waits_for_another_request(request: HttpRequest) -> HttpResponse:
    both_in_their_views.wait()  # raises BrokenBarrierError unless two requests overlap
    return HttpResponse("met")


def form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("posted")


async def awaits(request: HttpRequest) -> HttpResponse:
    await asyncio.sleep(0)
    return HttpResponse(f"async on the loop: {asyncio.get_running_loop() is not None}")


cues: list[asyncio.Event] = []  # the test's own, made on its event loop


async def awaits_its_cue(request: HttpRequest) -> HttpResponse:
    await cues[-1].wait()
    return HttpResponse("cued")


view_threads: list[int] = []


def records_its_thread(request: HttpRequest) -> HttpResponse:
    view_threads.append(threading.get_ident())
    return HttpResponse("recorded")


def streams(request: HttpRequest) -> StreamingHttpResponse:
    view_threads.append(threading.get_ident())
    return StreamingHttpResponse(iter([b"one ", b"two ", b"three"]))


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("hello/", hello),
    path("meet/", waits_for_another_request),
    path("form/", form),
    path("async/", awaits),
    path("cue/", awaits_its_cue),
    path("thread/", records_its_thread),
    path("stream/", streams),
    path("fails/", fails),
]


@pytest.fixture(autouse=True)
def these_views() -> Iterator[None]:
    with override_settings(ROOT_URLCONF=__name__):
        yield


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every sync_to_async hand-off, by the name of what it ran."""
    calls: list[str] = []
    original = SyncToAsync.__call__

    async def counting(self: SyncToAsync, *args: object, **kwargs: object) -> object:
        calls.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    return calls


async def get(handler: ASGIHandler, url: str, method: str = "GET") -> dict:
    """Status, headers and the whole body (Django ends a streamed body with a message
    that has no "body", as ASGI allows)."""
    # asgiref's communicator, not channels': channels' patches a module attribute while it
    # sends or receives, and two requests in flight at once would leave the patch behind.
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(handler, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    assert start["type"] == "http.response.start", start
    body = b""
    while True:
        message = await communicator.receive_output(timeout=10)
        assert message["type"] == "http.response.body", message
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    await communicator.wait(timeout=10)  # the handler's own clean-up, too
    return {"status": start["status"], "headers": start.get("headers", []), "body": body}


async def test_a_request_makes_a_handful_of_thread_hand_offs_not_one_per_middleware(
    hops: list[str],
) -> None:
    response = await get(OneHopASGIHandler(), "/hello/")

    assert response["status"] == 200
    assert response["body"] == b"hello"
    assert len(hops) <= 4, hops


async def test_djangos_own_handler_hands_off_per_middleware_method(hops: list[str]) -> None:
    """Why quizsite/handlers.py exists."""
    response = await get(ASGIHandler(), "/hello/")

    assert response["status"] == 200
    assert len(hops) >= 12, hops


async def test_the_projects_middleware_still_applies() -> None:
    response = await get(OneHopASGIHandler(), "/hello/")
    headers = {name.decode().lower(): value.decode() for name, value in response["headers"]}

    assert headers["x-frame-options"] == "DENY"
    assert "content-security-policy" in headers
    assert headers["x-content-type-options"] == "nosniff"


async def test_a_post_without_a_csrf_token_is_still_refused() -> None:
    response = await get(OneHopASGIHandler(), "/form/", method="POST")

    assert response["status"] == 403


async def test_each_request_still_gets_a_thread_of_its_own() -> None:
    """A sync view waiting on I/O must not hold up the next request."""
    handler = OneHopASGIHandler()
    both_in_their_views.reset()

    first, second = await asyncio.gather(get(handler, "/meet/"), get(handler, "/meet/"))

    assert (first["status"], second["status"]) == (200, 200)
    assert first["body"] == second["body"] == b"met"


@pytest.fixture
def finished_in() -> Iterator[list[int]]:
    """The thread of every request_finished: where Django closes the request's database
    connections (hands them back to the pool)."""
    threads: list[int] = []

    def record(**kwargs: object) -> None:
        threads.append(threading.get_ident())

    view_threads.clear()
    request_finished.connect(record)
    yield threads
    request_finished.disconnect(record)


async def test_a_request_finishes_in_the_thread_that_ran_its_view(
    finished_in: list[int],
) -> None:
    response = await get(OneHopASGIHandler(), "/thread/")

    assert response["body"] == b"recorded"
    assert finished_in == view_threads
    assert finished_in[0] != threading.get_ident()  # not on the event loop


async def test_a_streaming_response_is_sent_whole_then_closed_once(
    finished_in: list[int],
) -> None:
    response = await get(OneHopASGIHandler(), "/stream/")

    assert response["status"] == 200
    assert response["body"] == b"one two three"
    assert len(finished_in) == 1


async def test_an_async_view_still_runs_on_the_event_loop() -> None:
    response = await get(OneHopASGIHandler(), "/async/")

    assert response["body"] == b"async on the loop: True"


async def test_an_async_view_that_awaits_holds_none_of_the_request_threads(
    settings: Any,
) -> None:
    """The lab's server-measured run awaits seconds of requests to this very server."""
    cues.append(asyncio.Event())
    settings.HTTP_THREADS = 1
    handler = OneHopASGIHandler()

    waiting = asyncio.ensure_future(get(handler, "/cue/"))
    await asyncio.sleep(0.05)  # the async view is now awaiting its cue
    # Through async_to_sync in the one request thread, this would wait for the cue forever.
    page = await get(handler, "/hello/")
    still_waiting = not waiting.done()
    cues[-1].set()
    cued = await waiting

    assert page["body"] == b"hello"
    assert still_waiting
    assert cued["body"] == b"cued"


async def test_a_static_file_is_served_whole(settings: Any) -> None:
    """WhiteNoise answers with a streaming file response."""
    settings.ROOT_URLCONF = "quizsite.urls"
    # Straight from static/, as with DEBUG=1: a fresh checkout has no collectstatic output.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    handler = OneHopASGIHandler()

    response = await get(handler, "/static/css/site.css")

    assert response["status"] == 200
    assert response["body"] == (ROOT / "static" / "css" / "site.css").read_bytes()


async def test_a_failing_view_is_a_500_page_and_the_request_still_finishes(
    finished_in: list[int],
) -> None:
    response = await get(OneHopASGIHandler(), "/fails/")

    assert response["status"] == 500
    assert len(finished_in) == 1

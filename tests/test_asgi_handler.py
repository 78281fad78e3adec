"""quizsite/handlers.py: Django's ASGI handler with the middleware and a sync view run in
one hop to the request's thread, and nothing else changed for a request.

The views here are this module's own (ROOT_URLCONF points at it); the project's middleware
is the real one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from asgiref.sync import SyncToAsync
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path

from quizsite.handlers import OneHopASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)

both_in_their_views = threading.Barrier(2, timeout=5)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def waits_for_another_request(request: HttpRequest) -> HttpResponse:
    both_in_their_views.wait()  # raises BrokenBarrierError unless two requests overlap
    return HttpResponse("met")


def form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("posted")


urlpatterns = [
    path("hello/", hello),
    path("meet/", waits_for_another_request),
    path("form/", form),
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
    communicator = HttpCommunicator(handler, method, url, headers=[(b"host", b"testserver")])
    return await communicator.get_response(timeout=10)


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

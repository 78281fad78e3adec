"""Every socket route opens only from this site's own origin: scheme, host and port, as
Django's CSRF check compares them (quizsite/origins.py)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from live import services as live
from quiz import services
from quiz.models import Quiz
from quizsite.origins import same_origin
from tests.conftest import socket_headers
from tests.factories import instructor, join, new_session_key

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]

REFUSED = [
    None,  # no Origin at all: not a browser's page
    b"null",  # a sandboxed frame or a file: page
    b"http://testserver:9999",  # another port of the same host
    b"https://testserver",  # another scheme
    b"ws://testserver",
    b"http://localhost",  # another host this site also serves
    b"http://evil.example",
    b"http://testserver.evil.example",
    b"http://evil.example/http://testserver",
    b"HTTP://TESTSERVER:9999",  # letter case does not hide another port
    b"http://testserver:80",  # what no browser sends for its own origin
]
ACCEPTED = [b"http://testserver", b"HTTP://TestServer"]


def routes() -> dict[str, tuple[str, str]]:
    """Each socket route with the cookie of someone it would otherwise accept."""
    host = instructor()
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-performance")
    session = live.create_session(quiz=quiz, host=host)
    player_key = new_session_key()
    join(session, "Ada", player_key)
    student_key = new_session_key()
    attempt = services.start_attempt(quiz=quiz, session_key=student_key, user=None)
    client = Client()
    client.force_login(host)
    host_key = client.cookies["sessionid"].value
    return {
        "attempt": (f"/ws/attempts/{attempt.pk}/", student_key),
        "host": (f"/ws/live/{session.join_code}/host/", host_key),
        "play": (f"/ws/live/{session.join_code}/play/", player_key),
    }


async def opens(application: Any, path: str, key: str, origin: bytes | None) -> bool:
    communicator = WebsocketCommunicator(application, path, headers=socket_headers(key, origin))
    connected, _ = await communicator.connect(timeout=10)
    if connected:
        await communicator.disconnect()
    return bool(connected)


@pytest.mark.parametrize("route", ["attempt", "host", "play"])
async def test_a_socket_opens_only_from_the_sites_own_origin(
    asgi_application: Any, seeded: None, route: str
) -> None:
    path, key = (await sync_to_async(routes)())[route]

    refused = [o for o in REFUSED if await opens(asgi_application, path, key, o)]
    accepted = [o for o in ACCEPTED if await opens(asgi_application, path, key, o)]

    assert refused == []
    assert accepted == ACCEPTED


async def test_a_trusted_origin_opens_a_socket(
    asgi_application: Any, seeded: None, settings: Any
) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://quiz.example.org", "https://*.school.example"]
    path, key = (await sync_to_async(routes)())["attempt"]

    assert await opens(asgi_application, path, key, b"https://quiz.example.org")
    assert await opens(asgi_application, path, key, b"https://room4.school.example")
    assert not await opens(asgi_application, path, key, b"http://quiz.example.org")
    assert not await opens(asgi_application, path, key, b"https://school.example.evil")


def scope(origin: str, *, host: str = "testserver", scheme: str = "ws", **headers: str) -> dict:
    raw = [(b"host", host.encode()), (b"origin", origin.encode())]
    raw += [(name.encode(), value.encode()) for name, value in headers.items()]
    return {"type": "websocket", "scheme": scheme, "headers": raw}


def test_over_tls_the_own_origin_is_https() -> None:
    assert same_origin(scope("https://testserver", scheme="wss"))
    assert not same_origin(scope("http://testserver", scheme="wss"))


def test_behind_a_tls_proxy_its_header_names_the_scheme(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert same_origin(scope("https://testserver", **{"x-forwarded-proto": "https"}))
    assert not same_origin(scope("https://testserver"))
    assert same_origin(scope("http://testserver"))


def test_a_host_the_site_does_not_serve_has_no_own_origin() -> None:
    assert not same_origin(scope("http://evil.example", host="evil.example"))

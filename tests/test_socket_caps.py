"""One browser session, or one address, cannot hold a server's sockets: past
SOCKETS_PER_BROWSER or SOCKETS_PER_ADDRESS a socket is accepted, then closed with 4429
and a log line (quiz/sockets.py). Real Daphne, real WebSocket clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import websockets
from asgiref.sync import sync_to_async

from quiz import services
from quiz.models import Quiz
from quiz.sockets import CLOSE_TOO_MANY
from tests.conftest import free_port, start_daphne
from tests.factories import new_session_key

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]

PER_BROWSER, PER_ADDRESS = 4, 7
OPEN: list[websockets.ClientConnection] = []  # kept open until the test ends


@pytest.fixture
def capped_server(transactional_db: None, artifacts_dir: Path) -> Iterator[str]:
    port = free_port()
    process = start_daphne(
        port,
        artifacts_dir / "daphne-caps.log",
        SOCKETS_PER_BROWSER=str(PER_BROWSER),
        SOCKETS_PER_ADDRESS=str(PER_ADDRESS),
    )
    try:
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def attempt_of_a_new_browser() -> tuple[str, str]:
    """(attempt id, session key): a student's own attempt socket path and cookie."""
    from django.core.management import call_command

    if not Quiz.objects.exists():
        call_command("load_content", verbosity=0)
    key = new_session_key()
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    attempt = services.start_attempt(quiz=quiz, session_key=key, user=None)
    return str(attempt.pk), key


async def open_socket(server: str, attempt_id: str, key: str) -> int | None:
    """None if the socket stays open (it is kept), else its close code."""
    connection = await websockets.connect(
        f"ws://{server}/ws/attempts/{attempt_id}/",
        origin=websockets.Origin(f"http://{server}"),
        additional_headers={"Cookie": f"sessionid={key}"},
    )
    try:
        await asyncio.wait_for(connection.recv(), 5)  # "Live feedback connected"
        await asyncio.wait_for(connection.recv(), 0.5)
    except TimeoutError:
        OPEN.append(connection)
        return None
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else 1006
    return None


@pytest.fixture(autouse=True)
async def close_them_all() -> AsyncIterator[None]:
    yield
    for connection in OPEN:
        await connection.close()
    OPEN.clear()


async def test_one_browser_session_opens_only_so_many_sockets(capped_server: str) -> None:
    attempt_id, key = await sync_to_async(attempt_of_a_new_browser)()

    codes = [await open_socket(capped_server, attempt_id, key) for _ in range(PER_BROWSER + 2)]

    assert codes == [None] * PER_BROWSER + [CLOSE_TOO_MANY] * 2
    # Closing one frees its place.
    await OPEN.pop().close()
    await asyncio.sleep(0.3)
    assert await open_socket(capped_server, attempt_id, key) is None


async def test_one_address_opens_only_so_many_sockets_whatever_the_cookies(
    capped_server: str, artifacts_dir: Path
) -> None:
    browsers = [await sync_to_async(attempt_of_a_new_browser)() for _ in range(PER_ADDRESS + 1)]

    codes = [await open_socket(capped_server, attempt_id, key) for attempt_id, key in browsers]

    assert codes == [None] * PER_ADDRESS + [CLOSE_TOO_MANY]
    log = (
        Path(__file__).resolve().parent.parent / "test-artifacts" / "daphne-caps.log"
    ).read_text()
    assert "too many open" in log

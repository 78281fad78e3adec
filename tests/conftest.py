"""Fixtures shared by the whole suite.

Services (PostgreSQL, Redis, Chromium) are real. On a laptop without one of them the
tests that need it skip and say why; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection, connections

from quiz.models import Quiz

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip on a laptop that lacks a service; fail in CI, where every service is present."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)  # only off CI: with CI=true the line above fails instead


@pytest.fixture
def seeded(db: None) -> None:
    call_command("load_content", verbosity=0)


@pytest.fixture
def practice_quiz(seeded: None) -> Quiz:
    return Quiz.objects.get(slug="asgi-vs-wsgi-practice")


@pytest.fixture
def test_quiz(seeded: None) -> Quiz:
    return Quiz.objects.get(slug="asgi-vs-wsgi-performance")


@pytest.fixture
def teacher(db: None) -> User:
    """An instructor: Django staff, who may host live sessions."""
    from tests.factories import instructor

    return instructor("teacher")


@pytest.fixture
async def sync_thread_connection_closed() -> AsyncIterator[None]:
    """Socket ORM calls run in asgiref's one shared thread, which keeps its connection
    (quiz/db.py); close it after each test, or the test database cannot be dropped."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
def session_key(db: None) -> str:
    session = SessionStore()
    session["student"] = True
    session.save()
    assert session.session_key
    return session.session_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_subprocess() -> str:
    """The URL of the test database, so a server process shares the tests' data."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings.get("USER") or "")
    password = quote(settings.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings['NAME']}"


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


def start_daphne(port: int, log_path: Path, **extra_env: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        **extra_env,
    }
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "quizsite.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process)
    return process


@pytest.fixture(autouse=True)
def fresh_process_caches() -> None:
    """Each test starts with the per-process caches a new server process has (quiz/caches.py).

    They are keyed by primary key and version, which never repeat in production; a test
    database rolled back after each test hands the same primary keys out again, and
    the next test would be shown another test's live session.
    """
    from django.core.cache import caches as django_caches

    from quiz import caches

    caches.clear_all()
    django_caches["fragments"].clear()


@pytest.fixture(scope="session", autouse=True)
def close_async_threads_connections(django_db_setup: None) -> Iterator[None]:
    """Consumers' ORM calls run in asgiref's shared thread with its own connection;
    close it before the test database is dropped."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def asgi_server(
    django_db_setup: None, django_db_blocker: Any, artifacts_dir: Path
) -> Iterator[str]:
    """A real Daphne process on the test database: HTTP and WebSockets, as users get them."""
    with django_db_blocker.unblock():
        port = free_port()
        process = start_daphne(port, artifacts_dir / "daphne.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def asgi_application() -> Any:
    """The project's ASGI application, as Daphne serves it."""
    import quizsite.asgi

    return quizsite.asgi.application


@pytest.fixture
def application(asgi_application: Any) -> Any:
    return asgi_application


ORIGIN = b"http://testserver"


def socket_headers(
    session_key: str | None, origin: bytes | None = ORIGIN, host: bytes = b"testserver"
) -> list[tuple[bytes, bytes]]:
    """What a browser on this site sends with a socket: Host, Origin and the cookie."""
    headers = [(b"host", host)]
    if origin is not None:
        headers.append((b"origin", origin))
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return headers

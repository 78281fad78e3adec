"""Run it yourself: the lesson's two code samples, served for real and sent the same load.

The ASGI `application` in content/asgi-vs-wsgi.yaml runs under Daphne and the WSGI one
under gunicorn with one sync worker ("single request per worker", as the lesson's table
says), each on a free local port, each with the same simulated I/O wait put in front of
it (the samples answer at once, and there would be nothing to compare). The same number
of requests goes to each at once; `manage.py lab_compare` prints what came back.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from lab.measure import nearest_rank

READY_SECONDS = 30.0
EXPECTED_BODY = b"Hello World"

ASGI_WAIT = """

# Added by manage.py lab_compare: a simulated I/O wait of {wait} s before the sample
# answers, awaited, so the event loop serves other requests meanwhile.
import asyncio as _lab_asyncio

_lesson_application = application


async def application(scope, receive, send):
    await _lab_asyncio.sleep({wait})
    await _lesson_application(scope, receive, send)
"""

WSGI_WAIT = """

# Added by manage.py lab_compare: a simulated I/O wait of {wait} s before the sample
# answers, blocking, as a sync view's database or API call blocks its worker.
import time as _lab_time

_lesson_application = application


def application(environ, start_response):
    _lab_time.sleep({wait})
    return _lesson_application(environ, start_response)
"""


class CompareError(Exception):
    pass


@dataclass(frozen=True)
class Sample:
    interface: str  # "ASGI" or "WSGI"
    heading: str
    code: str


def lesson_samples(path: Path) -> dict[str, Sample]:
    """The sections whose code defines `application`: `async def` is ASGI, `def` WSGI."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sections = data["lesson"]["sections"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise CompareError(f"{path}: {error}") from None
    samples: dict[str, Sample] = {}
    for section in sections:
        code = section.get("code") or ""
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in tree.body:
            if getattr(node, "name", None) != "application":
                continue
            if isinstance(node, ast.AsyncFunctionDef):
                samples.setdefault("ASGI", Sample("ASGI", section["heading"], code))
            elif isinstance(node, ast.FunctionDef):
                samples.setdefault("WSGI", Sample("WSGI", section["heading"], code))
    missing = {"ASGI", "WSGI"} - samples.keys()
    if missing:
        raise CompareError(f"{path}: no {' or '.join(sorted(missing))} `application` sample")
    return samples


@dataclass
class Served:
    name: str
    sample: Sample
    command: list[str]
    cwd: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@dataclass
class Result:
    name: str
    interface: str
    port: int
    requests: int
    rounds: int
    latencies_ms: list[float] = field(default_factory=list)
    round_seconds: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def total_s(self) -> float:
        """The median round: all requests sent at once, until the last answer."""
        ordered = sorted(self.round_seconds)
        return ordered[len(ordered) // 2] if ordered else 0.0

    @property
    def p50_ms(self) -> float | None:
        return nearest_rank(self.latencies_ms, 0.50)

    @property
    def p99_ms(self) -> float | None:
        return nearest_rank(self.latencies_ms, 0.99)

    @property
    def throughput(self) -> float:
        elapsed = sum(self.round_seconds)
        return len(self.latencies_ms) / elapsed if elapsed else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "server": self.name,
            "interface": self.interface,
            "port": self.port,
            "requests": self.requests,
            "rounds": self.rounds,
            "total_s": round(self.total_s, 3),
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "throughput_rps": round(self.throughput, 1),
            "errors": self.errors,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def servers(samples: dict[str, Sample], folder: Path, *, wait: float, workers: int) -> list[Served]:
    """Each sample in a module of its own, with the wait added, and the command serving it."""
    (folder / "lesson_asgi.py").write_text(samples["ASGI"].code + ASGI_WAIT.format(wait=wait))
    (folder / "lesson_wsgi.py").write_text(samples["WSGI"].code + WSGI_WAIT.format(wait=wait))
    daphne_port, gunicorn_port = free_port(), free_port()
    daphne = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(daphne_port)]
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{gunicorn_port}",
        "--workers",
        str(workers),
        "--no-control-socket",
    ]
    return [
        Served(
            "daphne (1 process)",
            samples["ASGI"],
            [*daphne, "lesson_asgi:application"],
            folder,
            daphne_port,
        ),
        Served(
            f"gunicorn ({workers} sync worker{'s' if workers > 1 else ''})",
            samples["WSGI"],
            [*gunicorn, "lesson_wsgi:application"],
            folder,
            gunicorn_port,
        ),
    ]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def running(served: list[Served]) -> Iterator[list[Served]]:
    """Start every server and wait until each listens; stop them all, whatever happens."""
    try:
        for server in served:
            server.log = (server.cwd / f"{server.port}.log").open("wb")
            server.process = subprocess.Popen(  # noqa: S603 - our own interpreter and args
                server.command,
                cwd=server.cwd,
                stdout=server.log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + READY_SECONDS
        for server in served:
            while not _listening(server.port):
                assert server.process is not None
                if server.process.poll() is not None or time.monotonic() > deadline:
                    server.log.flush()
                    output = (server.cwd / f"{server.port}.log").read_text(errors="replace")
                    raise CompareError(f"{server.name} did not start:\n{output[-2000:]}")
                time.sleep(0.1)
        yield served
    finally:
        for server in served:
            stop(server)


def stop(server: Served) -> None:
    if server.process is not None and server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
    if server.log is not None:
        server.log.close()


async def _load(server: Served, *, requests: int, rounds: int, timeout: float) -> Result:
    result = Result(server.name, server.sample.interface, server.port, requests, rounds)
    limits = httpx.Limits(max_connections=requests, max_keepalive_connections=requests)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:
        await client.get(server.url)  # the first request also loads the app: not timed

        async def one() -> None:
            began = time.perf_counter()
            try:
                response = await client.get(server.url)
            except httpx.HTTPError:
                result.errors += 1
                return
            if response.status_code != 200 or response.content != EXPECTED_BODY:
                result.errors += 1
                return
            result.latencies_ms.append(round((time.perf_counter() - began) * 1000, 1))

        for _ in range(rounds):
            began = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(requests)))
            result.round_seconds.append(time.perf_counter() - began)
    return result


def compare(
    samples: dict[str, Sample],
    *,
    requests: int,
    rounds: int,
    wait: float,
    workers: int,
    timeout: float,
) -> list[Result]:
    """Serve both samples, send each the same load, stop them; one Result per server."""
    with tempfile.TemporaryDirectory(prefix="lab-compare-") as folder:
        served = servers(samples, Path(folder), wait=wait, workers=workers)
        with running(served):
            return [
                asyncio.run(_load(server, requests=requests, rounds=rounds, timeout=timeout))
                for server in served
            ]

"""Many WebSocket clients in one asyncio process, speaking the browser's protocol.

Each client is what htmx's ws extension is in a browser: it connects with the
session cookie and the page's Origin, sends a form as JSON (the form's fields as
strings, the CSRF field, and htmx's HEADERS), and receives HTML fragments. A
reader task timestamps the first message that contains each marker the benchmark
waits for, so the time a screen changes is when its message arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

import websockets

from bench.common import progress

ERROR = re.compile(r'<p class="message error">(.*?)</p>', re.DOTALL)


class Client:
    def __init__(
        self,
        name: str,
        url: str,
        session_key: str,
        markers: dict[str, str],
        *,
        keep: Iterable[str] = (),
        cookie: str | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self.session_key = session_key
        # The browser's whole Cookie header (bench/pages.py), or just its session.
        self.cookie = cookie or f"sessionid={session_key}"
        self.markers = dict(markers)
        self.keep = set(keep)
        self.seen: dict[str, float] = {}
        self.texts: dict[str, str] = {}
        self.events = {name: asyncio.Event() for name in self.markers}
        self.errors: list[str] = []
        self.messages = 0
        self.bytes = 0
        self.closed: str | None = None
        self.connection: Any = None
        self.reader: asyncio.Task[None] | None = None

    async def open(self, timeout: float = 60.0) -> None:
        origin = "http://" + self.url.split("://", 1)[1].split("/", 1)[0]
        self.connection = await websockets.connect(
            self.url,
            origin=websockets.Origin(origin),
            additional_headers={"Cookie": self.cookie},
            max_size=None,
            ping_interval=None,  # a starved client must not drop the line itself
            open_timeout=timeout,
            close_timeout=2,
        )
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        try:
            async for message in self.connection:
                now = time.perf_counter()
                text = message if isinstance(message, str) else message.decode()
                self.messages += 1
                self.bytes += len(text)
                for name, needle in self.markers.items():
                    if name not in self.seen and needle in text:
                        self.seen[name] = now
                        if name in self.keep:
                            self.texts[name] = text
                        self.events[name].set()
                if "message error" in text:
                    self.errors += [e.strip() for e in ERROR.findall(text)]
        except websockets.ConnectionClosed as closed:
            self.closed = f"{closed.rcvd.code if closed.rcvd else 'no close frame'}"
        except Exception as error:
            self.closed = repr(error)
        else:
            rcvd = getattr(self.connection, "close_code", None)
            self.closed = str(rcvd)

    def expect(self, name: str, needle: str) -> None:
        """From now on, wait for a (new) message containing `needle` under `name`."""
        self.markers[name] = needle
        self.events.setdefault(name, asyncio.Event())
        self.reset(name)

    def reset(self, *names: str) -> None:
        """Wait for these markers again (the next question's, for instance)."""
        for name in names:
            self.seen.pop(name, None)
            self.texts.pop(name, None)
            self.events[name].clear()

    async def send_form(self, **fields: object) -> float:
        """The frame htmx sends for a `<form ws-send>`; returns the time it left."""
        payload: dict[str, Any] = {name: str(value) for name, value in fields.items()}
        payload["csrfmiddlewaretoken"] = "x" * 64
        payload["HEADERS"] = {
            "HX-Request": "true",
            "HX-Trigger": None,
            "HX-Trigger-Name": None,
            "HX-Target": None,
            "HX-Current-URL": self.url.replace("ws://", "http://").replace("/ws/", "/"),
        }
        sent = time.perf_counter()
        await self.connection.send(json.dumps(payload))
        return sent

    async def wait(self, name: str, timeout: float) -> bool:
        if name in self.seen:
            return True
        try:
            await asyncio.wait_for(self.events[name].wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.connection.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader


async def open_all(
    clients: Sequence[Client],
    *,
    marker: str,
    concurrency: int,
    timeout: float,
    label: str,
    retries: int = 5,
) -> tuple[list[str], int]:
    """Connect everybody (at most `concurrency` handshakes at once) and wait for
    `marker`; returns the failures and how many handshakes were tried again."""
    semaphore = asyncio.Semaphore(concurrency)
    failures: list[str] = []
    stats = {"retries": 0}

    async def one(client: Client) -> None:
        # Like htmx's ws extension, a refused or dropped handshake is tried again
        # after a random backoff (the extension's full jitter, capped here).
        for attempt in range(retries + 1):
            async with semaphore:
                try:
                    await client.open(timeout)
                except Exception as error:
                    if attempt == retries:
                        failures.append(f"{client.name}: {error!r}")
                        return
                    client.connection = None
                else:
                    if not await client.wait(marker, timeout):
                        failures.append(f"{client.name}: no {marker!r} within {timeout}s")
                    return
            stats["retries"] += 1
            await asyncio.sleep(random.uniform(0, min(2**attempt, 8)))

    await wait_with_progress(
        [one(c) for c in clients],
        lambda: sum(marker in c.seen for c in clients),
        len(clients),
        label,
    )
    return failures, stats["retries"]


async def wait_with_progress(
    awaitables: list[Any], count: Any, total: int, label: str, every: float = 5.0
) -> None:
    """Run the awaitables, printing `label: count/total` every few seconds."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    pending = set(tasks)
    while pending:
        _, pending = await asyncio.wait(pending, timeout=every)
        if pending:
            progress(f"  {label}: {count()}/{total}")


async def wait_all(clients: Sequence[Client], marker: str, timeout: float, label: str) -> None:
    """Until every connected client saw `marker`, or `timeout` seconds pass."""
    deadline = time.perf_counter() + timeout
    clients = [c for c in clients if c.connection is not None]

    async def one(client: Client) -> None:
        await client.wait(marker, max(deadline - time.perf_counter(), 0.0))

    await wait_with_progress(
        [one(c) for c in clients],
        lambda: sum(marker in c.seen for c in clients),
        len(clients),
        label,
    )


async def close_all(clients: Sequence[Client], concurrency: int = 200) -> None:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(client: Client) -> None:
        async with semaphore:
            await client.close()

    await asyncio.gather(*(one(c) for c in clients))


class LoopLag:
    """How late the client's own event loop runs: its delays add to every latency."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.lags: list[float] = []
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self.run())

    async def run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.lags.append(max(time.perf_counter() - before - self.interval, 0.0))

    async def stop(self) -> list[float]:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        return self.lags

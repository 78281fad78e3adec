"""Students and players arriving as a browser does: through the pages, with cookies.

A live player: GET /join (the CSRF cookie and token, the device cookie), POST the code
and a nickname with the token, follow the redirect to the play page, read the socket
URL the page would open (`ws-connect`, with the version it shows), and open that
socket with the browser's cookies and the page's Origin. A self-paced student: GET the
quiz page, POST its Start form, follow to the play page and open its socket. Every
step is timed; one port, as `make run`, `make run-scaled` and `make run-split` serve.

The HTTP clients share one connection pool (as a school's browsers share nothing, but
this keeps the load client's own CPU down) and keep a cookie jar each.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SOCKET = re.compile(r'ws-connect="([^"]+)"')
MESSAGE = re.compile(r'class="message error"[^>]*>(.*?)</p>', re.DOTALL)


class JoinRefused(Exception):
    """The site answered, but not with the next page (a limit, a full room...)."""


@dataclass
class Arrival:
    """One browser that came in through the pages."""

    name: str
    socket_path: str
    cookie: str  # the Cookie header the browser sends with its socket
    seconds: float  # from the first GET until the socket's page was read
    steps: dict[str, float] = field(default_factory=dict)


class SharedTransport(httpx.AsyncBaseTransport):
    """One connection pool for every browser; closing a browser leaves it open."""

    def __init__(self, connections: int) -> None:
        self.pool = httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.pool.handle_async_request(request)

    async def aclose(self) -> None:
        pass

    async def close_pool(self) -> None:
        await self.pool.aclose()


def browser(base_url: str, transport: SharedTransport, timeout: float) -> Any:
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": "quizsite-bench"},
    )


def cookie_header(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def _refusal(response: httpx.Response) -> str:
    found = MESSAGE.search(response.text)
    return f"{response.status_code}: {found[1].strip() if found else response.text[:120]!r}"


async def _timed(steps: dict[str, float], name: str, request: Any) -> httpx.Response:
    began = time.perf_counter()
    response = await request
    steps[name] = time.perf_counter() - began
    return response


async def _socket_page(client: httpx.AsyncClient, location: str, steps: dict[str, float]) -> str:
    page = await _timed(steps, "play page", client.get(location))
    if page.status_code != 200 or not (found := SOCKET.search(page.text)):
        raise JoinRefused(f"play page {_refusal(page)}")
    return found[1].replace("&amp;", "&")


async def join_live(client: httpx.AsyncClient, *, code: str, nickname: str) -> Arrival:
    steps: dict[str, float] = {}
    began = time.perf_counter()
    form = await _timed(steps, "join form", client.get("/join"))
    token = CSRF.search(form.text)
    if form.status_code != 200 or token is None:
        raise JoinRefused(f"join form {_refusal(form)}")
    joined = await _timed(
        steps,
        "join post",
        client.post(
            "/join",
            data={"csrfmiddlewaretoken": token[1], "code": code, "nickname": nickname},
        ),
    )
    if joined.status_code != 302:
        raise JoinRefused(f"join {_refusal(joined)}")
    socket_path = await _socket_page(client, joined.headers["location"], steps)
    return Arrival(nickname, socket_path, cookie_header(client), time.perf_counter() - began, steps)


async def start_attempt(client: httpx.AsyncClient, *, quiz_slug: str, name: str) -> Arrival:
    steps: dict[str, float] = {}
    began = time.perf_counter()
    page = await _timed(steps, "quiz page", client.get(f"/quiz/{quiz_slug}/"))
    token = CSRF.search(page.text)
    if page.status_code != 200 or token is None:
        raise JoinRefused(f"quiz page {_refusal(page)}")
    started = await _timed(
        steps,
        "start post",
        client.post(f"/quiz/{quiz_slug}/start/", data={"csrfmiddlewaretoken": token[1]}),
    )
    if started.status_code != 302:
        raise JoinRefused(f"start {_refusal(started)}")
    socket_path = await _socket_page(client, started.headers["location"], steps)
    return Arrival(name, socket_path, cookie_header(client), time.perf_counter() - began, steps)


async def arrive_all(
    names: list[str],
    arrive: Any,
    *,
    concurrency: int,
) -> tuple[list[Arrival], list[str]]:
    """Everybody through the pages, at most `concurrency` at once; (arrivals, refusals),
    the arrivals in the order of `names`."""
    semaphore = asyncio.Semaphore(concurrency)
    arrivals: dict[str, Arrival] = {}
    refusals: list[str] = []

    async def one(name: str) -> None:
        async with semaphore:
            try:
                arrivals[name] = await arrive(name)
            except (JoinRefused, httpx.HTTPError) as error:
                refusals.append(f"{name}: {error!r}")

    await asyncio.gather(*(one(name) for name in names))
    return [arrivals[n] for n in names if n in arrivals], refusals

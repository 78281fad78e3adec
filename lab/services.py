"""The run a browser without JavaScript asks for: this server sends the requests to itself.

It sends them as a browser would, all at once to each endpoint in turn, over HTTP to
the address and port the request itself came in on (the ASGI scope's "server": the
socket this process accepted it on, never a name a client supplied), with the
request's own Host, which Django has already checked. They meet the endpoints' caps
like any other request; the signed header only spares them the per-request rate limit,
since the run was counted once.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lab.bounds import ASYNC_PATH, MAX_REQUESTS, SYNC_PATH
from lab.endpoints import OWN_RUN_HEADER, own_run_token
from lab.measure import OUTCOME_OF_STATUS, Endpoint, MeasuredBy, Outcome, Run, Series, Timing

logger = logging.getLogger(__name__)

# Long enough for the last of a full sync queue (40 x 200 ms) and some.
REQUEST_TIMEOUT = 20.0
# The requests are plain HTTP to this server's own socket: a context that trusts no
# certificate (one that somehow went over TLS fails). httpx's default, built per client
# from certifi's bundle, took 60 ms of the event loop for every run.
TRUSTS_NOTHING = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class LabRefusal(Exception):
    message = _("The lab cannot run right now.")


class Busy(LabRefusal):
    message = _(
        "The server is measuring runs for other learners right now; run it again in a few seconds."
    )


class NoOwnAddress(LabRefusal):
    message = _(
        "This server cannot send requests to itself here (it is not listening on a network "
        "port of its own); with JavaScript on, your browser measures instead."
    )


class ServerRuns:
    """How many runs this process measures at once: each holds up to 2 x 20 connections."""

    def __init__(self) -> None:
        self.running = 0

    def start(self) -> None:
        if self.running >= settings.LAB_SERVER_RUNS:
            raise Busy
        self.running += 1

    def finish(self) -> None:
        self.running -= 1


server_runs = ServerRuns()


def base_url(server: Any) -> str:
    """http://host:port of the socket a request arrived on (an ASGI scope's "server")."""
    if not isinstance(server, list | tuple) or len(server) != 2:
        raise NoOwnAddress
    host, port = server
    if not isinstance(host, str) or not host or not isinstance(port, int) or port <= 0:
        raise NoOwnAddress
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def measure_on_server(*, requests: int, server: Any, host: str) -> Run:
    """Send `requests` requests at once to the sync endpoint, then to the async one."""
    if not 1 <= requests <= MAX_REQUESTS:
        raise ValueError(f"1 to {MAX_REQUESTS} requests, not {requests}")
    url = base_url(server)
    server_runs.start()
    try:
        async with httpx.AsyncClient(
            base_url=url,
            headers={"Host": host, OWN_RUN_HEADER: own_run_token()},
            limits=httpx.Limits(max_connections=requests),
            timeout=REQUEST_TIMEOUT,
            verify=TRUSTS_NOTHING,
            trust_env=False,  # never through a proxy named in the environment
        ) as client:
            sync = await _burst(client, Endpoint.SYNC, SYNC_PATH, requests)
            async_ = await _burst(client, Endpoint.ASYNC, ASYNC_PATH, requests)
    finally:
        server_runs.finish()
    return Run(requests, sync, async_, MeasuredBy.SERVER, protocol="http/1.1")


async def _burst(client: httpx.AsyncClient, endpoint: Endpoint, path: str, requests: int) -> Series:
    began = time.perf_counter()
    timings = await asyncio.gather(*(_one(client, path, index, began) for index in range(requests)))
    return Series(endpoint, tuple(timings))


async def _one(client: httpx.AsyncClient, path: str, index: int, began: float) -> Timing:
    # All are asked for at `began`, as a browser's fetch() calls are; each is on its way
    # once its turn on the event loop comes.
    sent = time.perf_counter()
    outcome, data = Outcome.FAILED, {}
    try:
        response = await client.get(path, params={"i": index})
        outcome = OUTCOME_OF_STATUS.get(response.status_code, Outcome.FAILED)
        if outcome is Outcome.OK:
            data = response.json()
    except (httpx.HTTPError, ValueError) as error:
        outcome = Outcome.FAILED
        logger.warning("lab: a request to this server's own %s failed: %r", path, error)
    end = time.perf_counter()
    return Timing(
        start_ms=0.0,
        sent_ms=_ms(sent - began),
        end_ms=_ms(end - began),
        queued_ms=_number(data.get("queued_ms")),
        waited_ms=_number(data.get("waited_ms")),
        outcome=outcome,
    )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)

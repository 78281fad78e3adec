"""The lab's two endpoints (lab/endpoints.py), as Daphne calls them: the fixed wait, one
worker taking turns against overlapping waits, and the bounds that keep a crowd of
learners from costing anybody else anything."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core import signing
from django.core.cache import cache

from lab.bounds import ASYNC_PATH, SYNC_PATH, WAIT_MS
from lab.endpoints import _OWN_RUN_SALT, OWN_RUN_HEADER, LabEndpoints, own_run_token
from quizsite.handlers import OneHopASGIHandler

# A sleep lasts at least its time; the milliseconds are rounded to a tenth.
AT_LEAST_THE_WAIT = WAIT_MS - 0.1


async def django_stand_in(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def lab() -> LabEndpoints:
    """A process's worth of lab: its own worker and counts, in front of a stand-in."""
    return LabEndpoints(django_stand_in)


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> Iterator[None]:
    # Over a day: a one-minute window could roll over in the middle of a test.
    settings.RATELIMIT_LAB_REQUESTS = "480/d"
    cache.clear()
    yield
    cache.clear()


def scope_for(
    path: str, *, method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None
) -> dict:
    path, _, query = path.partition("?")
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "scheme": "http",
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def started(app: Any, path: str, **options: Any) -> ApplicationCommunicator:
    communicator = ApplicationCommunicator(app, scope_for(path, **options))
    await communicator.send_input({"type": "http.request", "body": b""})
    return communicator


async def answer(communicator: ApplicationCommunicator) -> dict[str, Any]:
    start = await communicator.receive_output(timeout=15)
    body = await communicator.receive_output(timeout=15)
    await communicator.wait(timeout=5)
    headers = {name.decode(): value.decode() for name, value in start["headers"]}
    content = body["body"]
    return {
        "status": start["status"],
        "headers": headers,
        "body": content,
        "json": json.loads(content)
        if headers.get("content-type") == "application/json" and content
        else None,
    }


async def ask(app: Any, path: str, **options: Any) -> dict[str, Any]:
    return await answer(await started(app, path, **options))


async def test_the_sync_endpoint_waits_the_fixed_time_and_says_so(lab: LabEndpoints) -> None:
    response = await ask(lab, SYNC_PATH + "?wait=0&seconds=0")

    assert response["status"] == 200
    assert response["json"]["endpoint"] == "sync"
    assert response["json"]["waited_ms"] >= AT_LEAST_THE_WAIT  # the query string changes nothing
    assert response["headers"]["content-type"] == "application/json"
    assert response["headers"]["cache-control"] == "no-store"
    assert response["headers"]["x-content-type-options"] == "nosniff"
    timing = response["headers"]["server-timing"]
    assert "queue;dur=" in timing
    assert f'wait;dur={response["json"]["waited_ms"]};desc="simulated I/O"' in timing


async def test_the_async_endpoint_waits_the_same_fixed_time(lab: LabEndpoints) -> None:
    response = await ask(lab, ASYNC_PATH + "?wait=0")

    assert response["status"] == 200
    assert response["json"]["endpoint"] == "async"
    assert response["json"]["waited_ms"] >= AT_LEAST_THE_WAIT
    assert response["json"]["queued_ms"] == 0


async def test_sync_requests_take_turns_on_the_one_worker(lab: LabEndpoints) -> None:
    answers = await asyncio.gather(*(ask(lab, SYNC_PATH) for _ in range(3)))
    by_turn = sorted((a["json"] for a in answers), key=lambda data: data["ahead"])

    queued = [data["queued_ms"] for data in by_turn]

    assert [data["ahead"] for data in by_turn] == [0, 1, 2]
    # Each began only once the one ahead of it had waited its whole wait (they arrived
    # within moments of each other, so the later the turn, the longer the queue).
    assert queued == sorted(queued)
    assert queued[2] >= AT_LEAST_THE_WAIT


async def test_async_requests_overlap_on_the_event_loop(lab: LabEndpoints) -> None:
    answers = await asyncio.gather(*(ask(lab, ASYNC_PATH) for _ in range(3)))

    assert sorted(a["json"]["alongside"] for a in answers) == [0, 1, 2]
    assert all(a["json"]["queued_ms"] == 0 for a in answers)


async def test_a_full_sync_queue_turns_the_next_request_away_at_once(
    lab: LabEndpoints, settings: Any
) -> None:
    settings.LAB_SYNC_QUEUE = 2

    answers = await asyncio.gather(*(ask(lab, SYNC_PATH) for _ in range(3)))
    statuses = sorted(a["status"] for a in answers)
    refused = next(a for a in answers if a["status"] == 503)

    assert statuses == [200, 200, 503]
    assert refused["json"]["refused"] == "busy"
    assert "at most 2 at once on this server process" in refused["json"]["message"]
    assert refused["headers"]["retry-after"] == "5"
    assert lab.sync_held == 0


async def test_async_waits_beyond_their_cap_are_turned_away(
    lab: LabEndpoints, settings: Any
) -> None:
    settings.LAB_ASYNC_LIMIT = 2

    answers = await asyncio.gather(*(ask(lab, ASYNC_PATH) for _ in range(3)))

    assert sorted(a["status"] for a in answers) == [200, 200, 503]
    assert lab.async_waiting == 0


async def test_a_client_that_leaves_the_queue_frees_its_place(
    lab: LabEndpoints, settings: Any
) -> None:
    settings.LAB_SYNC_QUEUE = 2
    first = await started(lab, SYNC_PATH)
    await asyncio.sleep(0.05)
    second = await started(lab, SYNC_PATH)
    await asyncio.sleep(0.05)
    assert lab.sync_held == 2

    await second.send_input({"type": "http.disconnect"})
    await second.wait(timeout=5)  # nothing is sent to a client that has gone
    third = await ask(lab, SYNC_PATH)

    assert third["status"] == 200
    assert third["json"]["ahead"] == 1  # only the first: the second never ran
    assert (await answer(first))["status"] == 200


async def test_a_client_that_leaves_mid_wait_frees_its_async_place(
    lab: LabEndpoints, settings: Any
) -> None:
    settings.LAB_ASYNC_LIMIT = 1
    leaving = await started(lab, ASYNC_PATH)
    await asyncio.sleep(0.05)

    await leaving.send_input({"type": "http.disconnect"})
    await leaving.wait(timeout=5)

    assert (await ask(lab, ASYNC_PATH))["status"] == 200


async def test_past_the_rate_limit_a_client_gets_429_and_a_log_line(
    lab: LabEndpoints, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.RATELIMIT_LAB_REQUESTS = "2/d"

    statuses = [(await ask(lab, ASYNC_PATH))["status"] for _ in range(2)]
    with caplog.at_level(logging.WARNING, logger="lab.endpoints"):
        refused = await ask(lab, SYNC_PATH)  # both endpoints count against one limit

    assert statuses == [200, 200]
    assert refused["status"] == 429
    assert refused["json"]["refused"] == "limited"
    assert "more lab requests than 2/d" in refused["json"]["message"]
    assert refused["headers"]["retry-after"] == "60"
    assert "lab rate limit hit from 127.0.0.1" in caplog.text
    assert lab.sync_held == 0


async def test_behind_the_proxy_each_client_counts_by_its_own_address(
    lab: LabEndpoints, settings: Any
) -> None:
    settings.RATELIMIT_LAB_REQUESTS = "1/d"
    settings.RATELIMIT_IP_META_KEY = "quiz.clients.client_ip"  # BEHIND_PROXY=1

    def from_(address: str) -> dict[str, Any]:
        return {"headers": [(b"x-real-ip", address.encode())]}

    first = await ask(lab, ASYNC_PATH, **from_("203.0.113.7"))
    other = await ask(lab, ASYNC_PATH, **from_("198.51.100.2"))
    again = await ask(lab, ASYNC_PATH, **from_("203.0.113.7"))

    assert (first["status"], other["status"], again["status"]) == (200, 200, 429)


def expired_own_run_token() -> str:
    signer = signing.TimestampSigner(salt=_OWN_RUN_SALT)
    value = f"own-run{signer.sep}{signing.b62_encode(int(time.time()) - 120)}"
    return f"{value}{signer.sep}{signer.signature(value)}"


async def test_the_servers_own_runs_are_not_counted_again_but_no_forged_one_passes(
    lab: LabEndpoints, settings: Any
) -> None:
    settings.RATELIMIT_LAB_REQUESTS = "1/d"
    header = OWN_RUN_HEADER.lower().encode()

    def carrying(token: str) -> dict[str, Any]:
        return {"headers": [(header, token.encode())]}

    spent = await ask(lab, ASYNC_PATH)
    own = [await ask(lab, ASYNC_PATH, **carrying(own_run_token())) for _ in range(3)]
    forged = await ask(lab, ASYNC_PATH, **carrying("own-run:1abc:not-a-signature"))
    expired = await ask(lab, ASYNC_PATH, **carrying(expired_own_run_token()))

    assert spent["status"] == 200
    assert [a["status"] for a in own] == [200, 200, 200]
    assert forged["status"] == 429
    assert expired["status"] == 429


async def test_the_servers_own_runs_still_meet_the_caps(lab: LabEndpoints, settings: Any) -> None:
    settings.LAB_ASYNC_LIMIT = 1
    own = {"headers": [(OWN_RUN_HEADER.lower().encode(), own_run_token().encode())]}

    answers = await asyncio.gather(*(ask(lab, ASYNC_PATH, **own) for _ in range(2)))

    assert sorted(a["status"] for a in answers) == [200, 503]


async def test_only_get_and_head_are_served(lab: LabEndpoints) -> None:
    posted = await ask(lab, SYNC_PATH, method="POST")
    head = await ask(lab, ASYNC_PATH, method="HEAD")

    assert posted["status"] == 405
    assert posted["headers"]["allow"] == "GET, HEAD"
    assert lab.sync_held == 0
    assert head["status"] == 200
    assert head["body"] == b""


async def test_a_host_the_site_does_not_serve_is_refused(
    lab: LabEndpoints, caplog: pytest.LogCaptureFixture
) -> None:
    scope_headers = [(b"host", b"evil.example")]
    communicator = ApplicationCommunicator(lab, {**scope_for(SYNC_PATH), "headers": scope_headers})
    await communicator.send_input({"type": "http.request", "body": b""})
    with caplog.at_level(logging.WARNING, logger="lab.endpoints"):
        refused = await answer(communicator)

    assert refused["status"] == 400
    assert "evil.example" in caplog.text


async def test_every_other_path_and_protocol_goes_on_to_django(lab: LabEndpoints) -> None:
    for path in ("/lab/wait/", "/lab/wait/sync", "/lab/wait/sync/extra/", "/lessons/"):
        assert (await ask(lab, path))["status"] == 204, path


async def test_the_site_serves_both_endpoints_in_front_of_its_pages(
    asgi_application: Any,
) -> None:
    assert (await ask(asgi_application, SYNC_PATH))["json"]["endpoint"] == "sync"
    assert (await ask(asgi_application, ASYNC_PATH))["json"]["endpoint"] == "async"
    assert (await ask(asgi_application, "/lab/wait/nowhere/"))["status"] == 404


@pytest.mark.django_db(transaction=True)
async def test_lab_requests_queued_for_the_worker_hold_no_request_thread(
    settings: Any, seeded: None
) -> None:
    """With a single thread for the pages' Django code, the lesson page still comes back
    while the sync worker's queue is full of requests."""
    settings.HTTP_THREADS = 1
    site = LabEndpoints(OneHopASGIHandler())
    queued = [asyncio.ensure_future(ask(site, SYNC_PATH)) for _ in range(3)]
    await asyncio.sleep(0.05)

    page = await ask(site, "/lessons/asgi-vs-wsgi/")
    still_queued = sum(not request.done() for request in queued)
    answers = await asyncio.gather(*queued)

    assert page["status"] == 200
    assert still_queued >= 2  # the page did not wait its turn behind them
    assert [a["status"] for a in answers] == [200, 200, 200]

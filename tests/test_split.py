"""`make run-split`: one site on one port, nginx sending the pages to gunicorn and /ws/ to
Daphne, the two sharing PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.scaled import find_nginx
from tests.cluster import Cluster, running_cluster
from tests.conftest import ROOT, free_port, require
from tests.wsclient import Socket

SOCKETS_PER_ADDRESS = 6


@dataclass
class Site:
    cluster: Cluster
    port: int

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"


def wait_until_served(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """nginx answers before its upstreams do: wait for a page from gunicorn."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "deploy.scaled exited; see its log in the artifacts"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} was not served within {timeout}s")


@pytest.fixture(scope="module")
def site(artifacts_dir: Path) -> Iterator[Site]:
    require(find_nginx() is not None, "nginx is not installed (apt-get install nginx-light)")
    with running_cluster(0, artifacts_dir, name="quizsite_split") as cluster:
        port = free_port()
        with (artifacts_dir / "split.log").open("ab") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "deploy.scaled",
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                    "--page-workers",
                    "1",
                    "--page-cache",
                    str(PAGE_CACHE_SECONDS),
                ],
                cwd=ROOT,
                env={**cluster.env, "SOCKETS_PER_ADDRESS": str(SOCKETS_PER_ADDRESS)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_served(f"http://127.0.0.1:{port}/", process)
            yield Site(cluster, port)
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_the_pages_come_from_gunicorn(site: Site) -> None:
    page = httpx.get(f"{site.http}/lessons/asgi-vs-wsgi/")
    assert page.status_code == 200
    assert "ASGI vs WSGI" in page.text
    assert page.headers["server"] == "gunicorn"


# nginx's page cache ------------------------------------------------------------------

# Long enough that two requests in a row always fall inside one copy's life (nginx counts
# whole seconds), short enough for the tests that wait for it to expire.
PAGE_CACHE_SECONDS = 3
LESSON = "/lessons/asgi-vs-wsgi/"


def get(site: Site, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{site.http}{path}", **kwargs)


def test_readers_without_cookies_share_one_copy_of_the_lesson(site: Site) -> None:
    first = get(site, f"{LESSON}?shared")
    again = get(site, f"{LESSON}?shared")
    assert first.headers["x-cache-status"] == "MISS"
    assert again.headers["x-cache-status"] == "HIT"
    assert again.text == first.text


def test_head_is_answered_from_the_shared_copy_without_a_body(site: Site) -> None:
    get(site, f"{LESSON}?head")
    head = httpx.head(f"{site.http}{LESSON}?head")
    assert head.status_code == 200
    assert head.headers["x-cache-status"] == "HIT"
    assert head.content == b""


@pytest.mark.parametrize(
    "own",
    [{"cookies": {"sessionid": "a-student"}}, {"headers": {"HX-Request": "true"}}],
    ids=["cookie", "htmx"],
)
def test_a_request_with_a_cookie_or_from_htmx_is_neither_served_nor_stored(
    site: Site, own: dict[str, Any]
) -> None:
    path = f"{LESSON}?own-{next(iter(own))}"
    for _ in range(2):
        page = get(site, path, **own)
        assert page.status_code == 200
        assert page.headers["x-cache-status"] == "BYPASS"
    # What was rendered for them was not kept for anybody else.
    assert get(site, path).headers["x-cache-status"] == "MISS"


def test_a_page_that_sets_a_cookie_is_never_shared(site: Site) -> None:
    """The quiz page hands each visitor a CSRF token of their own."""
    first, second = (get(site, "/quiz/asgi-vs-wsgi-practice/") for _ in range(2))
    assert first.headers["x-cache-status"] == second.headers["x-cache-status"] == "MISS"
    assert first.cookies["csrftoken"] != second.cookies["csrftoken"]


async def test_visitors_of_a_page_that_cannot_be_shared_do_not_wait_for_each_other(
    site: Site,
) -> None:
    """nginx learns only from the response that a page cannot be shared: under a cache
    lock every other visitor would wait out its 5 s timeout behind the first."""
    async with httpx.AsyncClient(base_url=site.http, timeout=30) as client:

        async def visit() -> float:
            started = time.monotonic()
            page = await client.get("/quiz/asgi-vs-wsgi-practice/")  # sets a CSRF cookie
            assert page.status_code == 200
            return time.monotonic() - started

        waits = await asyncio.gather(*(visit() for _ in range(16)))
    assert max(waits) < 4.5, sorted(waits)  # renders take milliseconds, the lock 5 s


def test_a_host_django_does_not_serve_is_refused_though_the_page_is_cached(site: Site) -> None:
    assert get(site, LESSON).status_code == 200
    assert get(site, LESSON, headers={"Host": "evil.example"}).status_code == 400


def change_lesson(site: Site, assignments: str) -> None:
    import psycopg

    with psycopg.connect(site.cluster.database_url, autocommit=True) as db:
        db.execute(
            f"UPDATE lessons_lesson SET {assignments}, updated_at = now()"
            " WHERE slug = 'asgi-vs-wsgi'"
        )


def wait_for(site: Site, path: str, seen: Callable[[httpx.Response], bool]) -> None:
    deadline = time.monotonic() + PAGE_CACHE_SECONDS + 15  # a busy machine
    while not seen(page := get(site, path)):
        assert time.monotonic() < deadline, (page.status_code, page.headers["x-cache-status"])
        time.sleep(0.2)


def test_an_edit_reaches_readers_once_their_copy_expires(site: Site) -> None:
    path = f"{LESSON}?edited"
    assert "Edited in the admin" not in get(site, path).text
    change_lesson(site, "title = title || ' (Edited in the admin)'")
    try:
        wait_for(site, path, lambda page: "Edited in the admin" in page.text)
    finally:
        change_lesson(site, "title = replace(title, ' (Edited in the admin)', '')")


def test_an_unpublished_lesson_is_gone_for_readers_once_their_copy_expires(site: Site) -> None:
    """A 404 is not stored: the copy of the 200 must not be served on in its place."""
    path = f"{LESSON}?unpublished"
    assert get(site, path).status_code == 200
    change_lesson(site, "published = false")
    try:
        wait_for(site, path, lambda page: page.status_code == 404)
        assert get(site, path).status_code == 404
    finally:
        change_lesson(site, "published = true")


async def test_a_plain_form_answer_on_gunicorn_moves_the_board_of_a_host_on_daphne(
    site: Site,
) -> None:
    room = site.cluster.prepare("live", "--players", "2", "--seconds", "60")
    code = room["code"]
    host = await Socket.open(site.ws(f"/ws/live/{code}/host/"), room["host"])
    ada = await Socket.open(site.ws(f"/ws/live/{code}/play/"), room["players"][0])
    try:
        await host.wait_for("players joined")
        await host.send_form(action="start")
        await ada.wait_for("Question 1 of 3")

        # Bob has no JavaScript: his answer is a form POST, served by gunicorn.
        async with httpx.AsyncClient(
            base_url=site.http, cookies={"sessionid": room["players"][1]}
        ) as bob:
            play = await bob.get(f"/live/{code}/play/")
            assert play.headers["server"] == "gunicorn"
            assert "Question 1 of 3" in play.text
            answered = await bob.post(
                f"/live/{code}/answer/",
                data={
                    "csrfmiddlewaretoken": re.search(
                        r'name="csrfmiddlewaretoken" value="([^"]+)"', play.text
                    )[1],
                    "question": re.search(r'name="question" value="(\d+)"', play.text)[1],
                    "choice": re.search(r'name="choice" value="(\d+)"', play.text)[1],
                },
            )
            assert answered.status_code == 302

        await host.wait_for("<strong>1</strong> of 2 answered")
    finally:
        for socket in (host, ada):
            await socket.close()


FORGED = [
    {"X-Real-IP": f"10.0.{n}.1", "X-Forwarded-For": f"10.0.{n}.1", "X-Forwarded-Proto": "https"}
    for n in range(61)
]


def test_a_client_forging_its_address_through_nginx_is_counted_by_its_own(site: Site) -> None:
    """BEHIND_PROXY=1 keys the limits on nginx's X-Real-IP: nginx must replace what a
    client sends, or a guesser would pick a new address for every try."""
    with httpx.Client(base_url=site.http) as guesser:
        form = guesser.get("/join")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        statuses = []
        # RATELIMIT_JOIN is 30 wrong codes a minute per address, in fixed windows: 61
        # tries fill one window past 30 even when they straddle a window's end.
        for forged in FORGED:
            statuses.append(
                guesser.post(
                    "/join",
                    data={"csrfmiddlewaretoken": token, "code": "000000", "nickname": "Eve"},
                    headers=forged,
                ).status_code
            )
            if statuses[-1] == 429:
                break
    assert statuses[-1] == 429
    assert statuses[:30] == [400] * 30


async def test_forged_addresses_on_the_socket_path_count_as_nginx_says(site: Site) -> None:
    room = site.cluster.prepare("live", "--players", str(SOCKETS_PER_ADDRESS + 2))
    code = room["code"]
    opened, refused = [], 0
    for key, forged in zip(room["players"], FORGED, strict=False):
        socket = await Socket.open(site.ws(f"/ws/live/{code}/play/"), key, headers=forged)
        try:
            await socket.wait_for("You're in", timeout=5)
            opened.append(socket)
        except Exception:
            refused += 1
            await socket.close()
    for socket in opened:
        await socket.close()
    assert len(opened) == SOCKETS_PER_ADDRESS
    assert refused == 2

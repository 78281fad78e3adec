"""Faults on the multi-process set-up: a server dies, Redis restarts, PostgreSQL drops out.

The live session's state is in PostgreSQL, so whichever process a client reaches
after a fault re-renders the same game; nothing is lost and nothing is half-written.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import websockets

from tests.cluster import Cluster, RedisServer, TcpProxy, running_cluster
from tests.factories import correct_choice, instructor, new_session_key, signed_in
from tests.wsclient import Socket, live_choice

QUESTION = re.compile(r'name="question" value="(\d+)"')


@pytest.fixture(scope="module")
def own_redis(artifacts_dir: Path) -> Iterator[RedisServer]:
    server = RedisServer(artifacts_dir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy()
    proxy.start()
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def cluster(
    artifacts_dir: Path, own_redis: RedisServer, postgres_proxy: TcpProxy
) -> Iterator[Cluster]:
    with running_cluster(
        2,
        artifacts_dir,
        name="quizsite_faults",
        redis_url=own_redis.url,
        postgres_port=postgres_proxy.port,
    ) as running:
        yield running


def scores(cluster: Cluster, code: str) -> dict[str, tuple[int, int]]:
    """Each player's stored score and the sum of their stored answers' points."""
    direct = re.sub(r":\d+/", ":5432/", cluster.database_url)  # around the proxy
    with psycopg.connect(direct) as db:
        rows = db.execute(
            "SELECT p.nickname, p.score, COALESCE(SUM(a.points), 0) FROM quiz_player p "
            "JOIN quiz_livesession s ON s.id = p.session_id AND s.join_code = %s "
            "LEFT JOIN quiz_liveanswer a ON a.player_id = p.id GROUP BY p.id",
            [code],
        ).fetchall()
    return {nickname: (score, points) for nickname, score, points in rows}


async def start_room(cluster: Cluster, players: int) -> dict[str, Any]:
    return await asyncio.to_thread(
        cluster.prepare, "live", "--players", str(players), "--seconds", "120"
    )


async def test_players_of_a_killed_process_reconnect_to_the_other_and_keep_their_scores(
    cluster: Cluster,
) -> None:
    room = await start_room(cluster, 2)
    code = room["code"]
    host = await Socket.open(cluster.ws(1, f"/ws/live/{code}/host/"), room["host"])
    ada = await Socket.open(cluster.ws(0, f"/ws/live/{code}/play/"), room["players"][0])
    await host.wait_for("joined")
    await ada.wait_for("You're in")
    await host.send_form(action="start")
    question = await ada.wait_for("Question 1 of 3")
    await ada.send_form(
        action="answer", question=QUESTION.search(question)[1], choice=live_choice(question, "C")
    )
    await ada.wait_for("Answer locked in")
    points, _ = scores(cluster, code)["player0"]  # the verdict waits for the reveal
    assert points > 0

    cluster.kill(0)
    with pytest.raises(websockets.ConnectionClosed):
        await ada.connection.recv()

    # htmx reconnects after an abnormal close; behind a proxy it reaches the survivor.
    ada = await Socket.open(cluster.ws(1, f"/ws/live/{code}/play/"), room["players"][0])
    again = await ada.wait_for("Answer locked in")
    assert "You chose" in again
    await host.send_form(action="reveal")
    reveal = await ada.wait_for("Correct!")
    assert f"with {points} points" in reveal
    assert scores(cluster, code)["player0"] == (points, points)
    for socket in (host, ada):
        await socket.close()
    cluster.start(0)


async def still_open_or_reconnected(socket: Socket, url: str, session_key: str) -> Socket:
    """What htmx does: keep a socket that survived, reopen one closed with a retry code."""
    try:
        while True:
            socket.received.append(await asyncio.wait_for(socket.connection.recv(), 3))
    except TimeoutError:
        return socket
    except websockets.ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else 1006
    assert code in (1006, 1011, 1012, 1013)  # htmx retries these
    return await Socket.open(url, session_key)


async def test_after_a_redis_restart_the_same_game_carries_on(
    cluster: Cluster, own_redis: RedisServer
) -> None:
    room = await start_room(cluster, 1)
    code = room["code"]
    host_url = cluster.ws(0, f"/ws/live/{code}/host/")
    ada_url = cluster.ws(1, f"/ws/live/{code}/play/")
    host = await Socket.open(host_url, room["host"])
    ada = await Socket.open(ada_url, room["players"][0])
    await host.wait_for("joined")
    await host.send_form(action="start")
    question = await ada.wait_for("Question 1 of 3")

    own_redis.stop()
    own_redis.start()  # empty: every group membership is gone

    host = await still_open_or_reconnected(host, host_url, room["host"])
    ada = await still_open_or_reconnected(ada, ada_url, room["players"][0])
    await ada.send_form(
        action="answer", question=QUESTION.search(question)[1], choice=live_choice(question, "C")
    )
    await host.wait_for("Top 5", timeout=15)  # the automatic reveal crosses processes again
    await ada.wait_for("Correct!", timeout=15)
    await host.send_form(action="next")
    await ada.wait_for("Question 2 of 3", timeout=15)
    for socket in (host, ada):
        await socket.close()


@pytest.mark.django_db(transaction=True)
async def test_a_live_socket_redraws_a_change_whose_announcement_was_lost(
    asgi_application: Any, test_quiz: Any, settings: Any
) -> None:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from live import services as live
    from tests.conftest import socket_headers

    settings.LIVE_HEARTBEAT_SECONDS = 0.2

    def prepare() -> tuple[Any, Any, str]:
        host = instructor("host")
        session = live.create_session(quiz=test_quiz, host=host)
        key = new_session_key()
        live.join(session=session, nickname="Ada", session_key=key)
        return host, session, key

    host, session, key = await sync_to_async(prepare)()
    ada = WebsocketCommunicator(
        asgi_application, f"/ws/live/{session.join_code}/play/", headers=socket_headers(key)
    )
    assert (await ada.connect())[0]
    assert "You're in" in await ada.receive_from(10)
    # The state changes but nobody announces it, as when Redis was down at that moment.
    await sync_to_async(live.advance)(session=session, actor=host)
    assert "Question 1 of 3" in await ada.receive_from(10)
    await ada.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_host_whose_groups_were_forgotten_still_closes_the_question_when_all_answered(
    asgi_application: Any, test_quiz: Any, settings: Any
) -> None:
    import redis.asyncio
    from asgiref.sync import sync_to_async
    from channels.layers import InMemoryChannelLayer, get_channel_layer
    from channels.testing import WebsocketCommunicator

    from live import services as live
    from tests.conftest import socket_headers

    settings.LIVE_HEARTBEAT_SECONDS = 0.2

    def prepare() -> tuple[Any, Any, str]:
        host = instructor("host")
        session = live.create_session(quiz=test_quiz, host=host, seconds_per_question=120)
        player = live.join(session=session, nickname="Ada", session_key=new_session_key())
        live.advance(session=session, actor=host)
        return session, player, signed_in(host).cookies["sessionid"].value

    session, ada, host_cookie = await sync_to_async(prepare)()
    host = WebsocketCommunicator(
        asgi_application, f"/ws/live/{session.join_code}/host/", headers=socket_headers(host_cookie)
    )
    assert (await host.connect())[0]
    assert "Question 1 of 3" in await host.receive_from(10)
    # What a Redis restart does to every group membership (channels_redis's own flush()
    # also closes the layer's connections under the open sockets).
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        layer.groups.clear()
    else:
        forget = redis.asyncio.Redis.from_url(settings.REDIS_URL)
        await forget.flushdb()
        await forget.aclose()

    def answer() -> None:
        question = live.questions_of(session)[0]
        live.submit_answer(
            player=ada, question_id=question.pk, choice_id=correct_choice(question).pk
        )

    await sync_to_async(answer)()
    while "Top 5" not in await host.receive_from(10):  # long before the 120 s deadline
        pass
    await host.disconnect()


async def test_postgresql_out_of_reach_gives_a_clear_message_and_no_partial_write(
    cluster: Cluster, postgres_proxy: TcpProxy
) -> None:
    room = await start_room(cluster, 2)
    code = room["code"]
    host = await Socket.open(cluster.ws(0, f"/ws/live/{code}/host/"), room["host"])
    ada = await Socket.open(cluster.ws(0, f"/ws/live/{code}/play/"), room["players"][0])
    await host.wait_for("joined")
    await host.send_form(action="start")
    question = await ada.wait_for("Question 1 of 3")
    answer = {"question": QUESTION.search(question)[1], "choice": live_choice(question, "C")}

    postgres_proxy.cut()
    try:
        await ada.send_form(action="answer", **answer)
        message = await ada.wait_for("Something went wrong on our side", timeout=30)
        assert "your earlier answers are safe" in message
        async with httpx.AsyncClient(base_url=cluster.http(1)) as browser:
            page = await browser.get("/lessons/asgi-vs-wsgi/")
            assert page.status_code == 500
    finally:
        postgres_proxy.start()

    assert scores(cluster, code)["player0"] == (0, 0)  # nothing half-written
    await ada.send_form(action="answer", **answer)
    await ada.wait_for("Answer locked in", timeout=30)
    points, stored = scores(cluster, code)["player0"]
    assert points == stored > 0
    for socket in (host, ada):
        await socket.close()

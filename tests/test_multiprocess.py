"""Two Daphne processes on PostgreSQL and Redis serve one class as if they were one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cluster import Cluster, running_cluster
from tests.wsclient import Socket, live_choice


@pytest.fixture(scope="module")
def cluster(artifacts_dir: Path) -> Iterator[Cluster]:
    with running_cluster(2, artifacts_dir) as running:
        yield running


async def test_a_player_on_process_a_moves_the_board_of_a_host_on_process_b(
    cluster: Cluster,
) -> None:
    room = cluster.prepare("live", "--players", "2", "--seconds", "60")
    code = room["code"]
    host = await Socket.open(cluster.ws(1, f"/ws/live/{code}/host/"), room["host"])
    ada = await Socket.open(cluster.ws(0, f"/ws/live/{code}/play/"), room["players"][0])
    bob = await Socket.open(cluster.ws(0, f"/ws/live/{code}/play/"), room["players"][1])
    try:
        await host.wait_for("players joined")
        await ada.wait_for("You're in")

        await host.send_form(action="start")
        question = await ada.wait_for("Question 1 of 3")
        await bob.wait_for("Question 1 of 3")
        question_id = re.search(r'name="question" value="(\d+)"', question)[1]
        asgi = live_choice(question, "C")

        await ada.send_form(action="answer", question=question_id, choice=asgi)
        await ada.wait_for("Answer locked in")
        await host.wait_for("<strong>1</strong> of 2 answered")

        await bob.send_form(action="answer", question=question_id, choice=asgi)
        board = await host.wait_for("Top 5")
        assert board.index("player0") < board.index("player1")
        await ada.wait_for("Correct answer: <strong>C: ASGI</strong>")
    finally:
        for socket in (host, ada, bob):
            await socket.close()


async def test_a_self_paced_attempt_started_on_a_continues_on_b(cluster: Cluster) -> None:
    async with httpx.AsyncClient(base_url=cluster.http(0), follow_redirects=True) as browser:
        page = await browser.get("/quiz/asgi-vs-wsgi-practice/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        started = await browser.post(
            "/quiz/asgi-vs-wsgi-practice/start/", data={"csrfmiddlewaretoken": token}
        )
        assert "Question 1 of 5" in started.text
        attempt_path = started.url.path
        question_id = re.search(r'name="question" value="(\d+)"', started.text)[1]
        answer_d = re.search(
            r'name="choice" value="(\d+)"><span class="letter" aria-hidden="true">D', started.text
        )[1]
        session_key = browser.cookies["sessionid"]

    socket = await Socket.open(cluster.ws(1, f"/ws{attempt_path}"), session_key)
    try:
        await socket.wait_for("Live feedback connected")
        await socket.send_form(action="answer", question=question_id, choice=answer_d)
        feedback = await socket.wait_for("Correct")
        assert "Step" not in feedback or "Solution" in feedback
        await socket.send_form(action="next")
        await socket.wait_for("Question 2 of 5")
    finally:
        await socket.close()

    async with httpx.AsyncClient(
        base_url=cluster.http(0), cookies={"sessionid": session_key}
    ) as browser:
        resumed = await browser.get(attempt_path)
        assert "Question 2 of 5" in resumed.text

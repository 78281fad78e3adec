"""Fair play in real Chromium: a page on another port cannot use a visitor's socket, and a
kicked player's browser cannot come back, not even with a new session, nor anybody
into a locked room."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect

from live.models import LiveSession
from quiz.models import Attempt
from tests.factories import instructor


class FreePrizes(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><h1>Free prizes</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[str]:
    """A page on the same host, another port: "same-site" to the browser, which sends
    the visitor's cookies with a socket it opens."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FreePrizes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_page_on_another_port_cannot_open_a_visitors_socket(
    new_context: Any, live_site: str, attacker: str
) -> None:
    context = new_context()
    page = context.new_page()
    page.goto("/quiz/asgi-vs-wsgi-practice/")
    page.get_by_role("button", name="Start practice").click()
    # The site's own page connects.
    expect(page.locator("#socket-status")).to_have_text("Live feedback connected")
    attempt = Attempt.objects.get()
    socket_url = f"ws://{urlsplit(live_site).netloc}/ws/attempts/{attempt.pk}/"

    prizes = context.new_page()
    prizes.goto(f"{attacker}/")
    outcome = prizes.evaluate(
        """url => new Promise(done => {
            const socket = new WebSocket(url);
            socket.onopen = () => done("open");
            socket.onclose = event => done("closed " + event.code);
        })""",
        socket_url,
    )

    assert outcome != "open"
    assert outcome == "closed 1006"  # the handshake was refused


def host_page(new_context: Any, live_site: str) -> Any:
    user = instructor("teacher", password=secrets.token_urlsafe(16))
    client = Client()
    client.force_login(user)
    context = new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_site}]
    )
    page = context.new_page()
    page.goto("/live/")
    page.get_by_label("Quiz").select_option(label="Performance quiz: ASGI vs WSGI")
    page.get_by_role("button", name="Open the lobby").click()
    return page


def join(page: Any, code: str, nickname: str) -> None:
    page.goto("/join")
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()


def test_a_kicked_browser_stays_out_and_a_locked_room_takes_nobody(
    new_context: Any, live_site: str
) -> None:
    host = host_page(new_context, live_site)
    code = LiveSession.objects.get().join_code
    troll_context = new_context(viewport={"width": 390, "height": 844})
    troll = troll_context.new_page()
    join(troll, code, "Troll")
    expect(troll.get_by_role("heading", name="You're in, Troll!")).to_be_visible()
    expect(host.locator("#host-players")).to_contain_text("Troll")

    host.get_by_role("button", name="Kick Troll").click()
    expect(troll.locator("#player-stage")).to_contain_text("removed")
    expect(troll.locator("#player-stage")).to_contain_text("nothing more is sent")
    expect(troll.locator("#socket-status")).not_to_contain_text("still sent and saved")
    troll_context.clear_cookies(name="sessionid")  # a fresh Django session, same browser
    join(troll, code, "Innocent")
    expect(troll.get_by_role("alert")).to_contain_text("The host removed you")
    expect(host.locator(".lobby-count")).to_contain_text("0 players joined")

    host.get_by_role("button", name="Lock the room").click()
    expect(host.locator(".room-locked")).to_contain_text("Room locked")
    latecomer = new_context().new_page()
    join(latecomer, code, "Late")
    expect(latecomer.get_by_role("alert")).to_contain_text("locked this room")

    host.get_by_role("button", name="Unlock the room").click()
    join(latecomer, code, "Late")
    expect(latecomer.get_by_role("heading", name="You're in, Late!")).to_be_visible()

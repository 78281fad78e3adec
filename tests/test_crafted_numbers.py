"""Ids and versions typed into URLs, forms and frames: characters that str.isdigit()
accepts but int() does not ("²"), other scripts' digits and numbers past any id are a
page or a notice, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from live import services as live
from live.models import LiveSession
from quiz.models import Quiz
from tests.conftest import socket_headers
from tests.factories import instructor

CRAFTED = ["²", "١٢", "9" * 30, str(2**63), "-1", "+1", "1_0", ""]


@pytest.fixture
def staff_client(db: None) -> Client:
    client = Client()
    client.force_login(instructor("teacher"))
    return client


def started_attempt(client: Client, quiz: Quiz) -> str:
    """The play page's URL of a new attempt."""
    return client.post(reverse("quiz:start", args=[quiz.slug]))["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", CRAFTED)
def test_the_practice_pages_answered_parameter(
    client: Client, practice_quiz: Quiz, value: str
) -> None:
    response = client.get(started_attempt(client, practice_quiz), {"answered": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", CRAFTED)
def test_the_live_pages_quiz_parameter(staff_client: Client, test_quiz: Quiz, value: str) -> None:
    assert staff_client.get(reverse("live:index"), {"quiz": value}).status_code == 200


@pytest.mark.parametrize("value", CRAFTED)
def test_kicking_a_crafted_player(staff_client: Client, test_quiz: Quiz, value: str) -> None:
    session = live.create_session(quiz=test_quiz, host=get_user_model().objects.get())
    response = staff_client.post(
        reverse("live:host_action", args=[session.join_code]), {"action": "kick", "player": value}
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("version", ["²", "9" * 30])
async def test_a_live_socket_with_a_crafted_version(
    asgi_application: Any, test_quiz: Quiz, version: str
) -> None:
    def open_room() -> tuple[LiveSession, str]:
        host = instructor("host")
        session = live.create_session(quiz=test_quiz, host=host)
        store = SessionStore()
        store.create()
        live.join(session=session, nickname="Ada", session_key=store.session_key)
        return session, store.session_key

    session, key = await sync_to_async(open_room)()
    socket = WebsocketCommunicator(
        asgi_application,
        f"/ws/live/{session.join_code}/play/?v={version}",
        headers=socket_headers(key),
    )
    assert (await socket.connect())[0]
    assert "You're in" in await socket.receive_from(10)
    await socket.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize("value", CRAFTED)
def test_a_crafted_answer_is_refused_as_an_unknown_question(
    client: Client, practice_quiz: Quiz, value: str
) -> None:
    attempt_url = started_attempt(client, practice_quiz)
    response = client.post(f"{attempt_url}answer/", {"question": value, "choice": value})
    assert response.status_code == 302
    assert "not part of this quiz" in client.get(response["Location"]).content.decode()

"""The live pages over plain HTTP, and sockets that do not redraw a page that is right."""

from __future__ import annotations

import re
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from live import services as live
from live.models import LiveAnswer, LiveSession
from quiz.models import Quiz
from tests.conftest import socket_headers
from tests.factories import instructor


def open_room(quiz: Quiz) -> tuple[Any, LiveSession, str]:
    host = instructor("host")
    session = live.create_session(quiz=quiz, host=host)
    store = SessionStore()
    store.create()
    live.join(session=session, nickname="Ada", session_key=store.session_key)
    return host, session, store.session_key


@pytest.mark.django_db
def test_a_player_without_javascript_answers_with_the_pages_own_form(test_quiz: Quiz) -> None:
    host, session, key = open_room(test_quiz)
    session = live.advance(session=session, actor=host)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = key
    page = browser.get(reverse("live:play", args=[session.join_code])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    correct = session.current_question.choices.get(is_correct=True)

    response = browser.post(
        reverse("live:answer", args=[session.join_code]),
        {"csrfmiddlewaretoken": token, "question": correct.question_id, "choice": correct.pk},
    )

    assert response.status_code == 302
    assert LiveAnswer.objects.get().is_correct
    after = browser.get(response["Location"]).content.decode()
    assert "Correct!" in after  # the only player answered, so the question closed


@pytest.mark.django_db(transaction=True)
async def test_a_socket_opened_by_an_up_to_date_page_does_not_redraw_it(
    asgi_application: Any, test_quiz: Quiz
) -> None:
    _, session, key = await sync_to_async(open_room)(test_quiz)
    path = f"/ws/live/{session.join_code}/play/"
    current = WebsocketCommunicator(
        asgi_application, f"{path}?v={session.version}", headers=socket_headers(key)
    )
    assert (await current.connect())[0]
    assert await current.receive_nothing(0.5)
    await current.disconnect()

    stale = WebsocketCommunicator(
        asgi_application, f"{path}?v={session.version - 1}", headers=socket_headers(key)
    )
    assert (await stale.connect())[0]
    assert "You're in" in await stale.receive_from(10)
    await stale.disconnect()


@pytest.mark.django_db
def test_an_instructor_starts_a_live_session_from_the_quizs_admin_page(
    test_quiz: Quiz, admin_client: Client
) -> None:
    change_page = admin_client.get(reverse("admin:quiz_quiz_change", args=[test_quiz.pk]))
    assert f"{reverse('live:index')}?quiz={test_quiz.pk}" in change_page.content.decode()

    response = admin_client.post(
        reverse("admin:quiz_quiz_changelist"),
        {"action": "start_live_session", "_selected_action": [test_quiz.pk]},
    )

    session = LiveSession.objects.get()
    assert session.quiz == test_quiz
    assert response.status_code == 302
    assert response["Location"] == reverse("live:host", args=[session.join_code])
    host_page = admin_client.get(response["Location"]).content.decode()
    assert session.join_code in host_page


@pytest.mark.django_db
def test_an_instructor_opens_a_lobby_from_the_live_page_with_speed_scoring_off(
    test_quiz: Quiz, admin_client: Client
) -> None:
    form = admin_client.get(reverse("live:index"), {"quiz": test_quiz.pk}).content.decode()
    assert "Seconds per question" in form

    response = admin_client.post(
        reverse("live:create"), {"quiz": test_quiz.pk, "seconds_per_question": 30}
    )

    session = LiveSession.objects.get()
    assert response["Location"] == reverse("live:host", args=[session.join_code])
    assert (session.seconds_per_question, session.speed_scoring, session.streak_bonus) == (
        30,
        False,
        False,
    )
    assert re.fullmatch(r"\d{6}", session.join_code)

"""Nobody gets in where they do not belong, and nothing leaks into a page."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from live import services as live
from live.models import LiveAnswer, LiveSession, Player
from quiz import services
from quiz.models import Question, Quiz
from tests.conftest import socket_headers
from tests.factories import instructor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> Iterator[None]:
    # Same counts as production, over a day: a fixed one-minute window could roll
    # over in the middle of a test and start counting again.
    settings.RATELIMIT_JOIN = "30/d"
    settings.RATELIMIT_LOGIN = "10/d"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db: None) -> Any:
    """An instructor (tests/factories.py)."""
    return instructor("teacher", password=secrets.token_urlsafe(16))


@pytest.fixture
def room(test_quiz: Quiz, staff: Any) -> dict[str, Any]:
    session = live.create_session(quiz=test_quiz, host=staff, seconds_per_question=60)
    store = SessionStore()
    store.create()
    player = live.join(
        session=session, nickname="<script>alert()</script>", session_key=store.session_key
    )
    return {"session": session, "player": player, "player_key": store.session_key}


@pytest.fixture
def staff_client(staff: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    return client


def forms_of(practice_quiz: Quiz, room: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    attempt = services.start_attempt(quiz=practice_quiz, session_key="k", user=None)
    code = room["session"].join_code
    return [
        (reverse("quiz:start", args=[practice_quiz.slug]), {}),
        (reverse("quiz:answer", args=[attempt.pk]), {"question": 1, "choice": 1}),
        (reverse("quiz:hint", args=[attempt.pk]), {"question": 1}),
        (reverse("live:create"), {"quiz": practice_quiz.pk, "seconds_per_question": 20}),
        (reverse("live:host_action", args=[code]), {"action": "start"}),
        (reverse("live:join"), {"code": code, "nickname": "Eve"}),
        (reverse("live:answer", args=[code]), {"question": 1, "choice": 1}),
        (reverse("admin:login"), {"username": "teacher", "password": "x"}),
    ]


def test_every_form_refuses_a_post_without_its_csrf_token(
    practice_quiz: Quiz, room: dict[str, Any], staff_client: Client
) -> None:
    for url, data in forms_of(practice_quiz, room):
        assert staff_client.post(url, data).status_code == 403, url
    assert LiveSession.objects.get().state == LiveSession.State.LOBBY
    assert Player.objects.count() == 1


def test_pages_forbid_inline_script_framing_and_referrer_leaks(
    client: Client, practice_quiz: Quiz
) -> None:
    response = client.get(reverse("lessons:detail", args=["asgi-vs-wsgi"]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_carries_an_inline_script_or_a_third_party_one(
    client: Client, practice_quiz: Quiz, room: dict[str, Any], staff: Any
) -> None:
    client.post(reverse("quiz:start", args=[practice_quiz.slug]))
    attempt = services.attempts_owned_by(session_key=client.session.session_key, user=None).get()
    pages = [
        reverse("lessons:index"),
        reverse("lessons:detail", args=["asgi-vs-wsgi"]),
        practice_quiz.get_absolute_url(),
        attempt.get_absolute_url(),
        reverse("quiz:my_attempts"),
        reverse("live:join"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts, url
        for tag in scripts:
            src = re.search(r'src="([^"]+)"', tag)
            assert src, f"inline script on {url}: {tag}"
            assert src[1].startswith("/static/"), f"third-party script on {url}: {tag}"


def test_a_players_nickname_stays_text_on_the_host_and_player_screens(
    room: dict[str, Any], staff: Any
) -> None:
    host = Client()
    host.force_login(staff)
    html = host.get(reverse("live:host", args=[room["session"].join_code])).content.decode()
    assert "<script>alert()</script>" not in html
    assert "&lt;script&gt;alert()&lt;/script&gt;" in html

    player = Client()
    player.cookies["sessionid"] = room["player_key"]
    html = player.get(reverse("live:play", args=[room["session"].join_code])).content.decode()
    assert "<script>alert()</script>" not in html
    assert "&lt;script&gt;alert()&lt;/script&gt;" in html


def test_host_controls_over_http_need_an_instructor(
    room: dict[str, Any], django_user_model: Any
) -> None:
    student = django_user_model.objects.create_user("student", password=secrets.token_urlsafe(16))
    signed_in = Client()
    signed_in.force_login(student)
    player = Client()
    player.cookies["sessionid"] = room["player_key"]
    code = room["session"].join_code
    for client in (Client(), signed_in, player):
        for action in ("start", "reveal", "end"):
            response = client.post(reverse("live:host_action", args=[code]), {"action": action})
            assert response.status_code == 302
            assert reverse("admin:login") in response["Location"]
        assert client.get(reverse("live:host", args=[code])).status_code == 302
        assert client.get(reverse("live:index")).status_code == 302
    session = LiveSession.objects.get()
    assert (session.state, session.version, session.ended_at) == ("lobby", 0, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["host", "play"])
async def test_live_sockets_from_a_foreign_origin_are_refused(
    asgi_application: Any, role: str, room: dict[str, Any]
) -> None:
    communicator = WebsocketCommunicator(
        asgi_application,
        f"/ws/live/{room['session'].join_code}/{role}/",
        headers=socket_headers(room["player_key"], origin=b"http://evil.example"),
    )
    connected, _ = await communicator.connect()
    assert not connected


def test_guessing_join_codes_is_slowed_down(client: Client, room: dict[str, Any]) -> None:
    for guess in range(30):
        response = client.post(reverse("live:join"), {"code": f"{guess:06d}", "nickname": "Eve"})
        assert response.status_code == 400
    response = client.post(
        reverse("live:join"), {"code": room["session"].join_code, "nickname": "Eve"}
    )
    assert response.status_code == 429
    assert "Too many join attempts" in response.content.decode()
    assert not Player.objects.filter(nickname="Eve").exists()


@pytest.mark.parametrize("page", ["live:play", "live:answer"])
def test_the_player_pages_do_not_tell_open_codes_from_unknown_ones(
    client: Client, room: dict[str, Any], page: str
) -> None:
    """Else a guesser would probe them instead of the rate-limited join form."""
    unknown = "000000" if room["session"].join_code != "000000" else "999999"
    method = client.get if page == "live:play" else client.post
    answers = {
        code: method(reverse(page, args=[code]))
        for code in (room["session"].join_code, unknown, "x" * 40)
    }
    for code, response in answers.items():
        assert response.status_code == 302, code
        assert response["Location"] == f"{reverse('live:join')}?code={code}"


def test_behind_a_proxy_a_class_joining_through_it_is_not_one_guesser(
    client: Client, room: dict[str, Any], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.RATELIMIT_IP_META_KEY = "quiz.clients.client_ip"  # BEHIND_PROXY=1
    for student in range(31):
        response = client.post(
            reverse("live:join"),
            {"code": room["session"].join_code, "nickname": f"Student {student}"},
            REMOTE_ADDR="127.0.0.1",  # every request comes from nginx
            HTTP_X_REAL_IP=f"10.0.0.{student + 1}",
        )
        assert response.status_code == 302, student
    for guess in range(30):
        client.post(
            reverse("live:join"),
            {"code": f"{guess:06d}", "nickname": "Eve"},
            HTTP_X_REAL_IP="10.9.9.9",
        )
    response = client.post(
        reverse("live:join"),
        {"code": room["session"].join_code, "nickname": "Eve"},
        HTTP_X_REAL_IP="10.9.9.9",
    )
    assert response.status_code == 429
    assert "join rate limit hit from 127.0.0.1 (X-Real-IP 10.9.9.9)" in caplog.text


def test_behind_a_proxy_a_request_without_a_usable_x_real_ip_counts_by_its_peer(
    client: Client, room: dict[str, Any], settings: Any
) -> None:
    settings.RATELIMIT_IP_META_KEY = "quiz.clients.client_ip"
    headers: list[dict[str, Any]] = [{}, {"HTTP_X_REAL_IP": "not an address"}]
    for header in headers:
        response = client.post(
            reverse("live:join"), {"code": "000000", "nickname": "Eve"}, **header
        )
        assert response.status_code == 400  # a wrong code, not a server error


def test_guessing_admin_passwords_is_slowed_down(client: Client, staff: Any) -> None:
    for _ in range(10):
        response = client.post(reverse("admin:login"), {"username": "teacher", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(reverse("admin:login"), {"username": "teacher", "password": "wrong"})
    assert response.status_code == 429


def test_deleting_a_question_with_live_answers_is_refused_in_the_admin(
    room: dict[str, Any], staff: Any
) -> None:
    session = live.advance(session=room["session"], actor=staff)
    question: Question = session.current_question
    live.submit_answer(
        player=room["player"],
        question_id=question.pk,
        choice_id=question.choices.get(is_correct=True).pk,
    )
    admin = Client()
    staff.is_superuser = True
    staff.save()
    admin.force_login(staff)
    url = reverse("admin:quiz_question_delete", args=[question.pk])
    page = admin.get(url)
    assert page.status_code == 200
    assert "protected" in page.content.decode()
    admin.post(url, {"post": "yes"})
    assert Question.objects.filter(pk=question.pk).exists()
    assert LiveAnswer.objects.filter(question=question).count() == 1
    assert get_user_model().objects.filter(pk=staff.pk).exists()

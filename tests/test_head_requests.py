"""HEAD, which link checkers, uptime monitors and `curl -I` send, answers like GET without
the body on every page a visitor can open (RFC 9110, 9.3.2)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/lessons/asgi-vs-wsgi/",
    "/quiz/asgi-vs-wsgi-practice/",
    "/quiz/asgi-vs-wsgi-performance/",
    "/attempts/",
    "/join",
]


@pytest.mark.parametrize("path", PAGES)
def test_head_answers_like_get_without_a_body(client: Client, seeded: None, path: str) -> None:
    got = client.get(path)
    head = client.head(path)

    assert got.status_code == 200
    assert head.status_code == 200
    assert head["Content-Type"] == got["Content-Type"]
    assert head.content == b""


def test_an_unknown_lesson_is_still_not_found_by_head(client: Client, seeded: None) -> None:
    assert client.head("/lessons/no-such-lesson/").status_code == 404


def test_a_form_action_still_refuses_head(client: Client, seeded: None) -> None:
    assert client.head("/quiz/asgi-vs-wsgi-practice/start/").status_code == 405

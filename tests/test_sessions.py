"""The session engine (quizsite/sessions.py): a session created by a request is written
once, and every later change is still written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from live import services
from quiz.models import Quiz
from quizsite.sessions import SessionStore
from tests.factories import instructor

pytestmark = pytest.mark.django_db


def session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"].split()[0]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].split()[0] in ("INSERT", "UPDATE")
    ]


def test_joining_writes_the_new_session_once_and_the_browser_keeps_it(test_quiz: Quiz) -> None:
    session = services.create_session(quiz=test_quiz, host=instructor())
    browser = Client()
    with CaptureQueriesContext(connection) as queries:
        joined = browser.post(reverse("live:join"), {"code": session.join_code, "nickname": "Ada"})
    assert joined.status_code == 302
    assert session_writes(queries) == ["INSERT"]
    assert "You're in" in browser.get(joined["location"]).content.decode()


def test_a_change_after_the_first_write_is_written() -> None:
    store = SessionStore()
    store["browser"] = True
    store.save()
    store.save()  # unchanged: nothing to write
    store["nickname"] = "Ada"
    store.save()
    assert SessionStore(session_key=store.session_key)["nickname"] == "Ada"


def test_a_loaded_session_that_changes_is_written() -> None:
    store = SessionStore()
    store["browser"] = True
    store.save()
    again = SessionStore(session_key=store.session_key)
    again["attempt"] = 7
    again.save()
    assert SessionStore(session_key=store.session_key)["attempt"] == 7

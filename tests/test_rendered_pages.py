"""No page shows template syntax to its reader: every page a student, a player, an
instructor and a host reach with the seed content, rendered, holds no `{#`, `{%` or
`{{` outside its code samples (a multi-line `{# #}` comment once showed as text under
the lesson's subtitle)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from live import presenters
from live import services as live
from live.models import LiveSession
from quiz import services
from quiz.models import Attempt, Question, Quiz
from tests.factories import answer_all, correct_choice, instructor, ordered_questions, signed_in

pytestmark = pytest.mark.django_db

TEMPLATE_SYNTAX = re.compile(r"\{#|\{%|\{\{")
CODE = re.compile(r"<(pre|code|script|textarea)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def leaked_syntax(html: str) -> list[str]:
    outside_code = CODE.sub("", html)
    return [
        outside_code[max(0, m.start() - 60) : m.end() + 60]
        for m in TEMPLATE_SYNTAX.finditer(outside_code)
    ]


def read(browser: Client, url: str) -> str:
    response = browser.get(url, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


def student_pages(browser: Client) -> Iterator[str]:
    yield reverse("lessons:index")
    yield reverse("lessons:detail", args=["asgi-vs-wsgi"])
    for quiz in Quiz.objects.all():
        yield quiz.get_absolute_url()
        started = browser.post(reverse("quiz:start", args=[quiz.slug]))
        play = started["location"]
        yield play
        attempt = Attempt.objects.get(pk=play.rstrip("/").rsplit("/", 1)[1])
        if not quiz.is_practice:
            yield reverse("quiz:overview", args=[attempt.pk])
        answer_all(attempt)
        yield reverse("quiz:results", args=[attempt.pk])
    yield reverse("quiz:my_attempts")
    yield reverse("live:join")


def test_no_student_page_shows_template_syntax(seeded: None) -> None:
    browser = Client()
    for url in student_pages(browser):
        assert leaked_syntax(read(browser, url)) == [], url


def test_no_live_page_shows_template_syntax_at_any_stage(test_quiz: Quiz) -> None:
    host = instructor("host")
    teacher = signed_in(host)
    session = live.create_session(quiz=test_quiz, host=host)
    player = Client()
    player.post(reverse("live:join"), {"code": session.join_code, "nickname": "Ada"})
    pages = [
        (player, reverse("live:play", args=[session.join_code])),
        (teacher, reverse("live:host", args=[session.join_code])),
        (teacher, reverse("live:index")),
    ]
    first: Question = ordered_questions(test_quiz)[0]
    shown = set()
    for stage in ("lobby", "question", "answered", "reveal", "finished"):
        session = LiveSession.objects.get(pk=session.pk)
        if stage == "question":
            live.advance(session=session, actor=host)
        elif stage == "answered":
            ada = session.players.get()
            live.submit_answer(player=ada, question_id=first.pk, choice_id=correct_choice(first).pk)
        elif stage == "reveal" and session.state == LiveSession.State.QUESTION:
            live.reveal(session=session, actor=host)  # unless all answered revealed it
        elif stage == "finished":
            live.end(session=session, actor=host)
        session = LiveSession.objects.get(pk=session.pk)
        if session.ended_at is None:  # an ended session's pages are gone; its screens stay
            for browser, url in pages:
                assert leaked_syntax(read(browser, url)) == [], (stage, url)
        screens = [
            presenters.render_host(session),
            presenters.render_player(
                session_id=session.pk, version=session.version, player=session.players.get()
            ),
        ]
        for screen in screens:
            assert leaked_syntax(screen) == [], stage
        shown.add(session.state)
    assert shown == set(LiveSession.State.values)


def test_no_authoring_page_shows_template_syntax(seeded: None) -> None:
    author = signed_in(User.objects.create_superuser("author", password=None))
    quiz = Quiz.objects.first()
    assert quiz is not None
    attempt = services.start_attempt(quiz=quiz, session_key="k", user=None)
    urls = [reverse("admin:index"), reverse("quiz:preview", args=[quiz.questions.first().pk])]
    for name, obj in (
        ("lessons_lesson", quiz.lesson),
        ("quiz_quiz", quiz),
        ("quiz_question", quiz.questions.first()),
        ("quiz_attempt", attempt),
    ):
        urls += [
            reverse(f"admin:{name}_changelist"),
            reverse(f"admin:{name}_change", args=[obj.pk]),
        ]
        if name != "quiz_attempt":
            urls.append(reverse(f"admin:{name}_add"))
    for url in urls:
        assert leaked_syntax(read(author, url)) == [], url


def test_the_check_finds_a_comment_shown_as_text() -> None:
    shown = '<p class="lead">Lesson</p>\n  {# Everything below changes only when\n  #}'
    assert leaked_syntax(shown)
    assert leaked_syntax("<pre>{{ not a leak }}</pre><code>{% neither %}</code>") == []

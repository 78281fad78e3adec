"""Content an instructor writes in the admin is text, never markup: hostile HTML and
script in every field of a lesson, its sections, a quiz, its questions and options
reach every page a student, a host or a player sees escaped, or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Section
from live import services as live
from quiz.models import Attempt, Choice, Question, Quiz
from tests.factories import join, new_session_key

pytestmark = pytest.mark.django_db

ATTACKS = [
    '<script>alert("pwned")</script>',
    '"><img src=x onerror=alert(1)>',
    "</textarea></pre><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{% load static %}{{ request.session }}",
]
RAW = ["<script>alert", "<img src=x", "<svg onload", "onerror=alert(1)>"]


def hostile(field: str) -> str:
    return f"{field} " + " ".join(ATTACKS)


def create(model: Any, **fields: Any) -> Any:
    """A row with these values, each string cut to its column's length: PostgreSQL
    refuses a longer one (SQLite would keep it), and what fits is still hostile."""
    for name, value in fields.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit:
            fields[name] = value[:limit]
    return model.objects.create(**fields)


@pytest.fixture
def hostile_quiz(teacher: Any) -> Quiz:
    lesson = create(
        Lesson,
        slug="hostile",
        title=hostile("title"),
        category=hostile("category"),
        summary=hostile("summary"),
    )
    create(
        Section,
        lesson=lesson,
        order=1,
        heading=hostile("heading"),
        body=hostile("body") + "\n\n" + hostile("second paragraph"),
        code=hostile("code"),
        language=hostile("language"),
        caption=hostile("caption"),
        items=[hostile("item")],
        table={"columns": [hostile("column"), "b"], "rows": [[hostile("cell"), "x"]]},
        definitions=[{"term": hostile("term"), "text": hostile("definition")}],
        callout_tone='info" onmouseover="alert(1)',
        callout_title=hostile("callout title"),
        callout_text=hostile("callout"),
    )
    quiz = create(
        Quiz,
        lesson=lesson,
        slug="hostile-quiz",
        title=hostile("quiz"),
        description=hostile("description"),
        review=Quiz.Review.FULL,
    )
    question = create(
        Question,
        quiz=quiz,
        order=1,
        prompt=hostile("prompt"),
        code=hostile("question code"),
        difficulty="easy",
        hint=hostile("hint"),
        solution_steps=hostile("step") + "\n" + hostile("step text"),
        final_answer=hostile("final"),
        quick_check=hostile("check")[:300],
        common_mistakes=hostile("mistake"),
    )
    create(Choice, question=question, order=1, text=hostile("right"), is_correct=True)
    create(Choice, question=question, order=2, text=hostile("wrong"), feedback=hostile("fb"))
    return quiz


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} unescaped on {where}"
    assert 'onmouseover="alert' not in html, where


def test_every_student_page_shows_hostile_content_as_text(
    client: Client, hostile_quiz: Quiz
) -> None:
    pages = {
        "lesson index": client.get(reverse("lessons:index")),
        "lesson": client.get(hostile_quiz.lesson.get_absolute_url()),
        "quiz": client.get(hostile_quiz.get_absolute_url()),
    }
    client.post(reverse("quiz:start", args=[hostile_quiz.slug]))
    attempt = Attempt.objects.get()
    pages["play"] = client.get(attempt.get_absolute_url())
    question = hostile_quiz.questions.get()
    wrong = question.choices.get(is_correct=False)
    client.post(reverse("quiz:hint", args=[attempt.pk]), {"question": question.pk})
    pages["hint"] = client.get(attempt.get_absolute_url())
    client.post(
        reverse("quiz:answer", args=[attempt.pk]), {"question": question.pk, "choice": wrong.pk}
    )
    pages["results"] = client.get(attempt.get_results_url())
    pages["my attempts"] = client.get(reverse("quiz:my_attempts"))

    for where, response in pages.items():
        assert response.status_code == 200, where
        html = response.content.decode()
        assert_escaped(html, where)
    assert (
        "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in pages["results"].content.decode()
    )


def test_the_live_screens_show_hostile_content_as_text(hostile_quiz: Quiz, teacher: Any) -> None:
    session = live.create_session(quiz=hostile_quiz, host=teacher)
    key = new_session_key()
    join(session, "Ada", key)
    host, player = Client(), Client()
    host.force_login(teacher)
    player.cookies["sessionid"] = key
    screens: dict[str, str] = {}
    for state in ("lobby", "question", "reveal", "finished"):
        screens[f"host {state}"] = host.get(
            reverse("live:host", args=[session.join_code])
        ).content.decode()
        screens[f"player {state}"] = player.get(
            reverse("live:play", args=[session.join_code])
        ).content.decode()
        session.refresh_from_db()
        if state == "question":
            live.reveal(session=session, actor=teacher)
        elif state != "finished":
            live.advance(session=session, actor=teacher)

    for where, html in screens.items():
        assert_escaped(html, where)
    assert 'class="highlight"' in screens["player question"]  # the code sample is there


def test_the_admin_shows_hostile_content_as_text(hostile_quiz: Quiz, admin_client: Client) -> None:
    question = hostile_quiz.questions.get()
    for url in (
        reverse("admin:quiz_quiz_changelist"),
        reverse("admin:quiz_question_change", args=[question.pk]),
        reverse("admin:lessons_lesson_change", args=[hostile_quiz.lesson.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert_escaped(response.content.decode(), url)


def test_highlighted_code_is_escaped_by_pygments() -> None:
    from lessons.highlight import highlight_code

    html = highlight_code('</pre><script>alert("x")</script>', "python")
    assert "<script>" not in html
    assert "&lt;/</span>" in html  # the code's own characters, escaped

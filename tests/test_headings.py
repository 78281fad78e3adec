"""Screen-reader users move through a page by its headings: one h1, and no level skipped
on the way down (WCAG 2.2, 1.3.1), on every page a student reads."""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client
from django.urls import reverse

from live import services as live
from quiz import presenters
from quiz.models import Attempt, Quiz
from tests.factories import instructor

HEADING = re.compile(r"<h([1-6])[\s>]")


def levels(html: str) -> list[int]:
    return [int(level) for level in HEADING.findall(html)]


def assert_well_ordered(html: str) -> None:
    found = levels(html)
    assert found.count(1) == 1, found
    for before, after in itertools.pairwise(found):
        assert after <= before + 1, found


def answer_all(client: Client, quiz: Quiz) -> Attempt:
    started = client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    for question in quiz.questions.order_by("order"):
        choice = question.choices.get(is_correct=True)
        client.post(
            reverse("quiz:answer", args=[attempt.pk]),
            {"question": question.pk, "choice": choice.pk},
        )
    if not quiz.is_practice:  # a test finishes when it is submitted
        client.post(reverse("quiz:submit", args=[attempt.pk]), {"confirm": "on"})
    assert started.status_code == 302
    attempt.refresh_from_db()
    return attempt


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/lessons/asgi-vs-wsgi/", "/quiz/asgi-vs-wsgi-practice/", "/join"]
)
def test_the_reading_pages(client: Client, seeded: None, path: str) -> None:
    assert_well_ordered(client.get(path).content.decode())


def test_a_practice_answers_feedback_with_its_solution(client: Client, practice_quiz: Quiz) -> None:
    client.post(reverse("quiz:start", args=[practice_quiz.slug]))
    attempt = Attempt.objects.get()
    question = practice_quiz.questions.order_by("order").first()
    wrong = question.choices.filter(is_correct=False).first()
    client.post(
        reverse("quiz:answer", args=[attempt.pk]), {"question": question.pk, "choice": wrong.pk}
    )
    html = client.get(f"{attempt.get_absolute_url()}?answered={question.pk}").content.decode()
    assert "Solution" in html
    assert_well_ordered(html)


def test_the_results_review_with_a_solution_per_question(client: Client, test_quiz: Quiz) -> None:
    Quiz.objects.filter(pk=test_quiz.pk).update(review=Quiz.Review.FULL)
    attempt = answer_all(client, test_quiz)
    html = client.get(attempt.get_results_url()).content.decode()
    assert "Common mistakes" in html
    assert_well_ordered(html)
    # Each question's solution sits under that question's heading, not beside it.
    assert html.count("<h4>Solution</h4>") == test_quiz.questions.count()


def labels_resolve(html: str) -> None:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    for labelled_by in re.findall(r'aria-labelledby="([^"]+)"', html):
        assert set(labelled_by.split()) <= ids, labelled_by


def test_every_aria_labelledby_names_an_element_on_the_page(
    client: Client, test_quiz: Quiz
) -> None:
    client.post(reverse("quiz:start", args=[test_quiz.slug]))
    labels_resolve(client.get(Attempt.objects.get().get_absolute_url()).content.decode())


def test_the_last_screen_of_a_test_names_its_section_too(client: Client, test_quiz: Quiz) -> None:
    """No question is left there to name it; this screen arrives over the socket."""
    attempt = answer_all(client, test_quiz)
    fragments = presenters.render_fragments(presenters.play_state(attempt))
    assert "All questions answered" in fragments
    labels_resolve(fragments)


def test_a_live_players_reveal_screen(client: Client, test_quiz: Quiz) -> None:
    host = instructor("host")
    session = live.create_session(quiz=test_quiz, host=host)
    client.get("/join")  # a session for this browser
    client.post("/join", {"code": session.join_code, "nickname": "Ada"})
    session = live.advance(session=session, actor=host)
    live.reveal(session=session, actor=host)
    html = client.get(f"/live/{session.join_code}/play/").content.decode()
    assert "Solution" in html
    assert_well_ordered(html)


def test_a_tests_question_map_and_overview(client: Client, test_quiz: Quiz) -> None:
    client.post(reverse("quiz:start", args=[test_quiz.slug]))
    attempt = Attempt.objects.get()
    play = client.get(attempt.get_absolute_url()).content.decode()
    assert "Questions</h2>" in play
    assert_well_ordered(play)
    labels_resolve(play)
    overview = client.get(reverse("quiz:overview", args=[attempt.pk])).content.decode()
    assert_well_ordered(overview)
    labels_resolve(overview)

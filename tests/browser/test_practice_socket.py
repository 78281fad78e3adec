"""A student takes the practice quiz in Chromium, with feedback over the WebSocket."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from quiz.models import Attempt, Quiz

PRACTICE_ANSWERS = [
    "WSGI handles synchronous requests, ASGI supports asynchronous and real-time features.",
    "application = get_asgi_application()",
    "The WebSocket connection is accepted and ready to receive messages asynchronously.",
    "You imported get_asgi_application but called get_wsgi_application, causing a NameError.",
    "Use ASGI because it supports asynchronous HTTP and WebSocket connections.",
]


def start_practice(page: Any) -> None:
    page.goto("/lessons/asgi-vs-wsgi/")
    page.get_by_role("link", name="ASGI vs WSGI: practice").first.click()
    page.get_by_role("button", name="Start practice").click()
    expect(page.locator("#socket-status")).to_have_text("Live feedback connected")


def test_whole_practice_quiz_gets_feedback_over_the_socket_without_navigating(
    page: Any, artifacts_dir: Any
) -> None:
    start_practice(page)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    frames_received: list[str] = []
    page.evaluate("window.stillTheSamePage = true")

    for number, answer in enumerate(PRACTICE_ANSWERS, start=1):
        expect(page.locator("#progress")).to_contain_text(f"Question {number} of 5")
        # Answer wrong on question 2 to see the wrong-option feedback.
        if number == 2:
            page.get_by_role("button", name="application = get_wsgi_application()").click()
            expect(page.locator("#verdict")).to_contain_text("Incorrect")
            expect(page.locator("#verdict")).to_contain_text(answer)
            expect(page.locator("#feedback")).to_contain_text("About your answer (A)")
        else:
            page.get_by_role("button", name=answer).click()
            expect(page.locator("#verdict")).to_contain_text("Correct")
        feedback = page.locator("#feedback")
        expect(feedback).to_contain_text("Solution")
        expect(feedback).to_contain_text("Final answer")
        expect(feedback).to_contain_text("Quick check")
        expect(feedback).to_contain_text("Common mistakes")
        expect(page.locator("#question .is-correct")).to_contain_text(answer)
        frames_received.append(page.locator("#verdict").inner_text())
        if number < 5:
            page.get_by_role("button", name="Next question").click()

    expect(page.locator("#progress")).to_contain_text("Score: 4 of 5")
    assert page.evaluate("window.stillTheSamePage") is True
    assert navigations == []
    page.screenshot(path=str(artifacts_dir / "practice-finished.png"), full_page=True)

    page.get_by_role("link", name="See your results").click()
    expect(page.get_by_text("You scored 4 of 5")).to_be_visible()
    attempt = Attempt.objects.get(quiz=Quiz.objects.get(slug="asgi-vs-wsgi-practice"))
    assert attempt.is_finished
    assert attempt.responses.count() == 5
    assert re.search("Incorrect", frames_received[1])

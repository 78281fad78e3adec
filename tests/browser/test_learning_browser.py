"""A learner in Chromium: an account that keeps progress, "Test this pattern" to its
verdict, and a review run with feedback over the socket."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from learning.models import ReviewCard
from quiz.models import Attempt, AttemptQuestion, Question, Quiz

LESSON = "/lessons/asgi-vs-wsgi/"
PASSWORD = "correct horse battery staple"
ATTEMPT_URL = re.compile(r"/attempts/([0-9a-f-]{36})/")


def correct_text(question: Question) -> str:
    return question.choices.get(is_correct=True).text


def wrong_text(question: Question) -> str:
    return question.choices.filter(is_correct=False).order_by("order").first().text


def attempt_on(page: Any) -> Attempt:
    match = ATTEMPT_URL.search(page.url)
    assert match, page.url
    return Attempt.objects.get(pk=match.group(1))


def drawn_questions(attempt: Attempt) -> list[Question]:
    rows = AttemptQuestion.objects.filter(attempt=attempt).select_related("question")
    return [row.question for row in rows.order_by("order")]


def wait_for_socket(page: Any) -> None:
    expect(page.locator("#socket-status")).to_have_text("Live feedback connected")


def choose(page: Any, text: str) -> None:
    page.locator("#question").get_by_role("button", name=text, exact=True).click()


def practise_with_one_mistake(page: Any, *, socket: bool = True) -> None:
    """The practice quiz (over the socket unless JavaScript is off), question 2 wrong."""
    page.goto("/quiz/asgi-vs-wsgi-practice/")
    page.get_by_role("button", name="Start practice").click()
    if socket:
        wait_for_socket(page)
    questions = list(Quiz.objects.get(slug="asgi-vs-wsgi-practice").questions.order_by("order"))
    for number, question in enumerate(questions, start=1):
        expect(page.locator("#progress")).to_contain_text(f"Question {number} of 5")
        choose(page, wrong_text(question) if number == 2 else correct_text(question))
        expect(page.locator("#verdict")).to_contain_text("Incorrect" if number == 2 else "Correct")
        if number < 5:
            page.get_by_role("button", name="Next question").click()


def test_an_account_keeps_mastery_and_due_reviews_across_sign_out_and_in(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out (ada)")).to_be_visible()

    practise_with_one_mistake(page)
    # A minute later the wrong answer is due (FSRS's first relearning step).
    ReviewCard.objects.filter(last_rating=1).update(due=timezone.now() - timedelta(seconds=1))

    page.goto(LESSON)
    panel = page.locator(".learning-panel")
    expect(panel).to_contain_text("from 5 answers")
    expect(panel).to_contain_text(re.compile("Strong|Getting there|Needs work"))
    expect(panel.get_by_role("button", name="Review what is due (1)")).to_be_visible()
    expect(panel.get_by_role("button", name="Retry my mistakes (1)")).to_be_visible()
    page.goto("/")
    expect(page.locator(".due-summary")).to_have_text("1 question due for review")

    page.get_by_role("button", name="Sign out (ada)").click()
    page.goto(LESSON)
    expect(page.locator(".learning-panel")).to_contain_text("Not enough evidence yet")

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    lesson = page.locator(".progress-list .card").first
    expect(lesson).to_contain_text("from 5 answers")
    expect(lesson.locator(".facts")).to_contain_text("Due for review1")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts_dir / "learning-progress-phone.png"), full_page=True)


def test_test_this_pattern_runs_as_a_test_over_the_socket_and_gives_a_verdict(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto(LESSON)
    page.get_by_role("link", name="Test this pattern").click()
    page.get_by_role("button", name="Start: Test this pattern").click()
    wait_for_socket(page)
    questions = drawn_questions(attempt_on(page))
    assert [q.difficulty for q in questions] == ["easy"] * 3 + ["medium"] * 3 + ["hard"] * 2
    url = page.url
    for number, question in enumerate(questions, start=1):
        expect(page.locator("#progress")).to_contain_text(f"Question {number} of 8")
        choose(page, correct_text(question))
        expect(page.locator("#verdict")).to_have_text("Answer saved.")
        expect(page.locator("main")).not_to_contain_text("Correct")
    assert page.url == url  # every answer went over the socket
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_label("I am ready: submit all my answers").check()
    page.get_by_role("button", name="Submit all").click()
    expect(page.get_by_text("You scored 8 of 8")).to_be_visible()
    verdict = page.locator(".pattern-verdict")
    expect(verdict).to_contain_text("Yes: this pattern is strong.")
    expect(verdict).to_contain_text("Hard 2 right")
    page.screenshot(path=str(artifacts_dir / "learning-pattern-verdict.png"), full_page=True)


def test_a_review_run_from_the_review_page_gets_feedback_over_the_socket(page: Any) -> None:
    practise_with_one_mistake(page)
    ReviewCard.objects.filter(last_rating=1).update(due=timezone.now() - timedelta(seconds=1))

    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.locator(".due-total")).to_have_text("1 question due for review across all lessons.")
    page.get_by_role("button", name="Review ASGI vs WSGI").click()
    wait_for_socket(page)
    url = page.url
    (question,) = drawn_questions(attempt_on(page))
    expect(page.locator("#progress")).to_contain_text("Question 1 of 1")
    choose(page, correct_text(question))
    expect(page.locator("#verdict")).to_contain_text("Correct")
    expect(page.locator("#feedback")).to_contain_text("Solution")
    assert page.url == url
    page.goto("/review/")
    expect(page.locator(".due-total")).to_have_text(
        "0 questions due for review across all lessons."
    )


def test_retry_my_mistakes_works_with_javascript_disabled(new_context: Any) -> None:
    page = new_context(java_script_enabled=False).new_page()
    sockets: list[Any] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    practise_with_one_mistake(page, socket=False)

    page.goto(LESSON)
    page.get_by_role("button", name="Retry my mistakes (1)").click()
    (question,) = drawn_questions(attempt_on(page))
    expect(page.locator("#progress")).to_contain_text("Question 1 of 1")
    choose(page, correct_text(question))
    expect(page).to_have_url(re.compile(r"\?answered=\d+$"))  # a page load, not a swap
    expect(page.locator("#verdict")).to_contain_text("Correct")
    page.get_by_role("link", name="See your results").first.click()
    expect(page.get_by_text("You scored 1 of 1")).to_be_visible()

    page.goto(LESSON)
    expect(page.locator(".learning-panel")).to_contain_text(
        "Retry my mistakes: none, your latest answers are right."
    )
    assert sockets == []


def test_a_keyboard_only_student_signs_in_and_tests_the_pattern(page: Any) -> None:
    User.objects.create_user("ada", password=PASSWORD)
    page.goto("/")
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    tab_to_field(page, "id_username")
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()

    page.goto(LESSON)
    tab_to(page, "Test this pattern")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Test this pattern")).to_be_visible()
    tab_to(page, "Start: Test this pattern")
    page.keyboard.press("Enter")
    wait_for_socket(page)
    first = drawn_questions(attempt_on(page))[0]
    tab_to_choice(page, correct_text(first))
    page.keyboard.press("Space")
    expect(page.locator("#verdict")).to_have_text("Answer saved.")
    expect(page.locator("#progress")).to_contain_text("Question 2 of 8")
    assert attempt_on(page).user is not None


def focused_text(page: Any) -> str:
    return page.evaluate(
        "() => document.activeElement ? document.activeElement.innerText.trim() : ''"
    )


def tab_to(page: Any, text: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's text contains `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in focused_text(page):
            return
    pytest.fail(f"{limit} presses of Tab never reached {text!r}")


def tab_to_choice(page: Any, text: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element is the answer button whose option is `text`."""
    script = "() => document.activeElement?.querySelector('.choice-text')?.innerText.trim()"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(script) == text:
            return
    pytest.fail(f"{limit} presses of Tab never reached the option {text!r}")


def tab_to_field(page: Any, element_id: str, *, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"{limit} presses of Tab never reached #{element_id}")

"""A student takes a test in Chromium: answers, jumps ahead and back, changes an answer,
flags a question, checks the overview and submits; with the socket and without JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt, QuestionFlag, Response
from tests.browser.test_selfpaced_browser import (
    REVEALING_MARKUP,
    TEST_ANSWERS,
    TEST_URL,
    TEST_WRONG_ON_Q2,
    wait_for_socket,
)

FIRST_WRONG = "WSGI"  # a wrong option of question 1, whose right one is "ASGI"


def option(page: Any, text: str) -> Any:
    return page.locator("#question button.choice").filter(has_text=text).first


def on_question(page: Any, number: int) -> None:
    expect(page.locator("#progress")).to_contain_text(f"Question {number} of 3")


@pytest.mark.parametrize("javascript", [True, False], ids=["socket", "no-js"])
def test_a_student_changes_an_answer_flags_a_question_and_submits_from_the_overview(
    new_context: Any, javascript: bool, artifacts_dir: Path
) -> None:
    page = new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 844}
    ).new_page()
    page.goto(TEST_URL)
    page.get_by_role("button", name="Start test").click()
    if javascript:
        wait_for_socket(page)
    main = page.locator("main")

    # Q1 answered (wrongly), then straight to Q3 by the question map, and back to Q1.
    on_question(page, 1)
    option(page, FIRST_WRONG).click()
    on_question(page, 2)
    expect(main).to_contain_text("Answer saved.")  # the status line, or the page's message
    page.get_by_role("button", name="Question 3, not answered").click()
    on_question(page, 3)
    page.get_by_role("button", name="Previous question").click()
    on_question(page, 2)
    page.get_by_role("button", name="Question 1, answered").click()
    on_question(page, 1)
    expect(option(page, FIRST_WRONG)).to_contain_text("Your answer")
    for marker in REVEALING_MARKUP:
        assert marker not in page.content()

    # Changed to the right answer: still one row, graded anew, nothing shown of it.
    option(page, TEST_ANSWERS[0]).click()
    on_question(page, 2)
    assert Response.objects.filter(attempt=Attempt.objects.get()).count() == 1
    page.get_by_role("button", name="Flag for later").click()
    expect(page.get_by_role("button", name="Flag for later")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("button", name="Question 2, not answered, flagged")).to_be_visible()
    assert QuestionFlag.objects.count() == 1
    for word in ("Correct", "Incorrect", "Solution"):
        expect(main).not_to_contain_text(word)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(
        path=str(artifacts_dir / f"test-mode-flagged-{page_kind(javascript)}.png"), full_page=True
    )

    # The overview before submitting: what is answered, what is not, what is flagged.
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("review and submit")
    expect(page.locator(".overview-summary")).to_have_text(
        "3 questions: 2 not answered, 1 flagged."
    )
    items = page.locator(".overview-item")
    expect(items.nth(0)).to_contain_text("Answered")
    expect(items.nth(1)).to_contain_text("Not answered · ⚑ Flagged")
    expect(items.nth(2)).to_contain_text("Not answered")
    page.screenshot(
        path=str(artifacts_dir / f"test-mode-overview-{page_kind(javascript)}.png"), full_page=True
    )
    # Back to question 2 from the overview, answered; then submit everything.
    page.get_by_role("button", name="Go to question 2").click()
    on_question(page, 2)
    option(page, TEST_WRONG_ON_Q2).click()
    on_question(page, 3)
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_label("I am ready: submit all my answers").check()
    page.get_by_role("button", name="Submit all").click()

    expect(page.get_by_text("You scored 1 of 3")).to_be_visible()
    review = page.locator(".review-item")
    expect(review.nth(0)).to_contain_text("Question 1: correct")
    expect(review.nth(0).locator(".review-answers dd").first).to_have_text(f"C: {TEST_ANSWERS[0]}")
    expect(review.nth(1)).to_contain_text(TEST_WRONG_ON_Q2)
    expect(review.nth(2)).to_contain_text("not answered")
    assert Attempt.objects.get().is_finished


def page_kind(javascript: bool) -> str:
    return "socket" if javascript else "no-js"


def test_submit_all_needs_its_box_ticked(new_context: Any) -> None:
    page = new_context().new_page()
    page.goto(TEST_URL)
    page.get_by_role("button", name="Start test").click()
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit all").click()  # the browser stops it: required
    expect(page.get_by_role("heading", level=1)).to_contain_text("review and submit")
    assert not Attempt.objects.get().is_finished

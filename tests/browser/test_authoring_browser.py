"""An instructor edits a question's options in the admin on a 1366 px laptop, moves one
up with the keyboard, and previews the question as a student would see it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt, Question, Quiz, Response
from tests.browser.test_live_classroom_browser import staff_context
from tests.conftest import free_port, start_daphne

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def fresh_server(live_site: str, artifacts_dir: Path) -> Iterator[str]:
    """A server process of this test's own, for a save in the admin: its log entry names
    the question's content type, which a long-lived server caches by id, and the test
    database's flush between tests gives the content types new ids."""
    port = free_port()
    process = start_daphne(port, artifacts_dir / "daphne-admin.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def document_width(page: Any) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_the_options_table_fits_a_laptop_and_up_down_reorders_the_options(
    new_context: Any, fresh_server: str, artifacts_dir: Path
) -> None:
    page = staff_context(new_context, fresh_server, viewport=LAPTOP).new_page()
    question = Question.objects.get(quiz__slug="asgi-vs-wsgi-practice", order=1)
    before = list(question.choices.values_list("text", flat=True))

    page.goto(f"{fresh_server}/admin/quiz/question/{question.pk}/change/")
    expect(page.locator("#choices-group")).to_be_visible()
    assert document_width(page) <= LAPTOP["width"], document_width(page)
    page.get_by_role("button", name="Add another Choice").click()
    assert document_width(page) <= LAPTOP["width"]
    page.screenshot(path=str(artifacts_dir / "admin-question-1366.png"), full_page=True)

    # The second option goes up, by the keyboard: the orders are rewritten in place.
    rows = page.locator("#choices-group tbody tr.form-row.has_original")
    rows.nth(1).get_by_role("button", name="Move option up").focus()
    page.keyboard.press("Enter")
    expect(rows.nth(0).locator("td.field-text textarea")).to_have_value(before[1])
    expect(rows.nth(0).locator("td.field-order input")).to_have_value("1")
    expect(rows.nth(1).locator("td.field-order input")).to_have_value("2")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Move option up"  # focus stays on the button that moved
    rows.nth(3).get_by_role("button", name="Move option down").click()  # the last: no-op
    expect(rows.nth(3).locator("td.field-order input")).to_have_value("4")

    # A new option typed into an empty row, its order left blank: numbered after the rest.
    page.locator(
        "#choices-group tbody tr.form-row:not(.has_original) td.field-text textarea"
    ).first.fill("None of these")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert list(question.choices.values_list("text", flat=True)) == [
        before[1],
        before[0],
        *before[2:],
        "None of these",
    ]
    assert list(question.choices.values_list("order", flat=True)) == [1, 2, 3, 4, 5]


def test_previewing_a_question_shows_what_a_student_sees_and_saves_nothing(
    new_context: Any, live_site: str, artifacts_dir: Path
) -> None:
    page = staff_context(new_context, live_site, viewport=LAPTOP).new_page()
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    question = quiz.questions.get(order=3)

    page.goto(f"/admin/quiz/question/{question.pk}/change/")
    page.get_by_role("link", name="Preview as a student").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    expect(page.locator(".preview-note")).to_contain_text("Question 3 of 5")
    expect(page.get_by_role("region", name="Code sample")).to_be_visible()
    expect(page.locator("button.choice")).to_have_count(4)
    expect(page.locator("main")).not_to_contain_text("Correct answer")
    expect(page.locator(".is-correct")).to_have_count(0)

    wrong = question.choices.filter(is_correct=False).first()
    page.get_by_role("button", name=wrong.text, exact=True).click()
    expect(page.locator("#verdict")).to_contain_text("Incorrect")
    expect(page.locator(".choice.is-correct")).to_have_count(1)
    expect(page.locator(".choice.is-wrong")).to_contain_text(wrong.text)
    expect(page.get_by_role("heading", name="Solution")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "admin-question-preview.png"), full_page=True)

    page.get_by_role("link", name="Pick another option").click()
    expect(page.locator(".is-correct")).to_have_count(0)
    page.get_by_role("button", name=question.correct_choice.text, exact=True).click()
    expect(page.locator("#verdict")).to_contain_text("Correct")
    assert (Attempt.objects.count(), Response.objects.count()) == (0, 0)


def test_the_admin_index_and_a_quiz_page_fit_a_laptop_under_the_strict_csp(
    new_context: Any, live_site: str
) -> None:
    """The pages the accessibility audit reads with the CSP bypassed, read with it on."""
    page = staff_context(new_context, live_site, viewport=LAPTOP).new_page()
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    for url in ("/admin/", f"/admin/quiz/quiz/{quiz.pk}/change/"):
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
        assert document_width(page) <= LAPTOP["width"], (url, document_width(page))
    # The date and time boxes and the questions table are named for screen readers.
    expect(page.get_by_label("Closes at: date")).to_be_visible()
    expect(page.get_by_label("Prompt, row 1")).to_be_visible()

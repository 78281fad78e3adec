"""A reader finds the lesson from the home page in Chromium, on a desktop and on a phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

LESSON_TITLE = "ASGI vs WSGI in Django - Performance Comparison"


def test_reader_goes_from_home_through_the_lesson_to_the_practice_quiz(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto("/")
    page.get_by_role("link", name=LESSON_TITLE).click()

    expect(page).to_have_url(re.compile(r"/lessons/asgi-vs-wsgi/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON_TITLE)
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Latency Under Load")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(3)
    code = page.locator("div.highlight").first
    expect(code).to_be_visible()
    expect(code).to_contain_text("async def application(scope, receive, send):")
    # What the reader sees, outside the code samples, holds no template syntax.
    shown = page.evaluate(
        """() => { const copy = document.body.cloneNode(true);
            copy.querySelectorAll('pre, code, script').forEach((e) => e.remove());
            return copy.innerText; }"""
    )
    assert not re.search(r"\{#|\{%|\{\{", shown), shown
    page.screenshot(path=str(artifacts_dir / "pages-lesson-desktop.png"), full_page=True)

    page.get_by_role("link", name="ASGI vs WSGI: practice").first.click()

    expect(page).to_have_url(re.compile(r"/quiz/asgi-vs-wsgi-practice/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ASGI vs WSGI: practice")
    expect(page.get_by_role("button", name="Start practice")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "pages-practice-quiz-intro.png"), full_page=True)


def test_lesson_page_fits_a_phone_screen_without_sideways_scrolling(
    new_context: Any, artifacts_dir: Path
) -> None:
    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()

    page.goto("/lessons/asgi-vs-wsgi/")

    expect(page.get_by_role("table")).to_be_attached()
    expect(page.locator("div.highlight").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "pages-lesson-phone.png"), full_page=True)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, widths


@pytest.mark.parametrize("width", [360, 414])
def test_practice_feedback_and_results_fit_a_phone_without_sideways_scrolling(
    new_context: Any, width: int
) -> None:
    phone = new_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto("/quiz/asgi-vs-wsgi-practice/")
    page.get_by_role("button", name="Start practice").click()
    expect(page.locator("#socket-status")).to_have_text("Live feedback connected")

    def fits() -> None:
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        assert widths["scroll"] <= widths["inner"] + 1, (page.url, widths)

    for number in range(1, 6):
        fits()
        # Right or wrong, the feedback tags the options, long ones and code ones too.
        page.locator("button.choice").nth(number % 2).click()
        expect(page.locator("#verdict p")).to_be_visible()
        fits()
        if number < 5:
            page.get_by_role("button", name="Next question").click()
            expect(page.locator("#progress")).to_contain_text(f"Question {number + 1} of 5")
    page.get_by_role("link", name="See your results").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("results")
    fits()

"""axe-core's WCAG 2.1 A and AA rules on every page of the student, instructor and live
flows, in the light and the dark theme, on a phone and on a projector.

Each flow is walked once per theme; at every stop the page is checked at both sizes
(the viewport resized in place), so one walk covers four combinations. A test fails
with the whole list of violations: rule, element, page, size, theme.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.contrib.auth.models import User
from playwright.sync_api import expect

from live.models import LiveSession
from quiz.models import Question, Quiz
from tests.browser.test_live_classroom_browser import correct_button, staff_context
from tests.browser.test_selfpaced_browser import (
    PRACTICE_ANSWERS,
    PRACTICE_URL,
    TEST_ANSWERS,
    TEST_URL,
    choose,
    wait_for_socket,
)
from tests.factories import finished_attempt, played_session

SIZES = {"phone": {"width": 390, "height": 844}, "projector": {"width": 1920, "height": 1080}}
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AXE = Axe()
MOODLE_BANK = Path(__file__).resolve().parent.parent / "fixtures" / "moodle-async-bank.xml"

pytestmark = pytest.mark.parametrize("scheme", ["light", "dark"])


@dataclass
class Audit:
    """Runs axe on a page at each size and keeps every violation it finds."""

    scheme: str
    screenshots: Path
    checked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def check(self, page: Any, name: str) -> None:
        original = page.viewport_size
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            # The theme is the context's: prove it reached the page being checked.
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is (
                self.scheme == "dark"
            )
            results = AXE.run(page, options=WCAG_21_AA).response
            self.checked.append(f"{name} ({size})")
            slug = "-".join(name.replace("(", "").replace(")", "").split())
            page.screenshot(path=str(self.screenshots / f"axe-{self.scheme}-{size}-{slug}.png"))
            for violation in results["violations"]:
                for node in violation["nodes"]:
                    target = " ".join(str(part) for part in node["target"])
                    self.violations.append(
                        f"{violation['id']} ({violation['impact']}) on {target} in {name},"
                        f" {size}, {self.scheme}: {violation['help']}; {node['html'][:160]}"
                    )
        page.set_viewport_size(original)

    def passed(self, expected_pages: int) -> None:
        assert len(self.checked) == expected_pages * len(SIZES), self.checked
        assert not self.violations, "axe found:\n" + "\n".join(self.violations)


def test_axe_finds_a_code_sample_that_a_keyboard_cannot_scroll(
    new_context: Any, live_site: str, scheme: str, artifacts_dir: Path
) -> None:
    """The audit can fail: the lesson's code box, unfocusable, is what axe reported first."""
    audit = Audit(scheme, artifacts_dir)
    page = new_context(color_scheme=scheme, viewport=SIZES["phone"]).new_page()
    page.goto("/lessons/asgi-vs-wsgi/")
    page.evaluate(
        "document.querySelectorAll('.code-scroll').forEach((e) => e.removeAttribute('tabindex'))"
    )
    audit.check(page, "lesson with unfocusable code")
    assert audit.violations
    assert all(v.startswith("scrollable-region-focusable") for v in audit.violations)
    assert any("in lesson with unfocusable code, phone" in v for v in audit.violations)


def test_the_student_pages_pass_axe(
    new_context: Any, live_site: str, scheme: str, artifacts_dir: Path
) -> None:
    audit = Audit(scheme, artifacts_dir)
    page = new_context(color_scheme=scheme, viewport=SIZES["phone"]).new_page()

    page.goto("/")
    audit.check(page, "home")
    page.goto("/lessons/asgi-vs-wsgi/")
    audit.check(page, "lesson")
    page.goto(PRACTICE_URL)
    audit.check(page, "practice quiz detail")
    page.get_by_role("button", name="Start practice").click()
    wait_for_socket(page)
    audit.check(page, "practice question")
    for number, answer in enumerate(PRACTICE_ANSWERS, start=1):
        choose(page, answer)
        expect(page.locator("#verdict p")).to_be_visible()
        if number == 1:
            audit.check(page, "practice feedback")
        if number < len(PRACTICE_ANSWERS):
            page.get_by_role("button", name="Next question").click()
            expect(page.locator("#progress")).to_contain_text(f"Question {number + 1} of 5")
    page.get_by_role("link", name="See your results").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("results")
    audit.check(page, "practice results")

    page.goto(TEST_URL)
    page.get_by_role("button", name="Start test").click()
    wait_for_socket(page)
    audit.check(page, "test question")
    for number, answer in enumerate(TEST_ANSWERS, start=1):
        choose(page, answer)
        if number < len(TEST_ANSWERS):
            expect(page.locator("#progress")).to_contain_text(f"Question {number + 1} of 3")
    expect(page.locator("#progress")).to_contain_text("3 answered")
    page.get_by_role("button", name="Flag for later").click()
    expect(page.get_by_role("button", name="Flag for later")).to_have_attribute(
        "aria-pressed", "true"
    )
    audit.check(page, "test question, answered and flagged")
    page.get_by_role("link", name="Review and submit").click()
    audit.check(page, "test overview")
    page.get_by_label("I am ready: submit all my answers").check()
    page.get_by_role("button", name="Submit all").click()
    expect(page.get_by_text("You scored 3 of 3")).to_be_visible()
    audit.check(page, "test results")

    page.goto("/attempts/")
    audit.check(page, "my attempts")
    page.goto("/progress/")
    audit.check(page, "progress")
    page.goto("/review/")
    audit.check(page, "review")
    page.goto("/account/sign-up/")
    audit.check(page, "sign up")
    page.goto("/account/sign-in/")
    audit.check(page, "sign in")
    page.goto("/account/password-reset/")
    audit.check(page, "password reset")
    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit.check(page, "404")
    audit.passed(expected_pages=17)


def test_the_instructor_pages_pass_axe(
    new_context: Any, live_site: str, scheme: str, artifacts_dir: Path
) -> None:
    audit = Audit(scheme, artifacts_dir)
    # axe's own color-contrast and css-orientation-lock checks add inline styles that
    # the strict CSP refuses (seen on the admin's quiz page, which has no inline style of
    # its own); the CSP of these pages is checked by tests/browser/test_authoring_browser.py.
    page = staff_context(new_context, live_site, color_scheme=scheme, bypass_csp=True).new_page()
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    question = Question.objects.filter(quiz=quiz).first()
    assert question is not None

    page.goto("/admin/")
    audit.check(page, "admin index")
    page.goto(f"/admin/quiz/quiz/{quiz.pk}/change/")
    audit.check(page, "quiz change page")
    page.goto(f"/admin/quiz/question/{question.pk}/change/")
    audit.check(page, "question change page")
    page.get_by_role("link", name="Preview as a student").click()
    audit.check(page, "question preview")
    page.locator("button.choice").first.click()
    expect(page.locator("#verdict p")).to_be_visible()
    audit.check(page, "question preview feedback")
    page.goto("/live/")
    audit.check(page, "live index (new session)")

    page.goto(f"/admin/quiz/quiz/{quiz.pk}/import/")
    audit.check(page, "question import")
    page.get_by_label("Question file").set_input_files(str(MOODLE_BANK))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("button", name="Confirm the import")).to_be_visible()
    audit.check(page, "question import preview")
    page.goto(f"/admin/quiz/quiz/{quiz.pk}/export/")
    audit.check(page, "question export")

    finished_attempt(quiz, [True, False, True, False, True])
    # The live services announce on the channel layer through async_to_sync, which
    # refuses the thread Playwright's event loop runs in.
    with ThreadPoolExecutor(max_workers=1) as elsewhere:
        session = elsewhere.submit(
            played_session, quiz, User.objects.get(username="teacher"), {"Ada": [True, False]}
        ).result()
    page.goto("/instructor/")
    audit.check(page, "instructor overview")
    page.goto(f"/instructor/quizzes/{quiz.slug}/")
    audit.check(page, "item analysis")
    page.goto(f"/instructor/sessions/{session.pk}/")
    audit.check(page, "session report")
    audit.passed(expected_pages=12)


def test_the_live_pages_pass_axe(
    new_context: Any, live_site: str, scheme: str, artifacts_dir: Path
) -> None:
    audit = Audit(scheme, artifacts_dir)
    host = staff_context(new_context, live_site, color_scheme=scheme).new_page()
    host.set_viewport_size(SIZES["projector"])
    host.goto("/live/")
    host.get_by_label("Quiz").select_option(label="Performance quiz: ASGI vs WSGI")
    host.get_by_role("button", name="Open the lobby").click()
    code = LiveSession.objects.get().join_code

    player = new_context(color_scheme=scheme, viewport=SIZES["phone"]).new_page()
    player.goto("/join")
    audit.check(player, "join")
    player.get_by_label("Join code").fill(code)
    player.get_by_label("Nickname").fill("Ada")
    player.get_by_role("button", name="Join").click()
    expect(player.get_by_role("heading", name="You're in, Ada!")).to_be_visible()
    expect(host.locator(".lobby-count")).to_contain_text("1 player joined")
    audit.check(player, "player lobby")
    audit.check(host, "host lobby")

    host.get_by_role("button", name="Start").click()
    expect(player.locator("#player-stage")).to_contain_text("Question 1 of 3")
    audit.check(host, "host question")
    audit.check(player, "player question")
    # A second player keeps the question open after Ada answers, so her "answered"
    # screen stays up to be checked.
    bob = new_context(viewport=SIZES["phone"]).new_page()
    bob.goto(f"/join?code={code}")
    bob.get_by_label("Nickname").fill("Bob")
    bob.keyboard.press("Enter")
    expect(bob.locator("#player-stage")).to_contain_text("Question 1 of 3")
    correct_button(player, "ASGI").click()
    expect(player.locator("#player-stage")).to_contain_text("Answer locked in")
    audit.check(player, "player answered")

    host.get_by_role("button", name="Reveal").click()
    expect(host.locator("#host-stage")).to_contain_text("Top 5")
    expect(player.locator("#player-stage")).to_contain_text("Correct answer")
    audit.check(host, "host reveal and leaderboard")
    audit.check(player, "player reveal")
    for _ in range(2):
        host.get_by_role("button", name="Next question").click()
        host.get_by_role("button", name="Reveal").click()
    host.get_by_role("button", name="Show the podium").click()
    expect(host.locator(".podium-1 .board-name")).to_have_text("Ada")
    expect(player.locator(".final-rank")).to_be_visible()
    audit.check(host, "host podium")
    audit.check(player, "player podium")
    audit.passed(expected_pages=10)

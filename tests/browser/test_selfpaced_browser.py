"""Students take self-paced quizzes in Chromium: without JavaScript, after a reload or a
dropped socket, with the keyboard only, and in test mode where nothing leaks early."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt, Quiz, Response

PRACTICE_URL = "/quiz/asgi-vs-wsgi-practice/"
TEST_URL = "/quiz/asgi-vs-wsgi-performance/"

# The correct option of each practice question (D, C, B, A, A).
PRACTICE_ANSWERS = [
    "WSGI handles synchronous requests, ASGI supports asynchronous and real-time features.",
    "application = get_asgi_application()",
    "The WebSocket connection is accepted and ready to receive messages asynchronously.",
    "You imported get_asgi_application but called get_wsgi_application, causing a NameError.",
    "Use ASGI because it supports asynchronous HTTP and WebSocket connections.",
]
PRACTICE_WRONG_ON_Q2 = "application = get_wsgi_application()"

# The correct option of each test-mode question (C, C, B).
TEST_ANSWERS = [
    "ASGI",
    "INP (Interaction to Next Paint)",
    (
        "WSGI processes requests one at a time per worker and blocks on each request; after "
        "switching to ASGI, look for lower wait times and overlapping request handling in the "
        "Network panel."
    ),
]
TEST_WRONG_ON_Q2 = "LCP (Largest Contentful Paint)"

# Texts that only a revealed solution or verdict contains.
REVEALING_MARKUP = ["is-correct", "is-wrong", "Solution</h3>", "Final answer", "Correct answer"]


def choose(page: Any, text: str) -> None:
    page.get_by_role("button", name=text, exact=True).click()


def wait_for_socket(page: Any) -> None:
    expect(page.locator("#socket-status")).to_have_text("Live feedback connected")


def focused_text(page: Any) -> str:
    return page.evaluate(
        "() => document.activeElement ? document.activeElement.innerText.trim() : ''"
    )


def tab_to(page: Any, text: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element's text contains `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in focused_text(page):
            return
    pytest.fail(f"{limit} presses of Tab never reached {text!r}")


def wait_for_focus_on(page: Any, text: str) -> None:
    page.wait_for_function(
        "text => document.activeElement && document.activeElement.innerText.trim() === text",
        arg=text,
    )


def wait_for_frame_containing(page: Any, frames: list[str], text: str) -> None:
    """Let Playwright deliver the frame events the page has already acted on."""
    for _ in range(200):
        if any(text in frame for frame in frames):
            return
        page.wait_for_timeout(50)
    pytest.fail(f"no WebSocket frame containing {text!r} was recorded")


def practice_attempt() -> Attempt:
    return Attempt.objects.get(quiz=Quiz.objects.get(slug="asgi-vs-wsgi-practice"))


# (b) No JavaScript: plain forms and full pages


def test_whole_practice_quiz_works_with_javascript_disabled(
    new_context: Any, artifacts_dir: Path
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    sockets: list[Any] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))

    page.goto(PRACTICE_URL)
    page.get_by_role("button", name="Start practice").click()
    expect(page).to_have_url(re.compile(r"/attempts/[0-9a-f-]{36}/$"))

    for number, answer in enumerate(PRACTICE_ANSWERS, start=1):
        expect(page.locator("#progress")).to_contain_text(f"Question {number} of 5")
        expect(page.locator("#feedback")).not_to_contain_text("Solution")
        if number == 2:
            choose(page, PRACTICE_WRONG_ON_Q2)
            expect(page.locator("#verdict")).to_contain_text("Incorrect")
            expect(page.locator("#feedback")).to_contain_text("About your answer (A)")
        else:
            choose(page, answer)
            expect(page.locator("#verdict")).to_contain_text("Correct")
        # A full page load of the feedback, not a socket swap.
        expect(page).to_have_url(re.compile(r"\?answered=\d+$"))
        expect(page.locator("#verdict")).to_contain_text(answer)
        feedback = page.locator("#feedback")
        for part in ("Solution", "Final answer", "Quick check", "Hint", "Common mistakes"):
            expect(feedback).to_contain_text(part)
        expect(page.locator("#question .is-correct")).to_contain_text(answer)
        if number < 5:
            page.get_by_role("button", name="Next question").click()

    expect(page.locator("#progress")).to_contain_text("Score: 4 of 5")
    page.screenshot(path=str(artifacts_dir / "selfpaced-no-js-finished.png"), full_page=True)
    page.get_by_role("link", name="See your results").first.click()
    expect(page.get_by_text("You scored 4 of 5")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "selfpaced-no-js-results.png"), full_page=True)

    assert sockets == []
    attempt = practice_attempt()
    assert attempt.is_finished
    assert Response.objects.filter(attempt=attempt).count() == 5
    assert Response.objects.filter(attempt=attempt, is_correct=True).count() == 4


# (c) Reload and dropped socket


def test_reload_mid_quiz_keeps_the_feedback_then_goes_on_over_the_socket(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto(PRACTICE_URL)
    page.get_by_role("button", name="Start practice").click()
    wait_for_socket(page)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    for number, answer in enumerate(PRACTICE_ANSWERS[:2], start=1):
        expect(page.locator("#progress")).to_contain_text(f"Question {number} of 5")
        choose(page, answer)
        expect(page.locator("#verdict")).to_contain_text("Correct")
        if number == 1:
            page.get_by_role("button", name="Next question").click()
    assert navigations == [], "the answers went over plain HTTP, not the socket"
    assert Response.objects.filter(attempt=practice_attempt()).count() == 2

    page.reload()

    # The answer just given keeps its feedback; Next goes on over the new socket.
    expect(page.locator("#progress")).to_contain_text("Question 2 of 5")
    expect(page.locator("#verdict")).to_contain_text("Correct")
    expect(page.locator("#progress")).to_contain_text("Score: 2 of 2 answered")
    wait_for_socket(page)
    navigations.clear()
    page.get_by_role("button", name="Next question").click()
    expect(page.locator("#progress")).to_contain_text("Question 3 of 5")
    choose(page, PRACTICE_ANSWERS[2])
    expect(page.locator("#verdict")).to_contain_text("Correct")
    expect(page.locator("#progress")).to_contain_text("Score: 3 of 3 answered")
    assert navigations == []
    page.screenshot(path=str(artifacts_dir / "selfpaced-after-reload.png"), full_page=True)


def test_a_socket_closed_under_the_page_then_navigating_away_and_back_continues(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto(PRACTICE_URL)
    page.get_by_role("button", name="Start practice").click()
    wait_for_socket(page)
    choose(page, PRACTICE_ANSWERS[0])
    expect(page.locator("#verdict")).to_contain_text("Correct")

    # Close htmx's socket from the page, as a network drop would.
    page.evaluate(
        "() => document.getElementById('play')['htmx-internal-data'].webSocket.socket.close()"
    )
    # A close htmx will not retry (1005 here) says so instead of promising a reconnect.
    expect(page.locator("#socket-status")).to_contain_text("Live updates stopped")
    page.screenshot(path=str(artifacts_dir / "selfpaced-socket-closed.png"), full_page=True)

    page.get_by_role("link", name="My attempts").click()
    expect(page.get_by_text("In progress: resume (1 answered)")).to_be_visible()
    page.get_by_role("link", name=re.compile("In progress: resume")).click()

    # Back where the student left: question 1's feedback, then Next.
    expect(page.locator("#verdict")).to_contain_text("Correct")
    wait_for_socket(page)
    page.get_by_role("button", name="Next question").click()
    expect(page.locator("#progress")).to_contain_text("Question 2 of 5")
    for number, answer in enumerate(PRACTICE_ANSWERS[1:], start=2):
        expect(page.locator("#progress")).to_contain_text(f"Question {number} of 5")
        choose(page, answer)
        expect(page.locator("#verdict")).to_contain_text("Correct")
        if number < 5:
            page.get_by_role("button", name="Next question").click()
    page.get_by_role("link", name="See your results").first.click()
    expect(page.get_by_text("You scored 5 of 5")).to_be_visible()
    assert Response.objects.filter(attempt=practice_attempt()).count() == 5


def test_an_abnormal_socket_drop_reconnects_by_itself_and_answers_keep_working(
    page: Any, artifacts_dir: Path
) -> None:
    # Route the socket through Playwright so the test can drop it with code 1006,
    # the code a real network failure gives and on which htmx reconnects.
    routes: list[Any] = []

    def through_to_the_server(route: Any) -> None:
        route.connect_to_server()
        routes.append(route)

    page.route_web_socket(re.compile(r"/ws/attempts/"), through_to_the_server)
    page.goto(PRACTICE_URL)
    page.get_by_role("button", name="Start practice").click()
    page.evaluate(
        """() => {
            window.socketEvents = [];
            document.body.addEventListener('htmx:wsOpen', () => socketEvents.push('open'));
            document.body.addEventListener('htmx:wsClose',
                (e) => socketEvents.push('close:' + e.detail.event.code));
        }"""
    )
    wait_for_socket(page)
    expect(page.locator("#socket-status")).to_have_text("Live feedback connected")
    expect(page.locator("#socket-announcer")).to_have_text("")  # nothing announced
    choose(page, PRACTICE_ANSWERS[0])
    expect(page.locator("#verdict")).to_contain_text("Correct")
    page.get_by_role("button", name="Next question").click()
    expect(page.locator("#progress")).to_contain_text("Question 2 of 5")

    routes[-1].close(code=1006, reason="network drop")

    # htmx saw the abnormal close, then opened a new socket by itself.
    page.wait_for_function(
        "() => socketEvents.indexOf('close:1006') !== -1"
        " && socketEvents.lastIndexOf('open') > socketEvents.indexOf('close:1006')"
    )
    expect(page.locator("#socket-status")).to_have_text("Live feedback connected")
    # Screen readers heard the drop and the return, never "connected" on page load.
    expect(page.locator("#socket-announcer")).to_have_text("Reconnected: live feedback is back.")
    assert len(routes) >= 2, "htmx did not open a new socket after the drop"
    choose(page, PRACTICE_ANSWERS[1])
    expect(page.locator("#verdict")).to_contain_text("Correct")
    expect(page.locator("#progress")).to_contain_text("Score: 2 of 2 answered")
    page.screenshot(path=str(artifacts_dir / "selfpaced-reconnected.png"), full_page=True)
    assert Response.objects.filter(attempt=practice_attempt()).count() == 2


def test_an_answer_after_the_server_closed_the_socket_for_good_is_not_lost(
    page: Any, artifacts_dir: Path
) -> None:
    # Daphne closes a socket with 1000 when --websocket_timeout runs out; htmx does not
    # reconnect after 1000. The student's next click must still reach the server (over
    # plain HTTP or a new socket), not wait in htmx's send queue forever.
    routes: list[Any] = []

    def through_to_the_server(route: Any) -> None:
        route.connect_to_server()
        routes.append(route)

    page.route_web_socket(re.compile(r"/ws/attempts/"), through_to_the_server)
    page.goto(PRACTICE_URL)
    page.get_by_role("button", name="Start practice").click()
    wait_for_socket(page)
    page.evaluate(
        """() => {
            window.socketCloseCodes = [];
            document.body.addEventListener('htmx:wsClose',
                (e) => socketCloseCodes.push(e.detail.event.code));
        }"""
    )

    routes[-1].close(code=1000, reason="websocket timeout")
    page.wait_for_function("() => socketCloseCodes.includes(1000)")
    page.screenshot(path=str(artifacts_dir / "selfpaced-socket-closed-for-good.png"))

    choose(page, PRACTICE_ANSWERS[0])
    expect(page.locator("#verdict")).to_contain_text("Correct")
    assert Response.objects.filter(attempt=practice_attempt()).count() == 1


# (d) Keyboard only


def test_a_keyboard_only_student_starts_and_answers_with_tab_enter_and_space(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto(PRACTICE_URL)

    tab_to(page, "Start practice")
    page.keyboard.press("Enter")
    wait_for_socket(page)
    expect(page.locator("#progress")).to_contain_text("Question 1 of 5")

    # The hint replaces its button: focus goes to the hint, which is also announced.
    tab_to(page, "Show hint")
    page.keyboard.press("Enter")
    expect(page.locator("#hint")).to_contain_text("Hint:")
    expect(page.locator("#hint")).to_have_attribute("aria-live", "polite")
    page.wait_for_function("() => document.activeElement === document.getElementById('hint')")

    tab_to(page, PRACTICE_ANSWERS[0])
    page.keyboard.press("Enter")
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Correct")
    expect(verdict).to_have_attribute("role", "status")
    expect(verdict).to_have_attribute("aria-live", "polite")
    wait_for_focus_on(page, "Next question")
    assert focused_text(page) == "Next question"

    page.keyboard.press("Space")
    expect(page.locator("#progress")).to_contain_text("Question 2 of 5")
    # Focus stays in the question, not lost to the top of the page.
    page.wait_for_function(
        "() => document.getElementById('question').contains(document.activeElement)"
    )

    tab_to(page, PRACTICE_ANSWERS[1])
    page.keyboard.press("Space")
    expect(verdict).to_contain_text("Correct")
    wait_for_focus_on(page, "Next question")
    page.screenshot(path=str(artifacts_dir / "selfpaced-keyboard.png"), full_page=True)

    page.keyboard.press("Enter")
    expect(page.locator("#progress")).to_contain_text("Question 3 of 5")
    assert Response.objects.filter(attempt=practice_attempt(), is_correct=True).count() == 2


def test_a_reload_right_after_a_socket_answer_keeps_its_feedback(page: Any) -> None:
    page.goto(PRACTICE_URL)
    page.get_by_role("button", name="Start practice").click()
    wait_for_socket(page)
    choose(page, PRACTICE_ANSWERS[0])
    expect(page.locator("#verdict")).to_contain_text("Correct")

    page.reload()

    expect(page.locator("#verdict")).to_contain_text("Correct")
    expect(page.locator("#progress")).to_contain_text("Question 1 of 5")
    page.get_by_role("button", name="Next question").click()
    expect(page.locator("#progress")).to_contain_text("Question 2 of 5")


def test_letter_keys_answer_and_a_second_enter_after_next_does_not(page: Any) -> None:
    page.goto(PRACTICE_URL)
    page.get_by_role("button", name="Start practice").click()
    wait_for_socket(page)

    page.keyboard.press("d")  # question 1's correct option is D
    expect(page.locator("#verdict")).to_contain_text("Correct")
    wait_for_focus_on(page, "Next question")
    page.keyboard.press("Enter")
    expect(page.locator("#progress")).to_contain_text("Question 2 of 5")
    # The focus is on option A now; the same Enter pressed again must not answer it.
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)
    expect(page.locator("#verdict")).to_have_text("")
    assert Response.objects.filter(attempt=practice_attempt()).count() == 1

    page.keyboard.press("C")  # question 2's correct option is C
    expect(page.locator("#verdict")).to_contain_text("Correct")
    assert Response.objects.filter(attempt=practice_attempt(), is_correct=True).count() == 2


# (e) Test mode: nothing revealed until the results


def test_test_mode_reveals_nothing_until_the_results_page(page: Any, artifacts_dir: Path) -> None:
    frames: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, str) else payload.decode()
            ),
        ),
    )

    page.goto(TEST_URL)
    page.get_by_role("button", name="Start test").click()
    wait_for_socket(page)
    main = page.locator("main")

    picks = [TEST_ANSWERS[0], TEST_WRONG_ON_Q2, TEST_ANSWERS[2]]
    for number, pick in enumerate(picks, start=1):
        expect(page.locator("#progress")).to_contain_text(f"Question {number} of 3")
        choose(page, pick)
        expect(page.locator("#verdict")).to_have_text("Answer saved.")
        if number < 3:
            expect(page.locator("#progress")).to_contain_text(f"Question {number + 1} of 3")
        for word in ("Correct", "Incorrect", "Solution"):
            expect(main).not_to_contain_text(word)

    # Every answer saved, none final until "Submit all" (tests/browser/test_test_mode_browser.py).
    expect(page.locator("#progress")).to_contain_text("3 answered")
    page.screenshot(path=str(artifacts_dir / "selfpaced-test-mode-finished.png"), full_page=True)
    wait_for_frame_containing(page, frames, "3 answered")
    for frame in frames:
        for marker in REVEALING_MARKUP:
            assert marker not in frame, f"a frame revealed {marker!r} before the results"
        assert "Solution" not in frame.replace('aria-label="Solution"', "")

    page.get_by_role("link", name="Review and submit").click()
    page.get_by_label("I am ready: submit all my answers").check()
    page.get_by_role("button", name="Submit all").click()
    expect(page.get_by_text("You scored 2 of 3")).to_be_visible()
    review = page.locator(".review")
    expect(review.locator(".review-item")).to_have_count(3)
    expect(review.locator(".review-item").nth(1)).to_contain_text("Question 2: incorrect")
    expect(review.locator(".review-item").nth(1)).to_contain_text(TEST_WRONG_ON_Q2)
    # By default a test shows which answers were right, never the answer key: a
    # throwaway attempt must not teach the next one the answers it got wrong.
    expect(page.locator("main")).not_to_contain_text(TEST_ANSWERS[1])
    for word in ("Correct answer", "Solution"):
        expect(page.locator("main")).not_to_contain_text(word)
    expect(page.locator(".review-hidden")).to_contain_text("stay hidden")
    page.screenshot(path=str(artifacts_dir / "selfpaced-test-mode-results.png"), full_page=True)

"""Issue 14's "done when", in one Chromium run: an instructor imports a Moodle question
bank, runs it with a class, and reads and exports what the class got wrong.

Each step goes through the pages a person uses (the admin's import, the live host
screen, two players' phones, the instructor's reports); only the empty quiz the bank
goes into is made directly, as the admin's own quiz form is tested elsewhere.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from lessons.models import Lesson
from live.models import LiveAnswer, LiveSession
from quiz.models import Quiz
from tests.browser.test_live_classroom_browser import join, signed_in_context
from tests.browser.test_reports_browser import choose
from tests.factories import instructor

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "moodle-async-bank.xml"
WRONG_PICK = "Nothing: main() is never awaited"
ITS_FEEDBACK = "asyncio.run() awaits it for you."


def test_an_instructor_imports_a_moodle_bank_runs_it_and_exports_what_the_class_got_wrong(
    new_context: Any, live_site: str
) -> None:
    bank = Quiz.objects.create(
        lesson=Lesson.objects.get(), slug="async-bank", title="Async Python bank", order=9
    )
    # A session cookie rather than the sign-in form, which is rate limited per address
    # and already driven by tests/browser/test_question_import_browser.py.
    host = signed_in_context(new_context, live_site, instructor("teacher")).new_page()

    # 1. Import: upload, preview, confirm.
    host.goto(f"/admin/quiz/quiz/{bank.pk}/change/")
    host.get_by_role("link", name="Import questions").click()
    host.get_by_label("Question file").set_input_files(str(BANK))
    host.get_by_role("button", name="Preview the import").click()
    expect(host.get_by_role("region", name="To create (2)")).to_be_visible()
    host.get_by_role("button", name="Confirm the import").click()
    expect(host.locator(".messagelist")).to_contain_text("2 questions created")
    assert bank.questions.count() == 2

    # 2. Run it with a class of two.
    host.goto("/live/")
    host.get_by_label("Quiz").select_option(label="Async Python bank")
    host.get_by_label("Seconds per question").fill("60")
    host.get_by_role("button", name="Open the lobby").click()
    code = LiveSession.objects.get().join_code
    ada = join(new_context, code, "Ada")
    bob = join(new_context, code, "Bob")
    expect(host.locator(".lobby-count")).to_contain_text("2 players joined")
    host.get_by_role("button", name="Start").click()
    choose(ada, "done & dusted")
    choose(bob, WRONG_PICK)
    expect(host.locator("#host-stage")).to_contain_text("Correct answer: A: done & dusted")
    host.get_by_role("button", name="Next question").click()
    choose(ada, "time.sleep(1)")
    choose(bob, "time.sleep(1)")
    host.get_by_role("button", name="Show the podium").click()
    host.get_by_role("button", name="End session").click()
    expect(host.locator("#host-stage")).to_contain_text("Session ended")
    assert LiveAnswer.objects.filter(player__session__quiz=bank).count() == 4

    # 3. Read what the class got wrong: the wrong option, its count and its misconception.
    host.goto(f"/instructor/quizzes/{bank.slug}/?source=live")
    question_1 = host.locator("#question-1")
    picked = question_1.locator("tbody tr").filter(has_text=WRONG_PICK)
    expect(picked).to_contain_text("50%")
    expect(picked).to_contain_text(ITS_FEEDBACK)

    # 4. Export it: one row per response, Bob's wrong answer among them.
    with host.expect_download() as downloading:
        host.get_by_role("link", name="Download every response (CSV)").click()
    text = Path(downloading.value.path()).read_bytes().decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 4
    (wrong,) = [row for row in rows if row["correct"] == "no"]
    assert WRONG_PICK in wrong.values()
    assert "Bob" in wrong.values()

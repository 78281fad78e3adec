"""An instructor reads what the class learned, in Chromium: the report of a live
session opened from the host's final screen, and the item analysis of a practice quiz."""

from __future__ import annotations

import csv
import re
import secrets
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from live.models import LiveSession
from quiz.models import Quiz
from tests.browser.test_live_classroom_browser import join, signed_in_context
from tests.factories import finished_attempt, instructor, ordered_questions, wrong_choice

Q3_ANSWER = (
    "WSGI processes requests one at a time per worker and blocks on each request; after "
    "switching to ASGI, look for lower wait times and overlapping request handling in the "
    "Network panel."
)


def choose(page: Any, text: str) -> None:
    page.locator("#player-stage").get_by_role("button", name=text, exact=True).click()
    expect(page.locator("#player-stage")).to_contain_text("Answer locked in")


def no_horizontal_overflow(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def cells(row: Any) -> list[str]:
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def read_csv(download: Any) -> list[list[str]]:
    text = Path(download.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(text.removeprefix("\ufeff").splitlines()))


def test_the_host_opens_the_session_report_from_the_final_screen_and_downloads_it(
    new_context: Any, live_site: str, artifacts_dir: Path
) -> None:
    teacher = instructor("teacher", password=secrets.token_urlsafe(16))
    host = signed_in_context(new_context, live_site, teacher).new_page()
    host.goto("/live/")
    host.get_by_label("Quiz").select_option(label="Performance quiz: ASGI vs WSGI")
    host.get_by_label("Seconds per question").fill("60")
    host.get_by_role("button", name="Open the lobby").click()
    code = LiveSession.objects.get().join_code
    ada = join(new_context, code, "Ada")
    bob = join(new_context, code, "Bob")
    expect(host.locator(".lobby-count")).to_contain_text("2 players joined")

    host.get_by_role("button", name="Start").click()
    choose(ada, "ASGI")
    choose(bob, "WSGI")
    expect(host.locator("#host-stage")).to_contain_text("Correct answer: C: ASGI")
    host.get_by_role("button", name="Next question").click()
    choose(ada, "INP (Interaction to Next Paint)")
    choose(bob, "INP (Interaction to Next Paint)")
    expect(host.locator("#host-stage")).to_contain_text("Top 5")
    host.get_by_role("button", name="Next question").click()
    choose(ada, Q3_ANSWER)  # Bob does not answer the last question
    host.get_by_role("button", name="Reveal").click()
    host.get_by_role("button", name="Show the podium").click()
    expect(host.locator(".podium")).to_contain_text("Ada")
    host.get_by_role("button", name="End session").click()
    expect(host.locator("#host-stage")).to_contain_text("Session ended")

    host.get_by_role("link", name="Session report").click()
    expect(host.get_by_role("heading", level=1)).to_have_text(
        "Session report: Performance quiz: ASGI vs WSGI"
    )
    players = host.locator("table.session-players tbody tr")
    expect(players).to_have_count(2)
    scores = dict(LiveSession.objects.get().players.values_list("nickname", "score"))
    ada_cells, bob_cells = (cells(players.nth(n)) for n in (0, 1))
    assert ada_cells[:4] == ["1", "Ada", str(scores["Ada"]), "3 of 3"]
    assert bob_cells[:4] == ["2", "Bob", str(scores["Bob"]), "1 of 3"]
    assert ada_cells[4].endswith(" s")  # the average answer time
    glance = host.get_by_role("region", name="Questions at a glance")
    facilities = glance.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert facilities == ["50%", "100%", "100%"]
    question_1 = host.locator("#question-1")
    expect(question_1.get_by_role("img")).to_have_attribute(
        "aria-label",
        "Question 1: share of responses per option: A 0% (0); B 50% (1); "
        "C 50% (1), correct; D 0% (0)",
    )
    expect(question_1).to_contain_text("Fastest correct answers")
    expect(question_1.locator("ol li")).to_have_count(1)
    expect(question_1.locator("ol li")).to_contain_text("Ada:")
    host.screenshot(path=str(artifacts_dir / "reports-session.png"), full_page=True)

    with host.expect_download() as downloading:
        host.get_by_role("link", name="Download the results (CSV)").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".csv")
    rows = read_csv(download)
    assert rows[0][:6] == ["rank", "nickname", "score", "correct", "answered", "average time (s)"]
    ada_row, bob_row = (dict(zip(rows[0], row, strict=True)) for row in rows[1:])
    assert (ada_row["rank"], ada_row["nickname"], ada_row["correct"]) == ("1", "Ada", "3")
    assert (ada_row["Q1 option"], ada_row["Q1 correct"]) == ("C", "yes")
    assert (bob_row["nickname"], bob_row["Q1 option"], bob_row["Q1 correct"]) == ("Bob", "B", "no")
    assert (bob_row["Q3 option"], bob_row["answered"]) == ("", "2")


def test_the_item_analysis_of_a_practice_quiz_works_on_a_phone_without_javascript(
    new_context: Any, live_site: str, artifacts_dir: Path
) -> None:
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    # Four students through the services: question 2 is the hardest (one right of four).
    for pattern in (
        [True, True, True, True, True],
        [True, False, True, True, False],
        [True, False, True, False, False],
        [False, False, True, False, False],
    ):
        finished_attempt(quiz, pattern, hinted=(1,) if not pattern[1] else ())
    teacher = instructor("teacher")
    page = signed_in_context(
        new_context,
        live_site,
        teacher,
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
    ).new_page()

    page.goto("/instructor/")
    row = page.locator("tbody tr").filter(has_text="ASGI vs WSGI: practice")
    # Finished attempts, mean score (11 right of 20), live sessions, the hardest question.
    assert cells(row)[1:4] == ["4", "55%", "0"]
    assert cells(row)[4].startswith("Not yet")  # 4 responses, under the 5 needed
    page.get_by_role("link", name="ASGI vs WSGI: practice").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Item analysis")
    expect(page.locator(".report-scope")).to_contain_text("4 finished attempts")
    glance = page.get_by_role("region", name="Questions at a glance")
    firsts = glance.locator("tbody tr th").all_inner_texts()
    # Hardest first: Q2 and Q5 (25%), Q2's weaker index first, ..., Q3 (all right) last.
    assert firsts[-1].startswith("Q3")
    assert glance.locator("tbody tr").first.locator("td").nth(1).inner_text() == "25%"
    expect(page.get_by_role("img", name="Facility (share correct) per question")).to_be_visible()
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts_dir / "reports-analysis-phone.png"), full_page=True)

    # The sort control is a plain GET form: it works without JavaScript.
    page.get_by_label("Order").select_option(label="Quiz order")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=order\b"))
    firsts = glance.locator("tbody tr th").all_inner_texts()
    assert [cell.split()[0] for cell in firsts] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    facilities = glance.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert facilities == ["75%", "25%", "100%", "50%", "25%"]
    hints = glance.locator("tbody tr td:nth-child(6)").all_inner_texts()
    assert hints == ["0%", "75%", "0%", "0%", "0%"]  # the three who missed Q2 took its hint
    # Each wrong option's feedback sits beside its count.
    picked = wrong_choice(ordered_questions(quiz)[1])
    option_row = page.locator("#question-2 tbody tr").filter(has_text=picked.text)
    assert cells(option_row)[1:] == ["3", "75%", picked.feedback]
    assert no_horizontal_overflow(page)
    # On a projector: the same page, wider.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts_dir / "reports-analysis-projector.png"), full_page=True)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download this analysis (CSV)").click()
    rows = read_csv(downloading.value)
    header = rows[0]
    by_question = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_question["2"]["facility"] == "0.25"
    assert by_question["3"]["discrimination"] == ""  # everybody right: undefined

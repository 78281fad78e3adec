"""An instructor imports a Moodle question bank from the quiz's admin page, in Chromium."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.test import Client
from playwright.sync_api import expect

from quiz.models import Quiz
from tests.factories import instructor

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "moodle-async-bank.xml"


def log_in_as_staff(page: Any) -> None:
    password = secrets.token_urlsafe(16)
    instructor("teacher", password=password)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def staff_page(new_context: Any, live_site: str, **options: Any) -> Any:
    """Signed in by cookie: the sign-in form is rate limited per address, and the two
    import flows below already go through it."""
    client = Client()
    client.force_login(instructor("author"))
    context = new_context(**options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_site}]
    )
    return context.new_page()


def open_import(page: Any, quiz: Quiz) -> None:
    page.goto(f"/admin/quiz/quiz/{quiz.pk}/change/")
    page.get_by_role("link", name="Import questions").click()
    expect(page.get_by_role("heading", name=f"Import questions into {quiz.title}")).to_be_visible()


def test_an_instructor_imports_a_moodle_bank_and_sees_its_questions(page: Any) -> None:
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    log_in_as_staff(page)
    open_import(page, quiz)

    page.get_by_label("Question file").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Preview the import").click()

    created = page.get_by_role("region", name="To create (2)")
    expect(created).to_contain_text("What does this program print?")
    expect(created).to_contain_text("with a code sample")
    expect(created).to_contain_text("Which call blocks the event loop")
    skipped = page.get_by_role("region", name="Skipped (2)")
    expect(skipped).to_contain_text('<question type="essay"> #4 (Explain the event loop): essay')
    expect(skipped).to_contain_text('<question type="matching"> #5 (Match the servers): matching')
    assert quiz.questions.count() == 5

    page.get_by_role("button", name="Confirm the import").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Imported moodle-async-bank.xml: 2 questions created, 0 changed, 0 unchanged, 2 skipped."
    )
    questions = page.locator(".inline-group")
    expect(questions).to_contain_text("What does this program print?")
    expect(questions).to_contain_text("Which call blocks the event loop")
    assert [q.order for q in quiz.questions.order_by("order")] == [1, 2, 3, 4, 5, 6, 7]
    assert quiz.questions.get(order=6).code.startswith("import asyncio")


def test_a_failing_file_shows_its_errors_and_saves_nothing(page: Any, tmp_path: Path) -> None:
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    broken = tmp_path / "broken.gift.txt"
    broken.write_text(
        "::Fine::Is this fine?{=yes ~no}\n\n::Bad::Which is right?{~a ~b}\n", encoding="utf-8"
    )
    log_in_as_staff(page)
    open_import(page, quiz)

    page.get_by_label("Question file").set_input_files(str(broken))
    page.get_by_role("button", name="Preview the import").click()

    errors = page.get_by_role("region", name="Errors: nothing will be saved")
    expect(errors).to_contain_text("line 3: no answer is marked correct with =.")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    assert quiz.questions.count() == 5


def test_the_export_link_downloads_a_gift_file(new_context: Any, live_site: str) -> None:
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    page = staff_page(new_context, live_site)
    page.goto(f"/admin/quiz/quiz/{quiz.pk}/change/")
    page.get_by_role("link", name="Export questions").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="GIFT", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "asgi-vs-wsgi-practice.gift.txt"
    assert "$CATEGORY: ASGI vs WSGI: practice" in Path(download.path()).read_text(encoding="utf-8")


def test_the_preview_fits_a_phone(new_context: Any, live_site: str) -> None:
    quiz = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    page = staff_page(new_context, live_site, viewport={"width": 360, "height": 740})
    open_import(page, quiz)
    page.get_by_label("Question file").set_input_files(str(FIXTURE))
    page.keyboard.press("Tab")  # the form works from the keyboard
    page.get_by_role("button", name="Preview the import").press("Enter")
    expect(page.get_by_role("region", name="To create (2)")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

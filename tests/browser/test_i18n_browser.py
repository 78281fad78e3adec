"""A student switches the site to French with the keyboard, reads the lesson and answers
a practice question: the feedback the socket sends is in French too."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from quiz.models import Quiz
from tests.factories import ordered_questions, wrong_choice


def test_a_student_switches_to_french_and_the_socket_answers_in_french(page: Any) -> None:
    page.goto("/lessons/asgi-vs-wsgi/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Keyboard only: Tab reaches the header's link to the switch, Enter opens it; there
    # an arrow key on the select picks the next language, and language.js sends the form
    # (without JavaScript: Tab, then Enter on "Change language").
    link = page.get_by_role("link", name="Language: English")
    for _ in range(200):
        if link.evaluate("a => a === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Language")).to_be_visible()
    switch = page.get_by_label("Language")
    for _ in range(200):
        if switch.evaluate("select => select === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(switch).to_be_focused()
    page.keyboard.press("ArrowDown")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.url.endswith("/lessons/asgi-vs-wsgi/")  # set_language came back here
    expect(page.get_by_role("heading", name="Choisissez comment apprendre")).to_be_visible()
    expect(page.get_by_role("heading", name="Vos façons d’apprendre")).to_be_visible()
    expect(page.get_by_role("link", name="Langue : Français")).to_be_visible()
    expect(page.get_by_text("Choose how to learn")).to_have_count(0)

    page.get_by_role("link", name="ASGI vs WSGI: practice").first.click()
    page.get_by_role("button", name="Commencer l’entraînement").click()
    expect(page.locator("#socket-status")).to_have_text("Retour en direct connecté")
    expect(page.locator("#progress")).to_contain_text("Question 1 sur 5")
    expect(page.get_by_role("group", name="Choisissez une réponse")).to_be_visible()

    practice = Quiz.objects.get(slug="asgi-vs-wsgi-practice")
    wrong = wrong_choice(ordered_questions(practice)[0])
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.keyboard.press(wrong.letter)  # the letter keys answer, as on screen

    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Faux")
    expect(verdict).to_contain_text("La bonne réponse est")
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("Solution")
    expect(feedback).to_contain_text("Réponse finale")
    expect(page.get_by_role("button", name="Question suivante")).to_be_focused()
    expect(page.get_by_text("Next question")).to_have_count(0)
    expect(page.get_by_text("Incorrect")).to_have_count(0)
    expect(page.locator("#progress")).to_contain_text("Score : 0 sur 1 réponses")
    assert navigations == []  # the feedback came over the socket, not with a page load

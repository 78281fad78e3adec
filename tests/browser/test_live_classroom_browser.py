"""A class plays live: one host screen and three phones, in four browser contexts."""

from __future__ import annotations

import secrets
from typing import Any

from django.test import Client
from playwright.sync_api import expect

from live.models import LiveSession, Player
from tests.factories import instructor

PERFORMANCE_ANSWERS = [
    "ASGI",
    "INP (Interaction to Next Paint)",
]


def staff_context(new_context: Any, live_site: str, **options: Any) -> Any:
    user = instructor("teacher", password=secrets.token_urlsafe(16))
    return signed_in_context(new_context, live_site, user, **options)


def signed_in_context(new_context: Any, live_site: str, user: Any, **options: Any) -> Any:
    """A browser context signed in as `user` by cookie (the sign-in forms are rate limited
    per address, and their own tests drive them)."""
    client = Client()
    client.force_login(user)
    context = new_context(**options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_site}]
    )
    return context


def join(new_context: Any, code: str, nickname: str) -> Any:
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto("/join")
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name=f"You're in, {nickname}!")).to_be_visible()
    expect(page.locator("#socket-status")).to_have_text("")
    return page


def correct_button(page: Any, text: str) -> Any:
    return page.locator("#player-stage").get_by_role("button", name=text, exact=True)


def test_a_class_plays_live_with_a_reload_and_a_podium(
    new_context: Any, live_site: str, artifacts_dir: Any
) -> None:
    host = staff_context(new_context, live_site).new_page()
    host.goto("/live/")
    host.get_by_label("Quiz").select_option(label="Performance quiz: ASGI vs WSGI")
    host.get_by_label("Seconds per question").fill("30")
    host.get_by_role("button", name="Open the lobby").click()
    code = LiveSession.objects.get().join_code
    expect(host.locator(".join-code")).to_have_text(code)

    ada = join(new_context, code, "Ada")
    bob = join(new_context, code, "Bob")
    cy = join(new_context, code, "<script>Cy</script>")
    expect(host.locator(".lobby-count")).to_contain_text("3 players joined")
    expect(host.locator("#host-players")).to_contain_text("<script>Cy</script>")
    host.screenshot(path=str(artifacts_dir / "live-lobby.png"), full_page=True)

    # Question 1: Ada answers at once, Bob a little later, Cy wrongly.
    host.get_by_role("button", name="Start").click()
    expect(host.locator("#host-stage")).to_contain_text("Question 1 of 3")
    # Ada uses the keyboard: her answer's screen keeps her place and is announced.
    ada.evaluate("document.getElementById('player-stage').dataset.first = 'yes'")
    correct_button(ada, "ASGI").focus()
    ada.keyboard.press("Enter")
    expect(ada.locator("#player-stage")).to_contain_text("Answer locked in")
    ada.wait_for_function(
        "() => document.getElementById('player-stage').contains(document.activeElement)"
    )
    # The same live region, its content swapped: a replaced region is often not read.
    expect(ada.locator("#player-stage")).to_have_attribute("data-first", "yes")
    expect(host.locator("#answer-count")).to_contain_text("1 of 3 answered")
    # Cy answers wrongly: until the reveal his phone reads as Ada's, right, does.
    correct_button(cy, "WSGI").click()
    expect(cy.locator("#player-stage")).to_contain_text("Answer locked in")
    expect(host.locator("#answer-count")).to_contain_text("2 of 3 answered")
    assert ada.locator("#player-stage").inner_text().replace("You chose C", "You chose X") == (
        cy.locator("#player-stage").inner_text().replace("You chose B", "You chose X")
    )
    assert ada.locator("#player-status .player-score").inner_text() == "0 points"
    assert cy.locator("#player-status .player-score").inner_text() == "0 points"
    bob.wait_for_timeout(2500)
    correct_button(bob, "ASGI").click()

    # Everybody answered: the reveal comes by itself, on every screen.
    expect(host.locator("#host-stage")).to_contain_text("Correct answer: C: ASGI")
    for phone in (ada, bob, cy):
        expect(phone.locator("#player-stage")).to_contain_text("Correct answer: C: ASGI")
    expect(cy.locator("#player-stage")).to_contain_text("Not this time")
    scores = {p.nickname: p.score for p in Player.objects.all()}
    assert scores["Ada"] > scores["Bob"] > scores["<script>Cy</script>"] == 0
    board = host.locator("#host-stage .board-list li .board-name").all_inner_texts()
    assert board == ["Ada", "Bob", "<script>Cy</script>"]
    host.screenshot(path=str(artifacts_dir / "live-reveal.png"), full_page=True)

    # Question 2: Bob reloads mid-question and keeps his score.
    host.get_by_role("button", name="Next question").click()
    expect(bob.locator("#player-stage")).to_contain_text("Question 2 of 3")
    bob.reload()
    expect(bob.locator("#player-status")).to_contain_text(f"{scores['Bob']} points")
    correct_button(bob, PERFORMANCE_ANSWERS[1]).click()
    expect(bob.locator("#player-stage")).to_contain_text("Answer locked in")
    correct_button(ada, PERFORMANCE_ANSWERS[1]).click()
    correct_button(cy, PERFORMANCE_ANSWERS[1]).click()
    expect(host.locator("#host-stage")).to_contain_text("Top 5")

    # Question 3: the host reveals before anybody answers.
    host.get_by_role("button", name="Next question").click()
    expect(ada.locator("#player-stage")).to_contain_text("Question 3 of 3")
    host.get_by_role("button", name="Reveal").click()
    expect(ada.locator("#player-stage")).to_contain_text("You did not answer")
    host.get_by_role("button", name="Show the podium").click()

    expect(host.locator(".podium")).to_contain_text("Ada")
    final = list(Player.objects.order_by("-score").values_list("nickname", flat=True))
    assert host.locator(".podium-list .board-name").all_inner_texts() == final
    expect(ada.locator(".final-rank")).to_contain_text("You finished rank 1 of 3")
    host.screenshot(path=str(artifacts_dir / "live-podium.png"), full_page=True)
    ada.screenshot(path=str(artifacts_dir / "live-player-final.png"), full_page=True)

    host.get_by_role("button", name="End session").click()
    expect(host.locator("#host-stage")).to_contain_text("Session ended")
    assert LiveSession.objects.get().ended_at is not None


def test_a_redraw_for_someone_elses_kick_leaves_a_keyboard_players_focus_where_it_was(
    new_context: Any, live_site: str
) -> None:
    """Enter must answer what the player chose: never an option focus jumped to."""
    host = staff_context(new_context, live_site).new_page()
    host.goto("/live/")
    host.get_by_label("Quiz").select_option(label="Performance quiz: ASGI vs WSGI")
    host.get_by_role("button", name="Open the lobby").click()
    code = LiveSession.objects.get().join_code
    ada = join(new_context, code, "Ada")
    join(new_context, code, "Bob")
    expect(host.locator(".lobby-count")).to_contain_text("2 players joined")
    host.get_by_role("button", name="Start").click()
    expect(ada.locator("#player-stage")).to_contain_text("Question 1 of 3")

    correct_button(ada, "WSGI").focus()
    ada.evaluate("document.querySelectorAll('#player-stage button').forEach(b => b.dataset.old=1)")
    host.get_by_role("button", name="Kick Bob").click()
    ada.wait_for_function("() => !document.querySelector('#player-stage [data-old]')")

    focused = ada.evaluate("document.activeElement.querySelector('.choice-text').textContent")
    assert focused == "WSGI"
    ada.keyboard.press("Enter")
    expect(ada.locator("#player-stage")).to_contain_text("Answer locked in")
    assert not Player.objects.get(nickname="Ada").answers.get().is_correct  # WSGI, as chosen

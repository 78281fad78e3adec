"""The host screen on a 1920x1080 projector, and phones that scan its QR code."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from live.models import LiveSession
from tests.browser.test_live_classroom_browser import correct_button, staff_context

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def px(page: Any, selector: str, prop: str = "font-size") -> float:
    value: str = page.locator(selector).first.evaluate(
        f"(e) => getComputedStyle(e).getPropertyValue('{prop}')"
    )
    return float(value.removesuffix("px"))


def tile_colours(page: Any, selector: str) -> list[str]:
    colours: list[str] = page.locator(selector).evaluate_all(
        "(tiles) => tiles.map((t) => getComputedStyle(t).backgroundColor)"
    )
    return colours


def scan_and_join(new_context: Any, link: str, nickname: str) -> Any:
    """What a phone does with the QR code: open its link, type a nickname, press Enter."""
    phone = new_context(viewport=PHONE).new_page()
    phone.goto(link)
    nickname_box = phone.get_by_label("Nickname")
    expect(nickname_box).to_be_focused()  # the code is filled in: straight to the name
    phone.keyboard.type(nickname)
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name=f"You're in, {nickname}!")).to_be_visible()
    return phone


def test_the_projector_screen_reads_from_the_back_and_phones_join_by_its_qr_code(
    new_context: Any, live_site: str, artifacts_dir: Any
) -> None:
    host_context = staff_context(new_context, live_site)
    host = host_context.new_page()
    host.set_viewport_size(PROJECTOR)
    host.goto("/live/")
    host.get_by_label("Quiz").select_option(label="Performance quiz: ASGI vs WSGI")
    host.get_by_role("button", name="Open the lobby").click()
    code = LiveSession.objects.get().join_code

    # The whole screen is the game: no site navigation; a QR code names itself.
    expect(host.locator(".site-header")).to_have_count(0)
    qr = host.get_by_role("img", name="QR code: scan it to join")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 200
    link = f"{live_site}/join?code={code}"
    phones = [scan_and_join(new_context, link, name) for name in ("Ada", "Bob", "Cy 🚀")]
    expect(host.locator(".lobby-count")).to_contain_text("3 players joined")
    # The rocket draws from the stack's emoji font, not as an empty box.
    expect(host.locator("#host-players")).to_contain_text("Cy 🚀")
    family = host.locator("#host-players .player-name").first.evaluate(
        "(e) => getComputedStyle(e).fontFamily"
    )
    assert "Noto Color Emoji" in family
    host.screenshot(path=str(artifacts_dir / "projector-lobby.png"))

    host.get_by_role("button", name="Start").click()
    expect(host.locator("#host-stage")).to_contain_text("Question 1 of 3")
    assert px(host, ".live-prompt") >= 40
    assert px(host, ".countdown") >= 56
    assert px(host, ".answer-count") >= 40
    tiles = host.locator(".host-choices .tile")
    expect(tiles).to_have_count(4)
    assert tiles.locator(".tile-shape").all_inner_texts() == ["▲", "◆", "●", "■"]
    host_colours = tile_colours(host, ".host-choices .tile")
    assert len(set(host_colours)) == 4
    for phone in phones:  # the same colour and shape for the same option
        expect(phone.locator("#player-stage .tile")).to_have_count(4)
        assert tile_colours(phone, "#player-stage .tile") == host_colours
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    host.screenshot(path=str(artifacts_dir / "projector-question.png"))
    phones[0].screenshot(path=str(artifacts_dir / "projector-phone-question.png"))

    # Ada fastest and right, Bob right, Cy wrong: the podium has three steps.
    correct_button(phones[0], "ASGI").click()
    correct_button(phones[1], "ASGI").click()
    correct_button(phones[2], "WSGI").click()
    expect(host.locator("#host-stage")).to_contain_text("Top 5")
    for _ in range(2):
        host.get_by_role("button", name="Next question").click()
        host.get_by_role("button", name="Reveal").click()
    host.get_by_role("button", name="Show the podium").click()
    steps = {
        place: host.locator(f".podium-{place} .podium-step").bounding_box() for place in (1, 2, 3)
    }
    assert steps[2]["x"] < steps[1]["x"] < steps[3]["x"]  # the winner in the middle
    assert steps[1]["height"] > steps[2]["height"] > steps[3]["height"]
    expect(host.locator(".podium-1 .board-name")).to_have_text("Ada")
    host.screenshot(path=str(artifacts_dir / "projector-podium.png"))

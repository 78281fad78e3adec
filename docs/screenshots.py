"""The README's pictures, from a real run: `make screenshots`.

Serves the site with Daphne on a fresh SQLite database with the seed content (the
recommended production settings, as the benchmarks run it), then drives Debian's
Chromium with Playwright: the lesson page, a practice answer with its feedback, and
the host screen on a 1920x1080 projector with three phones in the game. Writes
docs/screenshot-lesson.png, docs/screenshot-practice.png and docs/screenshot-host.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 - after the path above

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DOCS = ROOT / "docs"


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory(prefix="quizsite-shots-") as tmp:
        work = Path(tmp)
        env = common.server_env(
            database_url=f"sqlite:///{work / 'db.sqlite3'}",
            static_root=work / "static",
            RATELIMIT_JOIN_ROOM="1000/m",
        )
        common.run_python(["-c", common.MIGRATE_AND_LOAD], env)
        common.collectstatic(work / "static", env)
        room = common.run_json(["bench/prepare.py", "live", "--players", "0"], env)
        server = common.daphne("screenshots", "quizsite.asgi:application", env, work)
        site = f"http://127.0.0.1:{server.port}"
        with common.running(server), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            laptop = browser.new_context(base_url=site, viewport={"width": 1366, "height": 900})
            page = laptop.new_page()
            page.goto("/lessons/asgi-vs-wsgi/")
            page.screenshot(path=str(DOCS / "screenshot-lesson.png"))

            page.goto("/quiz/asgi-vs-wsgi-practice/")
            page.get_by_role("button", name="Start practice").click()
            expect(page.locator("#socket-status")).to_have_text("Live feedback connected")
            page.locator("button.choice").nth(1).click()
            expect(page.locator("#verdict p")).to_be_visible()
            page.screenshot(path=str(DOCS / "screenshot-practice.png"), full_page=True)

            projector = browser.new_context(base_url=site, viewport={"width": 1920, "height": 1080})
            projector.add_cookies([{"name": "sessionid", "value": room["host"], "url": site}])
            host = projector.new_page()
            host.goto(f"/live/{room['code']}/host/")
            phones = []
            for name in ("Ada", "Bob", "Chidi 🚀"):
                phone = browser.new_context(
                    base_url=site, viewport={"width": 390, "height": 844}
                ).new_page()
                phone.goto(f"/join?code={room['code']}")
                phone.get_by_label("Nickname").fill(name)
                phone.get_by_role("button", name="Join").click()
                phones.append(phone)
            expect(host.locator(".lobby-count")).to_contain_text("3 players joined")
            host.get_by_role("button", name="Start").click()
            expect(host.locator("#host-stage")).to_contain_text("Question 1 of 3")
            phones[0].locator("#player-stage .tile").nth(2).click()
            expect(host.locator("#answer-count")).to_contain_text("1 of 3 answered")
            host.screenshot(path=str(DOCS / "screenshot-host.png"))
            browser.close()
    for name in ("lesson", "practice", "host"):
        common.progress(f"wrote docs/screenshot-{name}.png")


if __name__ == "__main__":
    main()

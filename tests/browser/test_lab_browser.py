"""The "Measure it" panel in Chromium: the browser's own run, timed with Resource Timing
and drawn as a waterfall; the same panel without JavaScript; a phone and a projector."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import free_port, start_daphne

LESSON = "/lessons/asgi-vs-wsgi/"


def requests_to(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def run_with_the_keyboard(page: Any, requests: int) -> None:
    page.get_by_label("Requests to send at once (1 to 20)").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(requests))
    page.keyboard.press("Enter")


def test_a_learner_runs_the_lab_in_the_browser_and_reads_the_waterfall(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto(LESSON)
    seen = requests_to(page)
    panel = page.locator("#measure-it")
    expect(panel.get_by_role("heading", name="Measure it")).to_be_visible()

    run_with_the_keyboard(page, 4)

    status = page.get_by_role("status").filter(has_text="ran one after another")
    expect(status).to_have_text(
        re.compile(
            r"^The sync requests ran one after another: 4 × 200 ms = 0\.8 s \(measured: "
            r"\d\.\d\d s\); the async ones overlapped: 0\.\d\d s\.$"
        ),
        timeout=15_000,
    )
    expect(page).to_have_url(re.compile(r"/lessons/asgi-vs-wsgi/$"))  # no page load
    expect(
        panel.get_by_role("heading", name=re.compile("Measured by your browser"))
    ).to_be_visible()
    charts = panel.get_by_role("img")
    expect(charts).to_have_count(2)
    expect(charts.first.locator("g.lab-bar")).to_have_count(4)
    expect(charts.last.locator("g.lab-bar")).to_have_count(4)
    summary = panel.get_by_role("table", name="The run in numbers")
    expect(summary.get_by_role("row")).to_have_count(3)
    expect(summary.get_by_role("row").nth(1)).to_contain_text("4 of 4")
    panel.screenshot(path=str(artifacts_dir / "lab-browser-run.png"))

    sync_sent = [u for u in seen if "/lab/wait/sync/" in u]
    async_sent = [u for u in seen if "/lab/wait/async/" in u]
    assert len(sync_sent) == len(async_sent) == 4
    drawn = next(u for u in seen if "/lab/concurrency/result/" in u)
    query = parse_qs(urlparse(drawn).query)
    # Only a Resource Timing entry knows the protocol; its serverTiming the server's queue.
    assert query["protocol"] == ["http/1.1"]
    queued = [float(row.split(",")[3]) for row in query["sync"][0].split(";")]
    # The last of four began three waits after the first; they arrived well within one.
    assert max(queued) - min(queued) >= 2 * 199

    page.get_by_text("Every request, in milliseconds").click()
    sync_rows = panel.get_by_role("table", name="Sync: one synchronous worker").get_by_role("row")
    expect(sync_rows).to_have_count(5)


def test_running_it_again_replaces_the_result(page: Any) -> None:
    page.goto(LESSON)
    run_with_the_keyboard(page, 3)
    expect(page.locator(".lab-readback")).to_contain_text("3 × 200 ms", timeout=15_000)

    run_with_the_keyboard(page, 2)

    expect(page.locator(".lab-readback")).to_contain_text("2 × 200 ms", timeout=15_000)
    expect(page.locator(".lab-run")).to_have_count(1)
    expect(page.get_by_role("img").first.locator("g.lab-bar")).to_have_count(2)


def test_without_javascript_the_server_measures_the_run_itself(
    new_context: Any, artifacts_dir: Path
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(LESSON)

    page.get_by_label("Requests to send at once (1 to 20)").fill("3")
    page.get_by_role("button", name="Run").click()

    expect(page).to_have_url(re.compile(r"/lab/concurrency/run/\?lesson=asgi-vs-wsgi&requests=3$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Blocking and non-blocking requests, side by side"
    )
    expect(page.get_by_role("heading", name=re.compile("Measured by the server"))).to_be_visible()
    expect(page.locator(".lab-readback")).to_have_text(
        re.compile(r"^The sync requests ran one after another: 3 × 200 ms = 0\.6 s")
    )
    expect(page.get_by_role("img")).to_have_count(2)
    expect(page.get_by_label("Requests to send at once (1 to 20)")).to_have_value("3")
    page.screenshot(path=str(artifacts_dir / "lab-no-javascript.png"), full_page=True)

    page.get_by_role("link", name="Back to the lesson").click()
    expect(page).to_have_url(re.compile(r"/lessons/asgi-vs-wsgi/#measure-it$"))


def test_a_number_out_of_bounds_is_refused_by_the_server_too(new_context: Any) -> None:
    page = new_context(java_script_enabled=False).new_page()

    page.goto("/lab/concurrency/run/?requests=500&lesson=asgi-vs-wsgi")

    expect(page.get_by_role("alert")).to_have_text(
        "Choose a whole number of requests from 1 to 20."
    )
    expect(page.locator(".lab-run")).to_have_count(0)


def fits(page: Any) -> bool:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    return widths["scroll"] <= widths["inner"] + 1


def test_the_result_fits_a_phone_and_sits_side_by_side_on_a_projector(
    new_context: Any, artifacts_dir: Path
) -> None:
    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(LESSON)
    run_with_the_keyboard(page, 20)
    expect(page.locator(".lab-readback")).to_contain_text("20 × 200 ms = 4 s", timeout=30_000)
    page.locator("#measure-it").screenshot(path=str(artifacts_dir / "lab-phone.png"))
    assert fits(page)

    projector = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    url = page.evaluate("() => location.href")
    projector.goto(url)
    projector.get_by_role("button", name="Run").click()
    expect(projector.locator(".lab-readback")).to_be_visible(timeout=30_000)
    sync_box = projector.locator("figure.lab-chart-sync").bounding_box()
    async_box = projector.locator("figure.lab-chart-async").bounding_box()
    projector.locator("#measure-it").screenshot(path=str(artifacts_dir / "lab-projector.png"))
    assert abs(sync_box["y"] - async_box["y"]) < 1  # one beside the other
    assert async_box["x"] > sync_box["x"] + sync_box["width"] - 1
    assert fits(projector)


@pytest.fixture
def busy_site(live_site: str, artifacts_dir: Path) -> Iterator[str]:
    """A second server on the same database whose sync worker has room for one request."""
    port = free_port()
    process = start_daphne(port, artifacts_dir / "daphne-lab-busy.log", LAB_SYNC_QUEUE="1")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_requests_turned_away_are_shown_and_run_waits_as_the_server_asked(
    browser: Any, busy_site: str
) -> None:
    context = browser.new_context(base_url=busy_site)
    problems: list[str] = []
    context.on("page", lambda p: p.on("pageerror", lambda e: problems.append(str(e))))
    page = context.new_page()
    page.goto(LESSON)
    seen = requests_to(page)
    try:
        run_with_the_keyboard(page, 3)

        expect(page.locator(".lab-readback")).to_contain_text(
            "2 of the sync requests were turned away because the lab was busy", timeout=15_000
        )
        page.get_by_text("Every request, in milliseconds").click()
        sync_table = page.get_by_role("table", name="Sync: one synchronous worker")
        expect(sync_table.get_by_role("row").filter(has_text="busy")).to_have_count(2)
        expect(page.locator("g.lab-bar-busy")).to_have_count(2)
        sent = len(seen)

        run_with_the_keyboard(page, 3)  # at once: the server said to come back in 5 s

        expect(page.locator("#lab-status")).to_have_text(
            re.compile(r"^The lab turned requests away: run it again in [1-5] s\.$")
        )
        assert len(seen) == sent  # nothing was sent
    finally:
        context.close()
    assert problems == []

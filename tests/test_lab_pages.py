"""The "Measure it" panel on the lesson page and the lab's two pages, as the Django test
client receives them (the server-measured run against a real server is in
test_lab_server_run.py; the panel in Chromium in browser/test_lab_browser.py)."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.test.html import Element, parse_html
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lab import services
from lab.bounds import ASYNC_PATH, MAX_REQUESTS, SYNC_PATH
from lessons.models import Lesson, Section
from tests.test_headings import assert_well_ordered
from tests.test_lesson_pages import attr, classes, find_all, text, walk

pytestmark = pytest.mark.django_db

LESSON_URL = "/lessons/asgi-vs-wsgi/"
RUN_URL = "/lab/concurrency/run/"
RESULT_URL = "/lab/concurrency/result/"


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> Any:
    settings.RATELIMIT_LAB_RUNS = "12/d"
    cache.clear()
    yield
    cache.clear()


def lesson_document(client: Client) -> Element:
    response = client.get(LESSON_URL)
    assert response.status_code == 200
    return parse_html(response.content.decode())


def panel_of(document: Element) -> Element:
    found = [s for s in find_all(document, "section") if attr(s, "id") == "measure-it"]
    assert len(found) == 1
    return found[0]


def panel_html(client: Client) -> str:
    html = client.get(LESSON_URL).content.decode()
    match = re.search(r'<section class="lab" id="measure-it".*?</section>', html, re.S)
    assert match
    return match.group(0)


def sections_in_order(document: Element) -> list[str]:
    return [
        text(find_all(section, "h2")[0])
        for article in find_all(document, "article")
        for section in article.children
        if isinstance(section, Element) and section.name == "section"
    ]


def test_the_panel_comes_right_after_the_comparison_table(client: Client, seeded: None) -> None:
    headings = sections_in_order(lesson_document(client))

    position = headings.index("Performance Comparison")
    assert headings[position + 1] == "Measure it"
    assert headings.count("Measure it") == 1


def test_the_panel_is_a_plain_get_form_of_1_to_20_requests(client: Client, seeded: None) -> None:
    panel = panel_of(lesson_document(client))
    (form,) = find_all(panel, "form")
    number = next(i for i in find_all(form, "input") if attr(i, "name") == "requests")
    hidden = {
        attr(i, "name"): attr(i, "value")
        for i in find_all(form, "input")
        if attr(i, "type") == "hidden"
    }

    assert attr(form, "method") == "get"
    assert attr(form, "action") == RUN_URL
    assert (attr(number, "type"), attr(number, "min"), attr(number, "max")) == ("number", "1", "20")
    assert attr(number, "id") == "lab-requests"
    assert any(attr(label, "for") == "lab-requests" for label in find_all(form, "label"))
    assert hidden == {"lesson": "asgi-vs-wsgi"}  # no CSRF token: the panel is cached for all
    assert [text(b) for b in find_all(form, "button")] == ["Run"]


def test_the_panel_says_honestly_what_each_endpoint_simulates(client: Client, seeded: None) -> None:
    panel = panel_of(lesson_document(client))
    terms = [text(dt) for dt in find_all(panel, "dt")]
    said = text(panel)

    assert terms == ["Sync: one synchronous worker", "Async: the event loop"]
    assert "Every request waits 200 ms of simulated I/O (a sleep), fixed on the server" in said
    assert "as one gunicorn sync worker runs a WSGI app: requests wait their turn" in said
    assert "Each server process has one such worker" in said
    assert "with room for 40 requests" in said
    assert "up to 100 at once per server process" in said
    assert attr(panel, "data-sync-url") == SYNC_PATH
    assert attr(panel, "data-async-url") == ASYNC_PATH


def test_the_panel_announces_through_a_live_region_and_loads_its_script_from_a_file(
    client: Client, seeded: None
) -> None:
    document = lesson_document(client)
    panel = panel_of(document)
    (status,) = [p for p in walk(panel) if attr(p, "id") == "lab-status"]

    assert attr(status, "role") == "status"
    assert attr(status, "aria-live") == "polite"
    scripts = [attr(s, "src") for s in find_all(document, "script")]
    assert "/static/js/lab.js" in scripts
    assert all(s.children == [] for s in find_all(document, "script"))  # no inline script


def test_every_visitor_gets_the_same_panel_from_the_cached_body(
    client: Client, seeded: None
) -> None:
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("teacher", is_staff=True))

    assert panel_html(client) == panel_html(staff)
    assert "csrfmiddlewaretoken" not in panel_html(staff)


def test_a_section_without_a_lab_shows_no_panel(client: Client, seeded: None) -> None:
    section = Section.objects.get(heading="Performance Comparison")
    client.get(LESSON_URL)
    section.lab = ""
    section.save()

    assert "measure-it" not in client.get(LESSON_URL).content.decode()


def test_a_section_naming_a_lab_that_does_not_exist_shows_nothing_and_logs(
    client: Client, seeded: None, caplog: pytest.LogCaptureFixture
) -> None:
    Section.objects.filter(heading="Performance Comparison").update(lab="fusion-reactor")
    Lesson.objects.get().touch()

    with caplog.at_level(logging.WARNING, logger="lab.templatetags.lab_panels"):
        response = client.get(LESSON_URL)

    assert response.status_code == 200
    assert "measure-it" not in response.content.decode()
    assert "no lab panel named 'fusion-reactor'" in caplog.text


# The result of a run the browser measured (what static/js/lab.js sends)


def timings(count: int, *, serial: bool) -> str:
    rows = []
    for i in range(count):
        end = (i + 1) * 205 if serial else 205
        queued = i * 205 if serial else 0
        rows.append(f"0,1,{end},{queued},200.1,ok")
    return ";".join(rows)


def browser_run(count: int = 3, **extra: str) -> dict[str, str]:
    return {
        "requests": str(count),
        "lesson": "asgi-vs-wsgi",
        "protocol": "http/1.1",
        "sync": timings(count, serial=True),
        "async": timings(count, serial=False),
        **extra,
    }


def test_a_browsers_run_comes_back_as_the_result_partial_for_the_script(client: Client) -> None:
    response = client.get(RESULT_URL, browser_run(3), headers={"HX-Request": "true"})
    html = response.content.decode()
    fragment = parse_html(html)

    assert response.status_code == 200
    assert "<html" not in html
    assert "Measured by your browser: 3 requests to each endpoint" in text(fragment)
    assert (
        "The sync requests ran one after another: 3 × 200 ms = 0.6 s (measured: 0.61 s); "
        "the async ones overlapped: 0.20 s."
    ) in text(fragment)
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]


def test_the_waterfall_draws_a_bar_per_request_with_attributes_not_styles(client: Client) -> None:
    html = client.get(RESULT_URL, browser_run(4), headers={"HX-Request": "true"}).content.decode()
    fragment = parse_html(html)
    charts = find_all(fragment, "svg")

    assert len(charts) == 2
    for svg in charts:
        assert attr(svg, "role") == "img"
        assert attr(svg, "aria-label")
        bars = [g for g in find_all(svg, "g") if "lab-bar" in classes(g)]
        assert len(bars) == 4
        for rect in find_all(svg, "rect"):
            assert {"x", "y", "width", "height"} <= dict(rect.attributes).keys()
    assert "style=" not in html
    assert "<style" not in html


def test_the_waterfall_has_its_numbers_as_tables(client: Client) -> None:
    fragment = parse_html(
        client.get(RESULT_URL, browser_run(3), headers={"HX-Request": "true"}).content.decode()
    )
    tables = find_all(fragment, "table")
    summary = tables[0]
    rows = [
        [text(cell) for cell in row.children if isinstance(cell, Element)]
        for row in find_all(summary, "tr")
    ]

    assert len(tables) == 3  # the summary, then every request of each endpoint
    assert rows[0] == [
        "Endpoint",
        "Answered",
        "Total",
        "p50",
        "p99",
        "Most in flight at once",
        "Server: longest wait for the worker",
    ]
    assert rows[1] == [
        "Sync: one synchronous worker",
        "3 of 3",
        "615 ms",
        "410 ms",
        "615 ms",
        "3",
        "410 ms",
    ]
    assert rows[2] == ["Async: the event loop", "3 of 3", "205 ms", "205 ms", "205 ms", "3", "0 ms"]
    assert len(find_all(tables[1], "tr")) == 4


def test_a_link_to_a_browsers_run_shows_it_as_a_whole_page(client: Client) -> None:
    response = client.get(RESULT_URL, browser_run(2))
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" in html
    assert "Measured by your browser: 2 requests to each endpoint" in html
    assert 'href="/lessons/asgi-vs-wsgi/#measure-it"' in html
    assert 'value="2"' in html  # the form, ready to run again
    assert_well_ordered(html)


BAD_RUNS = {
    "no requests": {"requests": ""},
    "zero requests": {"requests": "0"},
    "too many": {"requests": str(MAX_REQUESTS + 1)},
    "not a number": {"sync": "0,1,abc,0,200,ok;" * 2 + "0,1,2,0,200,ok"},
    "negative": {"sync": "-5,1,205,0,200,ok;0,1,410,205,200,ok;0,1,615,410,200,ok"},
    "not finite": {"async": "0,1,nan,0,200,ok;0,1,inf,0,200,ok;0,1,205,0,200,ok"},
    "ends before it starts": {"async": "300,300,205,0,200,ok;0,1,205,0,200,ok;0,1,205,0,200,ok"},
    "unknown outcome": {"async": "0,1,205,0,200,teapot;0,1,205,0,200,ok;0,1,205,0,200,ok"},
    "fields missing": {"sync": "0,1,205;0,1,410;0,1,615"},
    "counts that do not match": {"async": "0,1,205,0,200,ok"},
    "more than twenty": {"requests": "3", "sync": ";".join(["0,1,205,0,200,ok"] * 21)},
    "far too long": {"sync": "0" * 5000},
    "a strange protocol": {"protocol": "<script>"},
    "a strange lesson": {"lesson": "../../admin"},
}


@pytest.mark.parametrize("change", BAD_RUNS.values(), ids=BAD_RUNS.keys())
def test_timings_the_lab_never_sends_get_a_message_and_a_log_line_not_a_crash(
    client: Client, change: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="lab.views"):
        partial = client.get(RESULT_URL, browser_run(3, **change), headers={"HX-Request": "true"})
        page = client.get(RESULT_URL, browser_run(3, **change))

    assert partial.status_code == page.status_code == 400
    assert 'class="message error" role="alert"' in partial.content.decode()
    assert "<html" in page.content.decode()
    assert "a browser's timings refused" in caplog.text


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(["requests", "sync", "async", "protocol", "lesson"]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=120)
        | st.from_regex(r"\A(\d{1,4}(\.\d)?,){5}(ok|busy|failed)(;(\d{1,4},){5}ok){0,3}\Z"),
    )
)
def test_no_query_string_crashes_the_result_page(client: Client, data: dict[str, str]) -> None:
    response = client.get(f"{RESULT_URL}?{urlencode(data)}")

    assert response.status_code in {200, 400}


# The run the server measures (no JavaScript): what is refused before any request is sent


@pytest.mark.parametrize("requests", ["", "0", "21", "2.5", "ten", "-1", "²"])
def test_a_run_of_the_wrong_size_is_refused_with_the_bounds(client: Client, requests: str) -> None:
    response = client.get(RUN_URL, {"requests": requests, "lesson": "asgi-vs-wsgi"})

    assert response.status_code == 400
    assert "Choose a whole number of requests from 1 to 20." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_server_that_cannot_reach_itself_says_so(client: Client) -> None:
    """The test client is no server: its requests arrive on no socket of the site's own."""
    response = client.get(RUN_URL, {"requests": "3"})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert str(services.NoOwnAddress.message) in response.content.decode()


def test_runs_past_the_rate_limit_get_429_and_a_log_line(
    client: Client, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.RATELIMIT_LAB_RUNS = "2/d"

    first = [client.get(RUN_URL, {"requests": "3"}).status_code for _ in range(2)]
    with caplog.at_level(logging.WARNING, logger="lab.views"):
        refused = client.get(RUN_URL, {"requests": "3"})

    assert first == [503, 503]  # counted, though this client can reach no server
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "This address started more runs than 2/d" in refused.content.decode()
    assert "lab run rate limit hit from 127.0.0.1" in caplog.text


def test_only_safe_methods_reach_the_lab_pages(client: Client) -> None:
    assert client.post(RUN_URL, {"requests": "3"}).status_code == 405
    assert client.post(RESULT_URL, browser_run(3)).status_code == 405


async def test_a_run_beyond_the_servers_cap_is_turned_away_before_sending_anything(
    settings: Any,
) -> None:
    settings.LAB_SERVER_RUNS = 0

    with pytest.raises(services.Busy):
        await services.measure_on_server(requests=3, server=("127.0.0.1", 9), host="localhost")
    assert services.server_runs.running == 0


async def test_a_run_is_bounded_in_the_service_too() -> None:
    for requests in (0, MAX_REQUESTS + 1):
        with pytest.raises(ValueError, match="1 to 20 requests"):
            await services.measure_on_server(requests=requests, server=("127.0.0.1", 9), host="x")


@pytest.mark.parametrize(
    ("server", "url"),
    [
        (("127.0.0.1", 8000), "http://127.0.0.1:8000"),
        (["10.0.0.5", 443], "http://10.0.0.5:443"),
        (("::1", 8001), "http://[::1]:8001"),
    ],
)
def test_the_own_address_is_the_socket_the_request_came_in_on(server: Any, url: str) -> None:
    assert services.base_url(server) == url


@pytest.mark.parametrize(
    "server", [None, ["/run/daphne.sock", None], ("testserver", "80"), ("", 80), ("h", 0), "h:80"]
)
def test_no_other_kind_of_address_is_taken_for_the_sites_own(server: Any) -> None:
    with pytest.raises(services.NoOwnAddress):
        services.base_url(server)

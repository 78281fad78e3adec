"""Without JavaScript the server measures the run itself, sending the requests to its own
two endpoints: against a real Daphne on the test database, as a learner gets it."""

from __future__ import annotations

import re

import httpx
import pytest
from django.test.html import parse_html

from tests.test_lesson_pages import find_all, text

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_server_measures_a_run_on_its_own_endpoints_and_draws_it(asgi_server: str) -> None:
    response = httpx.get(
        f"{asgi_server}/lab/concurrency/run/",
        params={"requests": "3", "lesson": "asgi-vs-wsgi"},
        timeout=30,
    )
    html = response.text
    document = parse_html(html)
    summary = find_all(document, "table")[0]
    rows = [text(row) for row in find_all(summary, "tr")[1:]]

    assert response.status_code == 200, html[-2000:]
    assert "Measured by the server, sending the requests to itself: 3 requests" in html
    assert re.search(
        r"The sync requests ran one after another: 3 × 200 ms = 0\.6 s \(measured: 0\.\d\d s\); "
        r"the async ones overlapped: 0\.\d\d s\.",
        html,
    ), text(document)
    assert rows[0].startswith("Sync: one synchronous worker 3 of 3")
    assert rows[1].startswith("Async: the event loop 3 of 3")
    assert len(find_all(document, "g")) == 6  # a bar per request
    assert 'href="/lessons/asgi-vs-wsgi/#measure-it"' in html
    assert "no-store" in response.headers["cache-control"]
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_the_server_measures_through_the_host_the_learner_used(asgi_server: str) -> None:
    """The requests go to the socket's own address, with the Host Django already checked."""
    port = asgi_server.rsplit(":", 1)[1]
    response = httpx.get(
        f"{asgi_server}/lab/concurrency/run/",
        params={"requests": "1"},
        headers={"Host": f"localhost:{port}"},
        timeout=30,
    )

    assert response.status_code == 200
    assert "1 of 1" in response.text


def test_a_host_the_site_does_not_serve_is_refused_before_any_request(asgi_server: str) -> None:
    response = httpx.get(
        f"{asgi_server}/lab/concurrency/run/",
        params={"requests": "3"},
        headers={"Host": "evil.example"},
        timeout=30,
    )

    assert response.status_code == 400

"""`manage.py lab_compare`: the lesson's two samples served for real, a small run."""

from __future__ import annotations

import json
import socket
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from lab import compare
from quiz.content_loader import CONTENT_DIR

SEED = CONTENT_DIR / "asgi-vs-wsgi.yaml"


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_the_samples_are_the_lessons_own_asgi_and_wsgi_applications() -> None:
    samples = compare.lesson_samples(SEED)
    sections = {
        s["heading"]: s["code"]
        for s in yaml.safe_load(SEED.read_text())["lesson"]["sections"]
        if s.get("code")
    }

    assert samples["ASGI"].heading == "ASGI: handling simultaneous requests"
    assert samples["WSGI"].heading == "WSGI: handling simultaneous requests"
    assert samples["ASGI"].code == sections[samples["ASGI"].heading]
    assert samples["WSGI"].code == sections[samples["WSGI"].heading]


def test_each_sample_is_served_as_written_with_the_same_wait_added(tmp_path: Path) -> None:
    samples = compare.lesson_samples(SEED)
    served = compare.servers(samples, tmp_path, wait=0.25, workers=1)
    asgi = (tmp_path / "lesson_asgi.py").read_text()
    wsgi = (tmp_path / "lesson_wsgi.py").read_text()

    assert asgi.startswith(samples["ASGI"].code)
    assert wsgi.startswith(samples["WSGI"].code)
    assert "await _lab_asyncio.sleep(0.25)" in asgi
    assert "_lab_time.sleep(0.25)" in wsgi
    assert served[0].command[1:3] == ["-m", "daphne"]
    assert served[1].command[1:3] == ["-m", "gunicorn"]
    assert served[1].command[served[1].command.index("--workers") + 1] == "1"


def test_a_file_without_both_samples_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text())
    data["lesson"]["sections"] = [
        s for s in data["lesson"]["sections"] if "WSGI:" not in s["heading"]
    ]
    path = tmp_path / "lesson.yaml"
    path.write_text(yaml.safe_dump(data))

    with pytest.raises(CommandError, match="no WSGI `application` sample"):
        call_command("lab_compare", "--samples", str(path))


@pytest.mark.parametrize("option", [["--requests", "0"], ["--wait-ms", "9000"], ["--workers", "x"]])
def test_out_of_bounds_options_are_refused(option: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("lab_compare", *option)


def test_a_small_run_serves_both_and_prints_the_table_then_stops_both() -> None:
    out = StringIO()

    call_command("lab_compare", "--requests", "3", "--wait-ms", "50", "--timeout", "20", stdout=out)
    printed = out.getvalue()

    assert "each with a simulated I/O wait of 50 ms added before it answers" in printed
    assert "`await asyncio.sleep(0.05)`, then the sample, under Daphne" in printed
    assert "`time.sleep(0.05)`, then the sample, under gunicorn with 1 sync worker" in printed
    header = next(line for line in printed.splitlines() if line.startswith("server"))
    assert header.split() == [
        "server",
        "app",
        "requests",
        "total",
        "s",
        "p50",
        "ms",
        "p99",
        "ms",
        "req/s",
        "errors",
    ]
    assert any(
        line.startswith("daphne (1 process)  ") and " ASGI " in line
        for line in printed.splitlines()
    )
    assert any(
        line.startswith("gunicorn (1 sync worker)") and " WSGI " in line
        for line in printed.splitlines()
    )
    assert "x the throughput." in printed


def test_a_run_as_json_answers_every_request_and_leaves_no_server_behind() -> None:
    out = StringIO()

    call_command(
        "lab_compare", "--requests", "3", "--wait-ms", "50", "--timeout", "20", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    asgi, wsgi = data["results"]

    assert data["wait_ms"] == 50
    assert (asgi["interface"], wsgi["interface"]) == ("ASGI", "WSGI")
    assert asgi["errors"] == wsgi["errors"] == 0
    assert asgi["requests"] == wsgi["requests"] == 3
    # One sync worker answers one request at a time: the last of three waited three waits.
    assert wsgi["total_s"] >= 3 * 0.05
    assert not listening(asgi["port"])
    assert not listening(wsgi["port"])

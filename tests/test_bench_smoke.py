"""Every benchmark runs in --smoke mode and writes the JSON that docs/performance.md reads.

The benchmarks start their own servers on their own databases (SQLite files in a
temporary directory, PostgreSQL databases named bench_*, Redis databases 10-12),
so this runs the same way in the SQLite pass and in the PostgreSQL pass of the
suite. The runs go in parallel, as subprocesses, to stay well under a minute; the
set-ups that need PostgreSQL and Redis skip on a laptop without them (and fail
with CI=true). Smoke mode uses the Python load generator, so wrk is not needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bench import common
from deploy.scaled import find_nginx
from tests.conftest import IN_CI, ROOT, require

RUN_TIMEOUT = 150  # seconds per script; together they take well under a minute

RUNS = {
    "http": (["bench/http_bench.py"], True),
    "io-wait": (["bench/io_wait_bench.py"], False),
    "live-run": (["bench/live_room.py", "--setups", "run"], False),
    "live-run-scaled": (["bench/live_room.py", "--setups", "run-scaled"], True),
    "live-run-from-db": (["bench/live_room.py", "--setups", "run", "--players-from-db"], False),
    "selfpaced-run": (["bench/selfpaced_bench.py", "--setups", "run"], False),
    "selfpaced-run-scaled": (["bench/selfpaced_bench.py", "--setups", "run-scaled"], True),
}


def services_missing() -> str | None:
    if not common.postgres_reachable():
        return f"PostgreSQL is not reachable at {common.POSTGRES_ADMIN_URL}"
    for db in common.REDIS_DB.values():
        if not common.redis_reachable(common.redis_url(db)):
            return f"Redis is not reachable at {common.redis_url(db)}"
    return None


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Start every runnable smoke run at once; collect (return code, output, JSON)."""
    out_dir = tmp_path_factory.mktemp("bench-smoke")
    missing = services_missing()
    processes = {}
    for name, (args, needs_services) in RUNS.items():
        if needs_services and missing:
            continue
        json_path = out_dir / f"{name}.json"
        log = (out_dir / f"{name}.log").open("w")
        processes[name] = (
            subprocess.Popen(
                [sys.executable, *args, "--smoke", "--json", str(json_path)],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            ),
            json_path,
            out_dir / f"{name}.log",
        )
    began = time.monotonic()
    results: dict[str, Any] = {"missing": missing}
    try:
        for name, (process, json_path, log_path) in processes.items():
            remaining = max(RUN_TIMEOUT - (time.monotonic() - began), 1)
            try:
                process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            output = log_path.read_text(errors="replace")
            data = json.loads(json_path.read_text()) if json_path.exists() else None
            results[name] = {"code": process.returncode, "output": output, "data": data}
        results["seconds"] = time.monotonic() - began
        yield results
    finally:
        for process, _, _ in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def result_of(smoke: dict[str, Any], name: str, needs_services: bool = False) -> dict[str, Any]:
    if needs_services:
        require(smoke["missing"] is None, str(smoke["missing"]))
    run = smoke[name]
    assert run["code"] == 0, run["output"][-4000:]
    assert run["data"] is not None, run["output"][-4000:]
    data = run["data"]
    assert data["machine"]["nproc"] >= 1
    assert data["machine"]["cpu_model"]
    assert data["command"]
    return data


def test_http_bench_measures_every_server_against_gunicorn(smoke: dict[str, Any]) -> None:
    data = result_of(smoke, "http", needs_services=True)
    rows = {(r["config"], r["page"]): r for r in data["results"]}
    expected = {
        ("daphne-1", "lesson"),
        ("daphne-1", "quiz"),
        ("daphne-scaled-2", "lesson"),
        ("daphne-scaled-2", "quiz"),
        ("gunicorn-wsgi-2", "lesson"),
        ("gunicorn-wsgi-2", "quiz"),
        ("hello-asgi", "hello"),
    }
    if IN_CI or find_nginx():  # without nginx, split-2 is left out, and said so
        expected |= {("split-2", "lesson"), ("split-2", "quiz")}
    assert set(rows) >= expected
    for row in rows.values():
        assert row["rps"] > 0
        assert row["p50_ms"] is not None
        assert row["p99_ms"] is not None
        assert row["errors"] == 0
        assert row["rps_ratio_vs_gunicorn"] is not None
    assert rows[("gunicorn-wsgi-2", "lesson")]["rps_ratio_vs_gunicorn"] == 1.0
    assert "lesson_daphne_1_rps_ratio_ge_1" in data["targets"]


def test_io_wait_bench_compares_asgi_with_wsgi(smoke: dict[str, Any]) -> None:
    data = result_of(smoke, "io-wait")
    rows = {r["variant"]: r for r in data["results"]}
    assert set(rows) >= {"asgi-async-daphne", "wsgi-sync-gunicorn-2"}
    for row in rows.values():
        assert row["rps"] > 0
        assert row["p99_ms"] is not None
        assert row["socket_errors"] + row["non_2xx"] == 0
    # Even at smoke size, 20 clients on 2 sync workers wait for each other.
    assert rows["asgi-async-daphne"]["rps_ratio_vs_wsgi"] > 1
    assert "asgi_async_rps_ratio_ge_10" in data["targets"]


def check_live(data: dict[str, Any], setup: str, joined: str = "pages") -> None:
    [row] = [r for r in data["results"] if r["setup"] == setup]
    assert row["players"] == 10
    assert row["joined"] == joined
    assert row["join_refused"] == 0
    assert row["answers_acknowledged"] == 10
    assert row["answers_in_db"] == 10
    assert row["lost"] == 0
    assert row["boards_missing"] == 0
    assert row["next_missing"] == 0
    assert row["ack"]["n"] == 10
    assert row["ack"]["p99_ms"] is not None
    for key in ("question_shown", "board", "next"):  # every phone and the host screen
        assert row[key]["n"] == 11
        assert row[key]["p99_ms"] is not None
    if joined == "pages":
        assert row["join"]["n"] == 10
        assert row["join_join_post"]["p99_ms"] is not None
    assert row["board_host_ms"] is not None
    assert row["server_cpu_s"] >= 0
    assert row["memory"]["peak_rss_mib_total"] > 0
    assert row["client_loop_lag"]["p99_ms"] is not None
    assert set(row["targets"]) == {
        "everybody_played",
        "joined_within_30_s",
        "no_lost_answers",
        "ack_p99_ok",
        "board_p99_ok",
        "next_p99_ok",
    }
    assert row["targets"]["everybody_played"]
    assert row["targets"]["no_lost_answers"]


def test_live_room_on_make_run_with_players_joining_through_the_pages(
    smoke: dict[str, Any],
) -> None:
    check_live(result_of(smoke, "live-run"), "run")


def test_live_room_on_make_run_scaled(smoke: dict[str, Any]) -> None:
    check_live(result_of(smoke, "live-run-scaled", needs_services=True), "run-scaled")


def test_live_room_can_still_create_its_players_in_the_database(smoke: dict[str, Any]) -> None:
    check_live(result_of(smoke, "live-run-from-db"), "run", joined="database")


def check_selfpaced(data: dict[str, Any], setup: str) -> None:
    [row] = [r for r in data["results"] if r["setup"] == setup]
    assert row["students"] == 5
    assert row["answers_expected"] == 40  # 5 practice + 3 test answers each
    assert row["answers_acknowledged"] == 40
    assert row["answers_in_db"] == 40
    assert row["lost"] == 0
    assert row["unanswered"] == 0
    assert row["failures"] == 0
    assert row["feedback"]["n"] == 40
    assert row["feedback"]["p99_ms"] is not None
    assert row["next_question"]["n"] == 20  # "Next question" after practice answers 1-4
    assert row["start_through_pages"]["n"] == 10  # two quizzes each, started on the pages
    assert row["memory"]["peak_rss_mib_total"] > 0


def test_selfpaced_on_make_run(smoke: dict[str, Any]) -> None:
    check_selfpaced(result_of(smoke, "selfpaced-run"), "run")


def test_selfpaced_on_make_run_scaled(smoke: dict[str, Any]) -> None:
    check_selfpaced(result_of(smoke, "selfpaced-run-scaled", needs_services=True), "run-scaled")

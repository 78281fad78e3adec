"""bench/lab_bench.py runs in --smoke mode and writes the JSON docs/performance.md reads.

Its own module, beside tests/test_bench_smoke.py: it needs no PostgreSQL or Redis (one
Daphne on a SQLite file in a temporary directory, the Python load generator), so it
runs the same in both passes of the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

RUN_TIMEOUT = 150  # seconds; the smoke run takes about 15


def test_the_lab_bench_measures_the_lesson_page_under_each_crowd(tmp_path: Path) -> None:
    out = tmp_path / "lab.json"
    result = subprocess.run(
        [sys.executable, "bench/lab_bench.py", "--smoke", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    data = json.loads(out.read_text())
    assert data["benchmark"] == "lab"
    assert data["command"]
    assert data["machine"]["nproc"] >= 1
    (measured,) = data["rounds"]
    assert [row["phase"] for row in measured] == ["quiet", "crowd-browser", "crowd-server"]
    for row in measured:
        assert row["lesson"]["rps"] > 0
        assert row["lesson"]["p50_ms"] is not None
        assert row["lesson"]["non_2xx"] == 0
    browser, server = measured[1]["counts"], measured[2]["counts"]
    assert browser["runs"] >= 1
    assert browser.get("ok", 0) > 0  # the crowd reached the lab's endpoints
    assert server["runs"] >= 1
    assert set(data["summary"]) == {"crowd-browser", "crowd-server"}
    for ratios in data["summary"].values():
        assert ratios["p50"]["median"] is not None
        assert ratios["rps"]["median"] is not None

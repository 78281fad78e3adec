"""Every benchmark, one after the other (`make bench`), then the plot and the tables.

    .venv/bin/python bench/run_all.py            # about 30 minutes on 2 cores
    .venv/bin/python bench/run_all.py --smoke    # about a minute

Each benchmark runs as its own process with a 10-minute limit; the live room runs
once per set-up so that each stays within it. Results land in bench/results/
(one JSON per run, plus NAME-latest.json); docs/live-latency.png is redrawn from
the two live-room runs; bench/report.py prints the tables for docs/performance.md.
Copy bench/results/ somewhere first if you want to compare before and after:
`bench/report.py --before OLD/*.json --after bench/results/*-latest.json`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

LIMIT = 600


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    smoke = ["--smoke"] if args.smoke else []
    live_files = []
    runs = [
        ("io-wait", ["bench/io_wait_bench.py"]),
        ("http", ["bench/http_bench.py"]),
        ("live-run", ["bench/live_room.py", "--setups", "run", "--timeout", "240"]),
        ("live-run-scaled", ["bench/live_room.py", "--setups", "run-scaled", "--timeout", "240"]),
        ("selfpaced", ["bench/selfpaced_bench.py"]),
        ("lab", ["bench/lab_bench.py"]),
    ]
    failed = []
    for name, command in runs:
        extra = []
        if name.startswith("live"):
            out = common.RESULTS_DIR / f"run-all-{name}{'-smoke' if smoke else ''}.json"
            extra = ["--no-plot", "--json", str(out)]
            live_files.append(out)
        common.progress(f"== {name}: {' '.join(command + smoke + extra)}")
        try:
            result = subprocess.run(
                [sys.executable, *command, *smoke, *extra],
                cwd=common.ROOT,
                timeout=LIMIT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            common.progress(f"{name} took longer than {LIMIT} s: stopped")
            failed.append(name)
            continue
        if result.returncode != 0:
            failed.append(name)
    existing = [str(f) for f in live_files if f.exists()]
    if existing and not smoke:
        subprocess.run(
            [sys.executable, "bench/live_room.py", "--from-results", *existing],
            cwd=common.ROOT,
            check=False,
        )
    subprocess.run([sys.executable, "bench/report.py"], cwd=common.ROOT, check=False)
    if failed:
        common.progress(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

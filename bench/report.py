"""Markdown tables from benchmark results, for docs/performance.md; before/after too.

    .venv/bin/python bench/report.py                       # the latest result of each
    .venv/bin/python bench/report.py bench/results/live-room-2026....json
    .venv/bin/python bench/report.py --before OLD.json ... --after NEW.json ...

Without --before, one table per results file. With --before and --after, the
headline figures side by side, matched by configuration, with after/before ratios.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

RESULTS = Path(__file__).resolve().parent / "results"
LATEST = ["http", "io-wait", "live-room", "selfpaced"]


def cell(value: object) -> str:
    return common.format_value(value, whole_from=10)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def get(row: dict[str, Any], path: str) -> Any:
    value: Any = row
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


# benchmark: (key of a row, [(column, path)])
COLUMNS: dict[str, tuple[Callable[[dict[str, Any]], str], list[tuple[str, str]]]] = {
    "http": (
        lambda r: f"{r['config']} {r['page']}",
        [
            ("req/s", "rps"),
            ("req/s vs gunicorn", "rps_ratio_vs_gunicorn"),
            ("req/s vs gunicorn cma60", "rps_ratio_vs_gunicorn_cma60"),
            ("p50 ms", "p50_ms"),
            ("p99 ms", "p99_ms"),
            ("p99 vs gunicorn", "p99_ratio_vs_gunicorn"),
            ("server CPU ms/req", "server_cpu_ms_per_request"),
            ("errors", "errors"),
        ],
    ),
    "io-wait": (
        lambda r: r["variant"],
        [
            ("req/s", "rps"),
            ("req/s vs WSGI", "rps_ratio_vs_wsgi"),
            ("p50 ms", "p50_ms"),
            ("p99 ms", "p99_ms"),
            ("server CPU ms/req", "server_cpu_ms_per_request"),
            ("server CPU %", "server_cpu_percent"),
            ("errors", "socket_errors"),
        ],
    ),
    "live-room": (
        lambda r: f"{r['setup']} {r['players']}",
        [
            ("failed to join", "connect_failures"),
            ("lost", "lost"),
            ("ack p50", "ack.p50_ms"),
            ("ack p99", "ack.p99_ms"),
            ("board p50", "board.p50_ms"),
            ("board p99", "board.p99_ms"),
            ("host board", "board_host_ms"),
            ("question p99", "question_shown.p99_ms"),
            ("connect s", "connect_s"),
            ("server CPU s", "server_cpu_s"),
            ("CPU %", "server_cpu_percent"),
            ("peak RSS MiB", "memory.peak_rss_mib_total"),
            ("client lag p99", "client_loop_lag.p99_ms"),
        ],
    ),
    "selfpaced": (
        lambda r: f"{r['setup']} {r['students']}",
        [
            ("answers", "answers_acknowledged"),
            ("lost", "lost"),
            ("unanswered", "unanswered"),
            ("feedback p50", "feedback.p50_ms"),
            ("feedback p99", "feedback.p99_ms"),
            ("practice p99", "feedback_practice.p99_ms"),
            ("test p99", "feedback_test.p99_ms"),
            ("next p50", "next_question.p50_ms"),
            ("next p99", "next_question.p99_ms"),
            ("answers/s", "answers_per_s"),
            ("CPU %", "server_cpu_percent"),
            ("peak RSS MiB", "memory.peak_rss_mib_total"),
            ("client lag p99", "client_loop_lag.p99_ms"),
        ],
    ),
}
HEADLINE = {
    "http": ["rps", "rps_ratio_vs_gunicorn", "p99_ms"],
    "io-wait": ["rps", "rps_ratio_vs_wsgi", "p99_ms"],
    "live-room": ["lost", "ack.p99_ms", "board.p99_ms", "board_host_ms", "server_cpu_s"],
    "selfpaced": ["lost", "feedback.p50_ms", "feedback.p99_ms", "next_question.p99_ms"],
}


def kind_of(data: dict[str, Any]) -> str:
    return data["benchmark"]


def single(data: dict[str, Any]) -> str:
    key, columns = COLUMNS[kind_of(data)]
    machine = data["machine"]
    code = machine.get("code", {})
    head = (
        f"`{data['command']}` — {machine['nproc']} cores ({machine['cpu_model']}), "
        f"{machine['memory_gib']} GiB, load average at start {machine['loadavg_at_start']}, "
        f"commit {str(code.get('commit'))[:10]}, app sources {code.get('app_sources_sha256')}"
    )
    rows = [[key(r), *(get(r, path) for _, path in columns)] for r in data["results"]]
    return head + "\n\n" + table(["", *(c for c, _ in columns)], rows)


def compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    parts = []
    for kind in LATEST:
        # Profiled runs are slower by the profiler's cost: never a before or an after.
        old = [r for d in before if kind_of(d) == kind for r in d["results"] if "profile" not in r]
        new = [r for d in after if kind_of(d) == kind for r in d["results"] if "profile" not in r]
        if not new:
            continue
        key = COLUMNS[kind][0]
        old_by_key = {key(r): r for r in old}
        rows = []
        for row in new:
            previous = old_by_key.get(key(row), {})
            cells: list[object] = [key(row)]
            for path in HEADLINE[kind]:
                a, b = get(previous, path), get(row, path)
                numeric = isinstance(a, int | float) and a and b is not None
                cells += [a, b, round(b / a, 2) if numeric else None]
            rows.append(cells)
        headers = [""] + [f"{p} {w}" for p in HEADLINE[kind] for w in ("before", "after", "ratio")]
        parts.append(f"### {kind}\n\n" + table(headers, rows))
    return "\n\n".join(parts)


def load(paths: Sequence[Path]) -> list[dict[str, Any]]:
    return [json.loads(Path(p).read_text()) for p in paths]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--before", nargs="*", type=Path, default=[])
    parser.add_argument("--after", nargs="*", type=Path, default=[])
    args = parser.parse_args()
    if args.before:
        after = args.after or [
            RESULTS / f"{name}-latest.json"
            for name in LATEST
            if (RESULTS / f"{name}-latest.json").exists()
        ]
        print(compare(load(args.before), load(after)))
        return 0
    files = args.files or [
        RESULTS / f"{name}-latest.json"
        for name in LATEST
        if (RESULTS / f"{name}-latest.json").exists()
    ]
    print("\n\n".join(single(data) for data in load(files) if kind_of(data) in COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())

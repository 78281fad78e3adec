"""Summarise py-spy raw (collapsed stack) files: where the server's CPU time goes.

    .venv/bin/python bench/profile_report.py bench/results/profiles/live-*.txt

The benchmarks record these with `--profile` (py-spy record --format raw
--full-filenames --nonblocking, idle threads excluded). This prints the share of
active samples per area (templates, database, channel layer, ...), the hottest
functions by self time, and the project's own functions by inclusive time.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# First match wins; checked against the leaf frame's file path.
AREAS = [
    (
        "django templates",
        (
            "django/template/",
            "django/utils/html.py",
            "django/utils/safestring",
            "django/utils/functional.py",
            "django/templatetags/",
        ),
    ),
    ("django ORM / SQL compiler", ("django/db/models/",)),
    ("database driver + backend", ("django/db/backends/", "psycopg", "sqlite3")),
    (
        "django request/response",
        (
            "django/core/handlers/",
            "django/http/",
            "django/middleware/",
            "django/contrib/",
            "whitenoise",
            "csp/",
            "django_htmx",
        ),
    ),
    ("django urls/signals/other", ("django/",)),
    ("channels + channel layer", ("channels/", "channels_redis/", "redis/", "msgpack")),
    ("asgiref (sync/async bridges)", ("asgiref/",)),
    ("daphne + twisted + autobahn", ("daphne/", "twisted/", "autobahn/", "txaio/")),
    ("asyncio + threads", ("asyncio/", "concurrent/", "threading.py", "queue.py", "selectors")),
    ("logging", ("logging/",)),
    ("gunicorn", ("gunicorn/",)),
    (
        "project code (quiz/, lessons/, quizsite/)",
        (str(ROOT / "quiz"), str(ROOT / "lessons"), str(ROOT / "quizsite")),
    ),
]


def parse_frame(text: str) -> tuple[str, str, int]:
    match = FRAME.match(text.strip())
    if not match:
        return text.strip(), "", 0
    return match["func"], match["file"] or "", int(match["line"] or 0)


def area_of(path: str) -> str:
    for area, needles in AREAS:
        if any(needle in path for needle in needles):
            return area
    return "other (stdlib, json, ...)"


def short(path: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name if "/lib/python" in path else path


def is_project(path: str) -> bool:
    return path.startswith(str(ROOT)) and "/.venv/" not in path and "/bench/" not in path


def summarize(files: list[Path], top: int = 20, through: str | None = None) -> dict[str, Any]:
    """Shares of samples; with `through`, only stacks with a frame in a file ending so."""
    total = 0
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    project_inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    for path in files:
        if not Path(path).exists():
            continue
        for line in Path(path).read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [parse_frame(f) for f in stack.split(";")]
            frames = [f for f in frames if f[1]]  # drop process/thread pseudo-frames
            if not frames or (through and not any(f[1].endswith(through) for f in frames)):
                continue
            total += count
            func, file, line_no = frames[-1]
            self_time[f"{func} ({short(file)}:{line_no})"] += count
            areas[area_of(file)] += count
            seen = set()
            for func, file, _ in frames:
                key = f"{func} ({short(file)})"
                if key in seen:
                    continue
                seen.add(key)
                inclusive[key] += count
                if is_project(file):
                    project_inclusive[key] += count

    def share(counter: Counter[str], n: int) -> list[dict[str, Any]]:
        return (
            [
                {"function": name, "samples": count, "percent": round(100 * count / total, 1)}
                for name, count in counter.most_common(n)
            ]
            if total
            else []
        )

    return {
        "samples": total,
        "areas_by_leaf": share(areas, len(AREAS) + 1),
        "top_self": share(self_time, top),
        "top_inclusive": share(inclusive, top),
        "project_inclusive": share(project_inclusive, top),
    }


SYNC_THREAD = "concurrent/futures/thread.py"


def summarize_profiles(files: list[Path], top: int = 20) -> dict[str, Any]:
    """The CPU view (GIL holder) and the wall view of the sync thread(s), where
    `database_sync_to_async` and Django's sync views run."""
    cpu = [f for f in files if "-cpu-" in Path(f).name]
    wall = [f for f in files if "-wall-" in Path(f).name]
    return {
        "cpu": summarize(cpu or files, top),
        "wall_sync_threads": summarize(wall, top, through=SYNC_THREAD) if wall else None,
    }


def format_profiles(reports: dict[str, Any], title: str = "") -> str:
    parts = [format_report(reports["cpu"], f"{title} - CPU (samples holding the GIL)")]
    if reports.get("wall_sync_threads"):
        parts.append(
            format_report(
                reports["wall_sync_threads"],
                f"{title} - wall time of the sync threads (database_sync_to_async, sync views)",
            )
        )
    return "\n\n".join(parts)


def format_report(report: dict[str, Any], title: str = "") -> str:
    lines = [f"Profile {title}: {report['samples']} active samples"]
    for heading, key in (
        ("Where the time is spent (leaf frame's area)", "areas_by_leaf"),
        ("Project functions, inclusive time", "project_inclusive"),
        ("Hottest functions, self time", "top_self"),
    ):
        lines.append(f"\n{heading}:")
        lines += [f"  {row['percent']:5.1f}%  {row['function']}" for row in report[key]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    print(format_profiles(summarize_profiles(args.files, args.top), title="profile"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

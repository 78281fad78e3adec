from __future__ import annotations

import json
from argparse import ArgumentTypeError
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab import compare
from lab.bounds import WAIT_MS
from quiz.content_loader import CONTENT_DIR


def bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise ArgumentTypeError(f"choose from {low} to {high}, not {value}")
        return value

    return parse


class Command(BaseCommand):
    help = (
        "Serve the lesson's ASGI sample under Daphne and its WSGI sample under gunicorn (one "
        "sync worker) on free local ports, each with the same simulated I/O wait, send both "
        "the same concurrent requests and print the comparison. Stops both servers at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=bounded(1, 500), default=20, help="sent at once")
        parser.add_argument("--rounds", type=bounded(1, 20), default=1, help="bursts per server")
        parser.add_argument(
            "--wait-ms",
            type=bounded(0, 5000),
            default=WAIT_MS,
            help="simulated I/O wait put before each sample answers (the lab's: %(default)s)",
        )
        parser.add_argument(
            "--workers", type=bounded(1, 16), default=1, help="gunicorn sync workers"
        )
        parser.add_argument(
            "--timeout", type=bounded(1, 600), default=120, help="seconds per request"
        )
        parser.add_argument(
            "--samples",
            type=Path,
            default=CONTENT_DIR / "asgi-vs-wsgi.yaml",
            help="the content file with the two samples",
        )
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        wait = options["wait_ms"] / 1000
        try:
            samples = compare.lesson_samples(options["samples"])
            if not options["json"]:
                self._introduce(samples, options, wait)
            results = compare.compare(
                samples,
                requests=options["requests"],
                rounds=options["rounds"],
                wait=wait,
                workers=options["workers"],
                timeout=options["timeout"],
            )
        except compare.CompareError as error:
            raise CommandError(str(error)) from error
        rows = [result.as_dict() for result in results]
        if options["json"]:
            payload = {"wait_ms": options["wait_ms"], "results": rows}
            self.stdout.write(json.dumps(payload))
            return
        self._table(rows)
        self._conclude(results)

    def _introduce(
        self, samples: dict[str, compare.Sample], options: dict[str, Any], wait: float
    ) -> None:
        self.stdout.write(
            f"The lesson's two code samples ({options['samples'].name}), each with a simulated "
            f"I/O wait of {options['wait_ms']} ms added before it answers:"
        )
        asgi, wsgi = samples["ASGI"], samples["WSGI"]
        self.stdout.write(
            f'  ASGI, "{asgi.heading}": `await asyncio.sleep({wait:g})`, then the sample, '
            "under Daphne"
        )
        self.stdout.write(
            f'  WSGI, "{wsgi.heading}": `time.sleep({wait:g})`, then the sample, under '
            f"gunicorn with {options['workers']} sync worker{'s' if options['workers'] > 1 else ''}"
        )
        self.stdout.write(
            f"{options['requests']} requests at once to each, {options['rounds']} "
            f"round{'s' if options['rounds'] > 1 else ''} (after one untimed request)\n"
        )

    def _table(self, rows: list[dict[str, Any]]) -> None:
        headers = ["server", "app", "requests", "total s", "p50 ms", "p99 ms", "req/s", "errors"]
        cells = [headers] + [
            [
                row["server"],
                row["interface"],
                str(row["requests"] * row["rounds"]),
                f"{row['total_s']:.2f}",
                "-" if row["p50_ms"] is None else f"{row['p50_ms']:.0f}",
                "-" if row["p99_ms"] is None else f"{row['p99_ms']:.0f}",
                f"{row['throughput_rps']:.1f}",
                str(row["errors"]),
            ]
            for row in rows
        ]
        widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
        for index, line in enumerate(cells):
            self.stdout.write(
                "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
            )
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))

    def _conclude(self, results: list[compare.Result]) -> None:
        asgi, wsgi = results
        if not asgi.throughput or not wsgi.throughput:
            return
        self.stdout.write(
            f"\n{asgi.name} answered each burst in {asgi.total_s:.2f} s, the waits overlapping; "
            f"{wsgi.name} took {wsgi.total_s:.2f} s, one request after another per worker: "
            f"{asgi.throughput / wsgi.throughput:.1f}x the throughput."
        )

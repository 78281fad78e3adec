"""A page that waits 100 ms on I/O, with 100 concurrent clients: ASGI against WSGI.

    .venv/bin/python bench/io_wait_bench.py           # full run, about a minute
    .venv/bin/python bench/io_wait_bench.py --smoke   # a few seconds, for CI

The seed lesson claims that ASGI serves concurrent waiting requests without
blocking. The pages are Django views in bench/io_app.py (settings:
bench/io_settings.py, no database), so both sides run the same framework:

  asgi-async-daphne    `await asyncio.sleep(0.1)` in an async view, one Daphne process
  wsgi-sync-gunicorn-2 `time.sleep(0.1)` in a sync view, gunicorn 2 sync workers <- baseline
  asgi-sync-daphne     the sync view on Daphne (Django gives each request its own
                       thread under ASGI, so the waits overlap too)
  wsgi-gthread-2x50    the sync view on gunicorn gthread, 2 workers x 50 threads: the
                       WSGI answer to waiting, threads (reference)

Ratios are against the gunicorn sync baseline of the same run. The load generator
(wrk, or the Python fallback) runs on the same cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BASELINE = "wsgi-sync-gunicorn-2"
VARIANTS = {
    # name: (server kind, path, threads)
    "asgi-async-daphne": ("daphne", "/wait/async/", 1),
    BASELINE: ("gunicorn", "/wait/sync/", 1),
    "asgi-sync-daphne": ("daphne", "/wait/sync/", 1),
    "wsgi-gthread-2x50": ("gunicorn", "/wait/sync/", 50),
}
SMOKE_VARIANTS = ["asgi-async-daphne", BASELINE]


def io_env() -> dict[str, str]:
    env = common.server_env(database_url="sqlite:///unused.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "bench.io_settings"
    return env


def build(name: str, log_dir: Path) -> tuple[common.Server, str]:
    kind, path, threads = VARIANTS[name]
    if kind == "daphne":
        server = common.daphne(name, "bench.io_app:application", io_env(), log_dir)
    else:
        server = common.gunicorn(
            name, "bench.io_app:wsgi_application", io_env(), log_dir, workers=2, threads=threads
        )
    return server, path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--json", type=Path, help="also write the results JSON here")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--duration", type=float, default=10.0)
    # No warm-up by default: wrk abandons its in-flight requests when a run ends,
    # and a sync server would still spend seconds serving them in the next run.
    parser.add_argument("--warmup", type=float, default=0.0)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--no-wrk", action="store_true", help="use the Python generator")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.warmup, args.connections = 1.0, 0.0, 20
        if args.variants == ",".join(VARIANTS):
            args.variants = ",".join(SMOKE_VARIANTS)
    use_wrk = not args.no_wrk and not args.smoke and common.wrk_version() is not None
    if not args.no_wrk and not args.smoke and not use_wrk:
        common.progress(common.WRK_HELP)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    machine = common.machine_info()
    common.progress(f"machine: {common.describe_machine(machine)}")
    common.raise_open_files_limit()

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-io-") as tmp:
        for name in variants:
            server, path = build(name, Path(tmp))
            with common.running(server):
                url = f"http://127.0.0.1:{server.port}{path}"
                common.check_page(url, "waited")
                common.progress(
                    f"{name:22} {args.connections} concurrent clients, {args.duration:g} s"
                )
                # Sync servers take seconds per request at this concurrency: long timeout.
                monitor = common.ResourceMonitor([server])
                monitor.start()
                cpu_before = monitor.cpu_seconds()
                result = common.load(
                    url,
                    connections=args.connections,
                    duration=args.duration,
                    timeout=60,
                    use_wrk=use_wrk,
                    warmup=args.warmup,
                )
                cpu = monitor.cpu_seconds() - cpu_before
                monitor.stop()
                result["server_cpu_ms_per_request"] = (
                    round(1000 * cpu / result["requests"], 3) if result["requests"] else None
                )
                result["server_cpu_percent"] = round(100 * cpu / args.duration, 1)
                common.progress(
                    f"{name:22} {result['rps']:8.1f} req/s  p50 {result['p50_ms']} ms"
                    f"  p99 {result['p99_ms']} ms  errors {result['socket_errors']}"
                )
                rows.append({"variant": name, "path": path, **result})

    base = next((r for r in rows if r["variant"] == BASELINE), None)
    for row in rows:
        row["rps_ratio_vs_wsgi"] = common.ratio(row["rps"], base and base["rps"])
        row["p50_ratio_vs_wsgi"] = common.ratio(row["p50_ms"], base and base["p50_ms"])
    print()
    print(f"100 ms I/O wait, {args.connections} concurrent clients, {args.duration:g} s each")
    common.print_table(
        [
            "variant",
            "req/s",
            "p50 ms",
            "p99 ms",
            "req/s vs WSGI",
            "p50 vs WSGI",
            "cpu ms/req",
            "cpu %",
            "errors",
        ],
        [
            [
                r["variant"],
                r["rps"],
                r["p50_ms"],
                r["p99_ms"],
                r["rps_ratio_vs_wsgi"],
                r["p50_ratio_vs_wsgi"],
                r["server_cpu_ms_per_request"],
                r["server_cpu_percent"],
                r["socket_errors"] + r["non_2xx"],
            ]
            for r in rows
        ],
    )
    asgi = next((r for r in rows if r["variant"] == "asgi-async-daphne"), None)
    targets = {"asgi_async_rps_ratio_ge_10": bool(asgi and (asgi["rps_ratio_vs_wsgi"] or 0) >= 10)}
    print(f"targets: {targets}")
    payload = {
        "benchmark": "io-wait",
        "machine": machine,
        "command": " ".join(sys.argv),
        "settings": {
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "wait_s": 0.1,
            "generator": "wrk" if use_wrk else "python-httpx",
            "baseline": BASELINE,
        },
        "results": rows,
        "targets": targets,
    }
    common.write_results("io-wait", payload, smoke=args.smoke, also=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""HTTP throughput and latency: the lesson page and a quiz page, ASGI against WSGI.

    .venv/bin/python bench/http_bench.py            # full run, about 3 minutes
    .venv/bin/python bench/http_bench.py --smoke    # a few seconds, for CI
    .venv/bin/python bench/http_bench.py --profile  # py-spy on Daphne under load
    .venv/bin/python bench/http_bench.py --syscalls --configs daphne-1,gunicorn-wsgi-2
                                                    # system calls per request (strace)

One invocation measures, one after the other, on one fresh PostgreSQL database
with the seed content and the recommended production settings (DEBUG=0,
SECRET_KEY, ALLOWED_HOSTS, collectstatic, REDIS_URL; Django's psycopg pool with
CONN_MAX_AGE=0, the README's
default and what Django's docs require under ASGI):

  daphne-1            quizsite.asgi on one Daphne process
  daphne-scaled-2     `python -m deploy.scaled --workers 2` (two Daphne processes)
  split-2             `make run-split`: nginx sends the pages to gunicorn (2 sync workers)
                      and /ws/ to 2 Daphne processes; needs nginx, left out without it.
                      nginx shares a page among visitors without cookies for a second
                      (wrk sends none): its lesson page is a cache's figure, not a server's
  split-2-nocache     the same with that cache off (PAGE_CACHE=0): the servers compared
  gunicorn-wsgi-2     quizsite.wsgi on gunicorn, 2 sync workers   <- the baseline
  gunicorn-wsgi-2-cma60  the same with CONN_MAX_AGE=60: WSGI's best case (persistent
                      connections are only safe under WSGI)
  *-nopool            the three above without Django's psycopg pool (DATABASE_POOL=0):
                      a new connection per request, as before the pool was adopted
  daphne-1-1thread    daphne-1 with one request thread (HTTP_THREADS=1): requests in turn,
                      like a sync worker, but still handed from the event loop's thread
  daphne-1-async-static  daphne-1 with an async-capable WhiteNoise middleware
                      (BENCH_ASYNC_STATIC=1, bench/async_whitenoise.py): a suggestion
  daphne-scaled-2-async-static  the same on two processes
  hello-asgi          bench/hello_asgi.py on Daphne (no framework: the server's ceiling)
  hello-wsgi-2        the WSGI hello world on gunicorn, 2 sync workers (reference)

and prints every figure as a ratio against the gunicorn baseline of the same run,
because this machine is shared and noisy. The load generator is wrk (Debian:
`apt-get install wrk`) with a fixed number of connections; without wrk, and in
--smoke mode, a small asyncio + httpx generator is used. It runs on the same
cores as the servers.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, profile_report
from deploy.scaled import find_nginx

PAGES = {
    "lesson": ("/lessons/asgi-vs-wsgi/", "ASGI vs WSGI"),
    "quiz": ("/quiz/asgi-vs-wsgi-practice/", "asgi-vs-wsgi-practice"),
    "hello": ("/", "Hello World"),
}
BASELINE = "gunicorn-wsgi-2"
BEST_WSGI = "gunicorn-wsgi-2-cma60"
# name: (server, app, extra environment)
CONFIG_SPECS: dict[str, tuple[str, str, dict[str, str]]] = {
    "daphne-1": ("daphne", "quizsite.asgi:application", {}),
    "daphne-scaled-2": ("scaled", "", {}),
    "split-2": ("split", "", {"PAGE_CACHE": "1"}),
    "split-2-nocache": ("split", "", {"PAGE_CACHE": "0"}),
    BASELINE: ("gunicorn", "quizsite.wsgi:application", {}),
    BEST_WSGI: ("gunicorn", "quizsite.wsgi:application", {"CONN_MAX_AGE": "60"}),
    "daphne-1-1thread": ("daphne", "quizsite.asgi:application", {"HTTP_THREADS": "1"}),
    "daphne-1-nopool": ("daphne", "quizsite.asgi:application", {"DATABASE_POOL": "0"}),
    "daphne-scaled-2-nopool": ("scaled", "", {"DATABASE_POOL": "0"}),
    "gunicorn-wsgi-2-nopool": ("gunicorn", "quizsite.wsgi:application", {"DATABASE_POOL": "0"}),
    "daphne-1-async-static": ("daphne", "quizsite.asgi:application", {"BENCH_ASYNC_STATIC": "1"}),
    "daphne-scaled-2-async-static": ("scaled", "", {"BENCH_ASYNC_STATIC": "1"}),
    "daphne-1-django-handler": ("daphne", "bench.django_asgi:application", {}),
    "hello-asgi": ("daphne", "bench.hello_asgi:application", {}),
    "hello-wsgi-2": ("gunicorn", "bench.hello_asgi:wsgi_application", {}),
}
CONFIGS = list(CONFIG_SPECS)
SMOKE_CONFIGS = ["daphne-1", "daphne-scaled-2", "split-2", BASELINE, "hello-asgi"]


# --tree NAME=PATH: configs named "config@NAME" run from that checkout.
TREES: dict[str, Path] = {}


def build_server(config: str, env: dict[str, str], log_dir: Path) -> common.Server:
    base, _, tree = config.partition("@")
    kind, app, extra = CONFIG_SPECS[base]
    env = {**env, **extra}
    if kind == "daphne":
        server = common.daphne(config, app, env, log_dir)
    elif kind == "scaled":
        server = common.scaled(config, env, log_dir)
    elif kind == "split":
        server = common.scaled(config, env, log_dir, page_workers=2)
    else:
        server = common.gunicorn(config, app, env, log_dir, workers=2)
    return common.in_tree(server, TREES[tree]) if tree else server


def pages_of(config: str, wanted: list[str]) -> list[str]:
    return ["hello"] if config.startswith("hello") else wanted


def measure(
    config: str, env: dict[str, str], log_dir: Path, args: argparse.Namespace
) -> list[dict[str, Any]]:
    rows = []
    server = build_server(config, env, log_dir)
    code = common.code_version()  # the app may change between runs: note what ran
    with common.running(server):
        monitor = common.ResourceMonitor([server])
        monitor.start()
        for page in pages_of(config, args.pages):
            path, expect = PAGES[page]
            url = f"http://127.0.0.1:{server.port}{path}"
            common.check_page(url, expect)
            common.progress(
                f"{config:16} {page:6} {args.connections} connections, "
                f"{args.duration:g} s ({'wrk' if args.use_wrk else 'python'} generator)"
            )
            if args.warmup:
                common.load(
                    url, connections=args.connections, duration=args.warmup, use_wrk=args.use_wrk
                )
                time.sleep(1.5)  # the server finishes the requests wrk abandoned
            cpu_before = monitor.cpu_seconds()
            result = common.load(
                url, connections=args.connections, duration=args.duration, use_wrk=args.use_wrk
            )
            cpu = monitor.cpu_seconds() - cpu_before
            result["server_cpu_ms_per_request"] = (
                round(1000 * cpu / result["requests"], 3) if result["requests"] else None
            )
            result["server_cpu_percent"] = round(100 * cpu / args.duration, 1)
            common.progress(
                f"{config:16} {page:6} {result['rps']:8.1f} req/s  p50 {result['p50_ms']} ms"
                f"  p99 {result['p99_ms']} ms  errors {result['socket_errors']}"
                f"  non-2xx {result['non_2xx']}"
            )
            rows.append({"config": config, "page": page, **result, "code": code})
        rows[0]["memory"] = monitor.stop()
    return rows


def aggregate(rounds: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Median over rounds per (config, page), then ratios against the baseline."""
    keyed: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for round_rows in rounds:
        for row in round_rows:
            keyed.setdefault((row["config"], row["page"]), []).append(row)

    def median(rows: list[dict[str, Any]], key: str) -> float | None:
        values = [r[key] for r in rows if r.get(key) is not None]
        return round(statistics.median(values), 2) if values else None

    table = []
    for (config, page), rows in keyed.items():
        table.append(
            {
                "config": config,
                "page": page,
                "rps": median(rows, "rps"),
                "p50_ms": median(rows, "p50_ms"),
                "p99_ms": median(rows, "p99_ms"),
                "server_cpu_ms_per_request": median(rows, "server_cpu_ms_per_request"),
                "errors": sum(r["socket_errors"] + r["non_2xx"] for r in rows),
                "rounds": [r["rps"] for r in rows],
            }
        )

    def find(config: str, page: str) -> dict[str, Any] | None:
        return next((r for r in table if r["config"] == config and r["page"] == page), None)

    for row in table:
        base_page = "lesson" if row["page"] == "hello" else row["page"]
        base = find(BASELINE, base_page)
        best = find(BEST_WSGI, base_page)
        row["rps_ratio_vs_gunicorn"] = common.ratio(row["rps"], base and base["rps"])
        row["p99_ratio_vs_gunicorn"] = common.ratio(row["p99_ms"], base and base["p99_ms"])
        row["rps_ratio_vs_gunicorn_cma60"] = common.ratio(row["rps"], best and best["rps"])
    return table


def profile(env: dict[str, str], log_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """py-spy on one Daphne process while the load generator requests the lesson page."""
    out_dir = common.RESULTS_DIR / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    server = build_server(args.profile_config, env, log_dir)
    with common.running(server):
        path, expect = PAGES["lesson"]
        url = f"http://127.0.0.1:{server.port}{path}"
        common.check_page(url, expect)
        common.load(url, connections=args.connections, duration=2, use_wrk=args.use_wrk)
        files = server.start_profiler(out_dir, f"http-lesson-{args.profile_config}")
        common.progress(
            f"profiling {args.profile_config} on the lesson page for {args.duration:g} s"
        )
        result = common.load(
            url, connections=args.connections, duration=args.duration, use_wrk=args.use_wrk
        )
        server.stop_profiler()
    report = profile_report.summarize_profiles(files)
    print(profile_report.format_profiles(report, title=f"lesson page, {args.profile_config}"))
    return {"load": result, "profile": report, "raw_files": [str(f) for f in files]}


def count_syscalls(
    env: dict[str, str], log_dir: Path, args: argparse.Namespace, configs: list[str]
) -> list[dict[str, Any]]:
    """strace -c on each configuration's server processes while the load generator requests
    the lesson page: system calls per request, and futex calls apart (threads waiting for
    the interpreter lock, or for each other). strace slows the servers down several
    times, so only the counts per request mean anything here, not the req/s."""
    if shutil.which("strace") is None:
        raise SystemExit("--syscalls needs strace (apt-get install strace)")
    rows = []
    for config in configs:
        server = build_server(config, env, log_dir)
        with common.running(server):
            path, expect = PAGES["lesson"]
            url = f"http://127.0.0.1:{server.port}{path}"
            common.check_page(url, expect)
            common.load(url, connections=args.connections, duration=2, use_wrk=args.use_wrk)
            output = log_dir / f"strace-{config}.txt"
            traced = [arg for pid in server.pids() for arg in ("-p", str(pid))]
            tracer = subprocess.Popen(
                ["strace", "-c", "-f", "-o", str(output), *traced], stderr=subprocess.DEVNULL
            )
            time.sleep(1)  # attached to every thread
            common.progress(f"{config:16} lesson under strace, {args.duration:g} s")
            result = common.load(
                url, connections=args.connections, duration=args.duration, use_wrk=args.use_wrk
            )
            tracer.send_signal(signal.SIGINT)
            try:
                tracer.wait(timeout=60)
            except subprocess.TimeoutExpired:
                tracer.kill()
                raise
        calls = {
            fields[-1]: int(fields[3])
            for fields in (line.split() for line in output.read_text().splitlines())
            if len(fields) >= 5 and fields[0][0].isdigit() and fields[-1] != "total"
        }
        requests = max(result["requests"], 1)
        row = {
            "config": config,
            "requests": result["requests"],
            "syscalls_per_request": round(sum(calls.values()) / requests, 1),
            "futex_per_request": round(calls.get("futex", 0) / requests, 1),
            "top": {
                name: round(count / requests, 1)
                for name, count in sorted(calls.items(), key=lambda item: -item[1])[:6]
            },
        }
        common.progress(
            f"{config:16} {row['syscalls_per_request']} system calls per request, "
            f"{row['futex_per_request']} of them futex"
        )
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--json", type=Path, help="also write the results JSON here")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--rounds", type=int, default=1, help="repeat all configs, take medians")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument(
        "--pages", default="lesson,quiz", help="lesson, quiz or both; hello-* always request /"
    )
    parser.add_argument("--no-wrk", action="store_true", help="use the Python generator")
    parser.add_argument("--profile", action="store_true", help="only profile (py-spy), no table")
    parser.add_argument("--profile-config", default="daphne-1", choices=list(CONFIG_SPECS))
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also run every config from the checkout at PATH (same venv and database), "
        "as config@NAME: a before/after comparison in one run",
    )
    parser.add_argument(
        "--syscalls",
        action="store_true",
        help="only count system calls per request under strace, no table",
    )
    args = parser.parse_args()

    if args.smoke:
        args.duration, args.warmup, args.connections, args.rounds = 0.5, 0.0, 8, 1
        if args.configs == ",".join(CONFIGS):
            args.configs = ",".join(SMOKE_CONFIGS)
    args.use_wrk = not args.no_wrk and not args.smoke and common.wrk_version() is not None
    if not args.no_wrk and not args.smoke and not args.use_wrk:
        common.progress(common.WRK_HELP)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if not args.pages or set(args.pages) - {"lesson", "quiz"}:
        parser.error(f"--pages takes lesson, quiz or both, not {args.pages}")
    unknown = set(configs) - set(CONFIG_SPECS)
    if unknown:
        parser.error(f"unknown configs {sorted(unknown)}; choose from {CONFIGS}")
    if find_nginx() is None and (split := [c for c in configs if CONFIG_SPECS[c][0] == "split"]):
        common.progress(f"nginx not found (apt-get install nginx-light): leaving out {split}")
        configs = [c for c in configs if c not in split]
    for spec in args.tree:
        name, _, path = spec.partition("=")
        if not name or not Path(path, "manage.py").exists():
            parser.error(f"--tree takes NAME=PATH of a checkout, not {spec!r}")
        TREES[name] = Path(path).resolve()
    configs = [variant for c in configs for variant in (c, *(f"{c}@{n}" for n in TREES))]

    redis = common.redis_url(common.REDIS_DB["http"])
    common.require_services(postgres=True, redis_db=common.REDIS_DB["http"])
    machine = common.machine_info()
    common.progress(f"machine: {common.describe_machine(machine)}")

    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        workdir = Path(tmp)
        static_root = workdir / "static"
        database = common.DatabaseFactory("postgres", "http", workdir)

        def env_for(url: str) -> dict[str, str]:
            return common.server_env(
                database_url=url, redis=redis, conn_max_age=0, static_root=static_root
            )

        try:
            database.build_template(env_for)
            env = env_for(database.fresh())
            common.flush_redis(redis)
            common.progress("collectstatic into a temporary STATIC_ROOT")
            common.collectstatic(static_root, env)
            if args.profile:
                payload = {
                    "benchmark": "http-profile",
                    "machine": machine,
                    "command": " ".join(sys.argv),
                    **profile(env, workdir, args),
                }
                common.write_results("http-profile", payload, smoke=args.smoke, also=args.json)
                return 0
            if args.syscalls:
                payload = {
                    "benchmark": "http-syscalls",
                    "machine": machine,
                    "command": " ".join(sys.argv),
                    "results": count_syscalls(env, workdir, args, configs),
                }
                common.write_results("http-syscalls", payload, smoke=args.smoke, also=args.json)
                return 0
            rounds = []
            for number in range(args.rounds):
                common.progress(f"round {number + 1} of {args.rounds}")
                rows: list[dict[str, Any]] = []
                for config in configs:
                    rows += measure(config, env, workdir, args)
                rounds.append(rows)
        finally:
            database.drop()

    table = aggregate(rounds)
    print()
    print(
        f"HTTP, {args.connections} connections, {args.duration:g} s each, "
        f"{'wrk' if args.use_wrk else 'python'} generator, median of {args.rounds} round(s)"
    )
    common.print_table(
        [
            "config",
            "page",
            "req/s",
            "p50 ms",
            "p99 ms",
            "cpu ms/req",
            "req/s vs gunicorn",
            "p99 vs gunicorn",
            "req/s vs gunicorn cma60",
            "errors",
        ],
        [
            [
                r["config"],
                r["page"],
                r["rps"],
                r["p50_ms"],
                r["p99_ms"],
                r["server_cpu_ms_per_request"],
                r["rps_ratio_vs_gunicorn"],
                r["p99_ratio_vs_gunicorn"],
                r["rps_ratio_vs_gunicorn_cma60"],
                r["errors"],
            ]
            for r in table
        ],
    )
    lesson = {r["config"]: r for r in table if r["page"] == "lesson"}

    def meets(config: str) -> bool:
        row = lesson.get(config, {})
        return row.get("errors", 1) == 0 and (row.get("rps_ratio_vs_gunicorn") or 0) >= 1.0

    targets = {
        "lesson_daphne_1_rps_ratio_ge_1": meets("daphne-1"),
        "lesson_daphne_scaled_2_rps_ratio_ge_1": meets("daphne-scaled-2"),
        "lesson_split_2_rps_ratio_ge_1": meets("split-2"),
        "lesson_split_2_nocache_rps_ratio_ge_1": meets("split-2-nocache"),
    }
    if any(r["errors"] for r in table):
        print("WARNING: some runs had errors or non-2xx responses; their figures are not valid")
    print(f"targets: {targets}")
    payload = {
        "benchmark": "http",
        "machine": machine,
        "command": " ".join(sys.argv),
        "settings": {
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "rounds": args.rounds,
            "generator": "wrk" if args.use_wrk else "python-httpx",
            "database": "postgresql (fresh, seed content)",
            "env": "DEBUG=0, REDIS_URL, CONN_MAX_AGE=0 and Django's psycopg pool unless "
            "the config says otherwise, collectstatic (manifest storage)",
            "baseline": BASELINE,
        },
        "results": table,
        "rounds": rounds,
        "targets": targets,
    }
    common.write_results("http", payload, smoke=args.smoke, also=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

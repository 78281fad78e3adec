"""The lesson page while a class presses Run in the lab, against the same page with nobody in it.

    .venv/bin/python bench/lab_bench.py            # 3 rounds, about 3 minutes
    .venv/bin/python bench/lab_bench.py --smoke    # a few seconds, for CI

One Daphne process (quizsite.asgi with the recommended production settings, a fresh
SQLite database with the seed content, BEHIND_PROXY=1 so that each simulated learner
counts by its own X-Real-IP, as behind nginx) serves the lesson page to readers
arriving at a steady RATE a second for D seconds in each phase:

  quiet           nobody in the lab                                     <- the baseline
  crowd-browser   L learners pressing Run with 20 requests, as lab.js does: 20 at once
                  to the sync endpoint, then 20 to the async one, over at most 6
                  connections each (a browser's limit over HTTP/1.1); then 1 s to read
                  the result, and Run again (after the Retry-After of a refusal, which
                  lab.js waits out too)
  crowd-server    L learners without JavaScript pressing Run with 20 requests: the
                  server measures each run itself (GET /lab/concurrency/run/)

Every learner starts at the same moment. Each page request is sent when it is due,
whatever the others are doing, so a server that falls behind shows in the latency (no
coordinated omission); it is timed from when it was sent, and how late this process
sent it (its own lag, on a busy machine) is reported apart. A steady rate, not wrk's
clients that ask again the moment they are answered: those keep the server's core
full, and then any other work at all lengthens every page. The crowd runs at the
lowest priority (nice 19), so that its own client work (done here, not on learners'
phones) takes no CPU the server or the readers want; `--pin` also puts the server
alone on core 0 (taskset), which only helps on a machine nobody else is using. The
phases take turns for R rounds (quiet, crowd-browser, crowd-server, quiet, ...), so
the drift of a shared machine falls on all of them; each crowd phase's figures are
ratios against the quiet phase of its own round, given as the median and the range
over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

LESSON = "/lessons/asgi-vs-wsgi/"
SYNC, ASYNC, SERVER_RUN = "/lab/wait/sync/", "/lab/wait/async/", "/lab/concurrency/run/"
PHASES = ("quiet", "crowd-browser", "crowd-server")
BASELINE = "quiet"
BROWSER_CONNECTIONS = 6
OUTCOMES = {200: "ok", 503: "busy", 429: "limited"}


# The crowd (run as `lab_bench.py --crowd ...` in a process of its own)


async def _learner(
    number: int, *, base: str, mode: str, requests: int, think: float, deadline: float
) -> Counter[str]:
    import httpx

    counts: Counter[str] = Counter()
    # An address of its own for each learner, as nginx would pass it on.
    headers = {"X-Real-IP": f"10.{number // 250}.{number % 250}.{1 + number % 200}"}
    connections = BROWSER_CONNECTIONS if mode == "browser" else 1
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60, trust_env=False
    ) as client:
        retry_after = 0.0

        async def one(path: str, **params: Any) -> None:
            nonlocal retry_after
            try:
                response = await client.get(path, params=params)
            except httpx.HTTPError:
                counts["failed"] += 1
                return
            counts[OUTCOMES.get(response.status_code, f"status {response.status_code}")] += 1
            if response.status_code != 200:
                retry_after = max(retry_after, float(response.headers.get("Retry-After", 0)))

        while time.monotonic() < deadline:
            retry_after = 0.0
            if mode == "browser":
                for path in (SYNC, ASYNC):
                    await asyncio.gather(*(one(path, i=i) for i in range(requests)))
            else:
                await one(SERVER_RUN, requests=requests)
            counts["runs"] += 1
            # Run again after reading the result, or when a refusal said to (as lab.js does).
            await asyncio.sleep(max(think, retry_after))
    return counts


async def _crowd(args: argparse.Namespace) -> dict[str, Any]:
    deadline = time.monotonic() + args.duration
    started = time.process_time()
    per_learner = await asyncio.gather(
        *(
            _learner(
                number,
                base=args.crowd,
                mode=args.mode,
                requests=args.requests,
                think=args.think,
                deadline=deadline,
            )
            for number in range(args.learners)
        )
    )
    total: Counter[str] = Counter()
    for counts in per_learner:
        total.update(counts)
    return {"counts": dict(total), "crowd_cpu_s": round(time.process_time() - started, 2)}


def crowd_main(args: argparse.Namespace) -> int:
    print(json.dumps(asyncio.run(_crowd(args))), flush=True)
    return 0


def start_crowd(
    url: str, *, mode: str, learners: int, requests: int, think: float, duration: float
) -> subprocess.Popen[str]:
    command = [
        common.PYTHON,
        str(Path(__file__).resolve()),
        "--crowd",
        url,
        "--mode",
        mode,
        "--learners",
        str(learners),
        "--requests",
        str(requests),
        "--think",
        str(think),
        "--duration",
        str(duration),
    ]
    return subprocess.Popen(
        command,
        cwd=common.ROOT,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.nice(19),  # noqa: PLW1509 - no threads in this process
    )


def finish_crowd(crowd: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    try:
        out, _ = crowd.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        crowd.kill()
        crowd.communicate()
        raise RuntimeError("the crowd did not stop in time") from None
    if crowd.returncode != 0:
        raise RuntimeError(f"the crowd failed with {crowd.returncode}")
    return json.loads(out.strip().splitlines()[-1])


# The readers


async def _paced(url: str, *, rate: float, duration: float, timeout: float) -> dict[str, Any]:
    """`rate` requests a second for `duration` seconds, each sent when due whatever the
    others are doing (no coordinated omission) and timed from when it was sent; how late
    this process sent them (its own lag: a busy machine) is kept apart."""
    import httpx

    latencies: list[float] = []
    lags: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:

        async def one(due: float) -> None:
            nonlocal errors
            sent = time.perf_counter()
            try:
                response = await client.get(url)
            except httpx.HTTPError:
                errors += 1
                return
            statuses[response.status_code] += 1
            latencies.append(time.perf_counter() - sent)
            lags.append(sent - due)

        async def paced(seconds: float, *, measured: bool) -> None:
            start = time.perf_counter()
            tasks = []
            for index in range(round(rate * seconds)):
                due = start + index / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                tasks.append(asyncio.ensure_future(one(due)))
            await asyncio.gather(*tasks)
            if not measured:
                latencies.clear()
                lags.clear()
                statuses.clear()

        await paced(min(1.0, duration), measured=False)  # connections opened, not timed
        began = time.perf_counter()
        await paced(duration, measured=True)
        elapsed = time.perf_counter() - began
    stats = common.summary_ms(latencies)
    return {
        "generator": "python-httpx-paced",
        "rate": rate,
        "rps": round(len(latencies) / elapsed, 1),
        "requests": len(latencies),
        "p50_ms": stats["p50_ms"],
        "p90_ms": stats["p90_ms"],
        "p99_ms": stats["p99_ms"],
        "max_ms": stats["max_ms"],
        "send_lag_p99_ms": common.summary_ms(lags)["p99_ms"],
        "socket_errors": errors,
        "non_2xx": sum(n for status, n in statuses.items() if status != 200),
    }


def pin(server: common.Server) -> bool:
    """The server on core 0, this process (the readers, and the crowd it starts) elsewhere."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or shutil.which("taskset") is None:
        return False
    server.command = ["taskset", "-c", str(cores[0]), *server.command]
    os.sched_setaffinity(0, set(cores[1:]))
    return True


# The measurement


def measure_phase(phase: str, server: common.Server, args: argparse.Namespace) -> dict[str, Any]:
    base = f"http://127.0.0.1:{server.port}"
    crowd = None
    row: dict[str, Any] = {"phase": phase}
    try:
        if phase != BASELINE:
            # The crowd starts first and outlasts the readers, who see it all along.
            crowd = start_crowd(
                base,
                mode=phase.removeprefix("crowd-"),
                learners=args.learners,
                requests=args.requests,
                think=args.think,
                duration=args.duration + 2 + 2 * args.ramp,
            )
            time.sleep(args.ramp)
        monitor = common.ResourceMonitor([server])
        monitor.start()
        cpu_before = monitor.cpu_seconds()
        began = time.monotonic()
        page = asyncio.run(
            _paced(base + LESSON, rate=args.rate, duration=args.duration, timeout=30)
        )
        elapsed = time.monotonic() - began
        cpu = monitor.cpu_seconds() - cpu_before
        monitor.stop()
        row["lesson"] = page
        row["server_cpu_percent"] = round(100 * cpu / elapsed, 1)
        row["loadavg_after"] = round(os.getloadavg()[0], 2)
        if crowd is not None:
            # Whatever was queued finishes (the sync queue holds at most 8 s of work).
            row.update(finish_crowd(crowd, timeout=args.duration + 2 * args.ramp + 90))
    finally:
        if crowd is not None and crowd.poll() is None:
            crowd.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                crowd.communicate(timeout=10)
    common.progress(
        f"{phase:14} lesson {page['rps']:6.1f} req/s  p50 {page['p50_ms']} ms"
        f"  p99 {page['p99_ms']} ms  errors {page['socket_errors'] + page['non_2xx']}"
        f"  send lag p99 {page['send_lag_p99_ms']} ms  server cpu {row['server_cpu_percent']}%"
        f"  {row.get('counts', '')}"
    )
    return row


def spread(values: list[float]) -> dict[str, float | None]:
    present = [v for v in values if v is not None]
    if not present:
        return {"median": None, "min": None, "max": None}
    return {
        "median": round(statistics.median(present), 2),
        "min": min(present),
        "max": max(present),
    }


def summarise(rounds: list[list[dict[str, Any]]], phases: list[str]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for phase in phases[1:]:
        ratios: dict[str, list[float]] = {"p50": [], "p99": [], "rps": []}
        for measured in rounds:
            quiet = next(r for r in measured if r["phase"] == BASELINE)["lesson"]
            crowd = next(r for r in measured if r["phase"] == phase)["lesson"]
            ratios["p50"].append(common.ratio(crowd["p50_ms"], quiet["p50_ms"]))
            ratios["p99"].append(common.ratio(crowd["p99_ms"], quiet["p99_ms"]))
            ratios["rps"].append(common.ratio(crowd["rps"], quiet["rps"]))
        summary[phase] = {name: spread(values) for name, values in ratios.items()}
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--json", type=Path, help="also write the results JSON here")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--rate", type=float, default=50.0, help="lesson pages a second")
    parser.add_argument("--learners", type=int, default=30, help="learners pressing Run")
    parser.add_argument("--requests", type=int, default=20, help="per endpoint and run")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between runs")
    parser.add_argument("--ramp", type=float, default=1.0, help="the crowd's head start, s")
    parser.add_argument(
        "--pin", action="store_true", help="the server alone on core 0 (a quiet machine only)"
    )
    parser.add_argument("--phases", default=",".join(PHASES), help="quiet first, then crowds")
    # The crowd's own process.
    parser.add_argument("--crowd", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["browser", "server"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.crowd:
        return crowd_main(args)
    if args.smoke:
        args.rounds, args.duration, args.rate = 1, 1.0, 20.0
        args.learners, args.requests, args.ramp = 3, 3, 0.3
    phases = [name.strip() for name in args.phases.split(",") if name.strip()]
    if not phases or phases[0] != BASELINE or not set(phases) <= set(PHASES):
        parser.error(f"phases: {BASELINE} first, then any of {', '.join(PHASES[1:])}")
    machine = common.machine_info()
    common.progress(f"machine: {common.describe_machine(machine)}")
    common.raise_open_files_limit()

    rounds: list[list[dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp:
        workdir = Path(tmp)
        static_root = workdir / "static"
        database = common.DatabaseFactory("sqlite", "lab", workdir)

        def env_for(url: str) -> dict[str, str]:
            return common.server_env(database_url=url, static_root=static_root, BEHIND_PROXY="1")

        database.build_template(env_for)
        env = env_for(database.fresh())
        common.progress("collectstatic into a temporary STATIC_ROOT")
        common.collectstatic(static_root, env)
        server = common.daphne("daphne-1", "quizsite.asgi:application", env, workdir)
        pinned = args.pin and pin(server)
        if pinned:
            common.progress("server on core 0, readers and crowd on the others")
        with common.running(server):
            common.check_page(f"http://127.0.0.1:{server.port}{LESSON}", "Measure it")
            for number in range(1, args.rounds + 1):
                common.progress(f"round {number} of {args.rounds}")
                rounds.append([measure_phase(phase, server, args) for phase in phases])

    summary = summarise(rounds, phases)
    print()
    print(
        f"The lesson page, {args.rate:g} a second, {args.duration:g} s per phase, while "
        f"{args.learners} learners press Run ({args.requests} requests per endpoint), "
        f"{args.rounds} round{'s' if args.rounds > 1 else ''}: ratios against nobody in the lab"
    )
    common.print_table(
        ["crowd", "p50 median", "p50 range", "p99 median", "p99 range", "req/s median"],
        [
            [
                phase,
                ratios["p50"]["median"],
                f"{ratios['p50']['min']}-{ratios['p50']['max']}",
                ratios["p99"]["median"],
                f"{ratios['p99']['min']}-{ratios['p99']['max']}",
                ratios["rps"]["median"],
            ]
            for phase, ratios in summary.items()
        ],
    )
    payload = {
        "benchmark": "lab",
        "machine": machine,
        "command": " ".join(sys.argv),
        "settings": {
            "rounds": args.rounds,
            "duration_s": args.duration,
            "rate_per_s": args.rate,
            "pinned": pinned,
            "learners": args.learners,
            "requests_per_endpoint": args.requests,
            "think_s": args.think,
            "generator": "python-httpx-paced",
            "baseline": BASELINE,
        },
        "rounds": rounds,
        "summary": summary,
    }
    common.write_results("lab", payload, smoke=args.smoke, also=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

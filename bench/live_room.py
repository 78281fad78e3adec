"""Live room: N players answer one question over real WebSockets, then the reveal.

    .venv/bin/python bench/live_room.py                      # 100, 500, 1000, 2000 players
    .venv/bin/python bench/live_room.py --players 1000 --setups embedded
    .venv/bin/python bench/live_room.py --players 1000 --profile   # py-spy on the servers
    .venv/bin/python bench/live_room.py --smoke              # a few seconds, for CI

For every set-up and room size, on a fresh database (bench/prepare.py creates
the room, its host and its players, each with a real Django session):

 1. the host's screen and N players' phones connect (`/ws/live/<code>/host/` and
    `/play/`), each with its session cookie and the page's Origin, like a browser;
 2. the host starts question 1 and every phone shows it;
 3. each player answers at a random moment spread uniformly over --spread seconds
    (3 s), a random option, and waits for "Answer locked in": that round trip is
    the acknowledgement latency;
 4. the host presses Reveal once every answer is acknowledged (an extra player who
    never connects keeps the automatic reveal from firing first); the time from
    that click until each phone and the host screen show the board ("Top 5") is
    the board latency. With --reveal auto that extra player is left out, the
    server reveals by itself once everybody has answered, and the board latency is
    counted from the last acknowledgement (it then includes the host screen's
    250 ms answer-count coalescing);
 5. the answers in the database are read back: an answer is lost unless it was
    acknowledged AND stored.

Set-ups: `embedded` is the default of `make run` (a SQLite file, the in-memory
channel layer, CONN_MAX_AGE=0, one Daphne process); `pg-redis-2` is two Daphne
processes on PostgreSQL and Redis (CONN_MAX_AGE=0, as the README's production
recipe leaves it and as Django's docs require under ASGI), players split half to
each process's port and the host on the first. Both run with DEBUG=0. More
set-ups (see SETUPS) isolate one factor each or measure a suggestion. Server CPU and
peak RSS come from psutil on the server processes. All clients run in this one
process, on the same two cores as the servers: their own event-loop lag is
reported, and is part of every latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, profile_report, wsload

SETUPS: dict[str, dict[str, Any]] = {
    # `make run`: SQLite file, in-memory channel layer, CONN_MAX_AGE=0, one process.
    "embedded": {"db": "sqlite", "redis": False, "processes": 1, "conn_max_age": 0},
    # The README's production recipe on two processes. CONN_MAX_AGE=0: the README's
    # default, and Django's docs say to disable persistent connections under ASGI.
    "pg-redis-2": {"db": "postgres", "redis": True, "processes": 2, "conn_max_age": 0},
    # `make run-split` (docs/deploy.md): every socket through nginx to two Daphne
    # processes, the pages on gunicorn. Not in the default run; needs nginx.
    "split-2": {
        "db": "postgres",
        "redis": True,
        "processes": 2,
        "conn_max_age": 0,
        "server": "split",
    },
    # Not in the default run; each isolates one factor or measures one suggestion.
    "pg-redis-1": {"db": "postgres", "redis": True, "processes": 1, "conn_max_age": 0},
    "pg-redis-2-cma60": {"db": "postgres", "redis": True, "processes": 2, "conn_max_age": 60},
    "pg-redis-2-nopool": {
        "db": "postgres",
        "redis": True,
        "processes": 2,
        "conn_max_age": 0,
        "env": {"DATABASE_POOL": "0"},
    },
}
DEFAULT_SETUPS = "embedded,pg-redis-2"
# --tree NAME=PATH: set-ups named "setup@NAME" run their servers from that checkout.
TREES: dict[str, Path] = {}
DEFAULT_PLAYERS = "100,500,1000,2000"
PLAYER_MARKERS = {
    "lobby": "You're in",
    "question": "Question 1 of",
    "ack": "Answer locked in",
    "board": "Top 5",
}
HOST_MARKERS = {"lobby": 'class="lobby-count"', "question": 'id="answer-count"', "board": "Top 5"}
TARGETS = {"players": 1000, "ack_p99_ms": 250, "board_p99_ms": 1000}


def parse_question(html: str) -> tuple[int, list[int]]:
    question = re.search(r'name="question" value="(\d+)"', html)
    choices = re.findall(r'name="choice" value="(\d+)"', html)
    if not question or not choices:
        raise RuntimeError(f"no question form in {html[:500]!r}")
    return int(question[1]), [int(c) for c in choices]


async def play_room(
    ports: list[int],
    *,
    room: dict[str, Any],
    players: int,
    args: argparse.Namespace,
    monitor: common.ResourceMonitor,
    on_start: Any = None,
) -> dict[str, Any]:
    rng = random.Random(args.seed)
    code = room["code"]
    host = wsload.Client(
        "host", f"ws://127.0.0.1:{ports[0]}/ws/live/{code}/host/", room["host"], HOST_MARKERS
    )
    clients = [
        wsload.Client(
            f"player{index}",
            f"ws://127.0.0.1:{ports[index % len(ports)]}/ws/live/{code}/play/",
            key,
            PLAYER_MARKERS,
            keep=("question",) if index == 0 else (),
        )
        for index, key in enumerate(room["players"][:players])
    ]
    lag = wsload.LoopLag()
    result: dict[str, Any] = {}
    try:
        await host.open()
        if not await host.wait("lobby", 30):
            raise RuntimeError(f"host screen did not open: {host.errors} {host.closed}")
        began = time.perf_counter()
        failures, retries = await wsload.open_all(
            clients,
            marker="lobby",
            concurrency=args.connect_concurrency,
            timeout=args.timeout,
            label="players connected",
        )
        result["connect_s"] = round(time.perf_counter() - began, 2)
        result["connect_retries"] = retries
        result["connect_failures"] = len(failures)
        result["connect_failure_examples"] = failures[:5]
        common.progress(
            f"  {players - len(failures)}/{players} players in the lobby in {result['connect_s']} s"
        )
        await asyncio.sleep(0.5)
        if on_start is not None:
            on_start()
        cpu_before = monitor.cpu_seconds()
        lag.start()
        phase_began = time.perf_counter()

        # 2. The host starts the question; every phone shows it.
        started = await host.send_form(action="start")
        await wsload.wait_all(clients, "question", args.timeout, "question shown")
        shown = [c.seen["question"] - started for c in clients if "question" in c.seen]
        result["question_shown"] = common.summary_ms(shown)
        sample = next((c for c in clients if "question" in c.texts), None)
        if sample is None:
            raise RuntimeError("no player saw the question")
        question_id, choices = parse_question(sample.texts["question"])
        common.progress(
            f"  question shown on {len(shown)}/{players} phones, "
            f"p99 {result['question_shown']['p99_ms']} ms; answering over {args.spread:g} s"
        )

        # 3. Everybody answers within --spread seconds.
        zero = time.perf_counter() + 0.1
        sent_at: dict[str, float] = {}

        async def answer(client: wsload.Client, offset: float, choice: int) -> None:
            if "question" not in client.seen or client.connection is None:
                return
            await asyncio.sleep(max(zero + offset - time.perf_counter(), 0.0))
            try:
                sent_at[client.name] = await client.send_form(
                    action="answer", question=question_id, choice=choice
                )
            except Exception as error:
                client.errors.append(f"send failed: {error!r}")
                return
            await client.wait("ack", args.spread + args.timeout)

        await wsload.wait_with_progress(
            [answer(c, rng.uniform(0, args.spread), rng.choice(choices)) for c in clients],
            lambda: sum("ack" in c.seen for c in clients),
            players,
            "answers acknowledged",
        )
        acks = [c.seen["ack"] - sent_at[c.name] for c in clients if "ack" in c.seen]
        result["answers_sent"] = len(sent_at)
        result["answers_acknowledged"] = len(acks)
        result["ack"] = common.summary_ms(acks)
        last_ack = max((c.seen["ack"] for c in clients if "ack" in c.seen), default=zero)
        result["answer_window_s"] = round(last_ack - zero, 2)
        common.progress(
            f"  {len(acks)}/{players} answers acknowledged, p50 {result['ack']['p50_ms']} ms,"
            f" p99 {result['ack']['p99_ms']} ms"
        )

        # 4. The reveal: by the host's click, or by the server once all answered.
        if args.reveal == "host":
            revealed = await host.send_form(action="reveal")
        else:
            revealed = last_ack
        screens = [*clients, host]
        await wsload.wait_all(screens, "board", args.timeout, "boards shown")
        boards = [c.seen["board"] - revealed for c in clients if "board" in c.seen]
        result["board"] = common.summary_ms(boards)
        result["board_all_players_s"] = round(max(boards), 3) if boards else None
        result["board_host_ms"] = (
            round((host.seen["board"] - revealed) * 1000, 1) if "board" in host.seen else None
        )
        result["boards_missing"] = players - len(boards) + (0 if "board" in host.seen else 1)
        result["phase_s"] = round(time.perf_counter() - phase_began, 2)
        result["server_cpu_s"] = round(monitor.cpu_seconds() - cpu_before, 2)
        result["server_cpu_percent"] = round(100 * result["server_cpu_s"] / result["phase_s"], 1)
        common.progress(
            f"  board on {len(boards)}/{players} phones, p50 {result['board']['p50_ms']} ms,"
            f" p99 {result['board']['p99_ms']} ms; host screen {result['board_host_ms']} ms"
        )
        result["question_id"] = question_id
        result["acknowledged_names"] = sorted(c.name for c in clients if "ack" in c.seen)
        result["sent_names"] = sorted(sent_at)
        errors = [e for c in clients for e in c.errors]
        result["client_errors"] = len(errors)
        result["client_error_examples"] = sorted(set(errors))[:5]
        result["closed_early"] = sum(c.closed is not None for c in clients)
        result["messages_per_player"] = round(sum(c.messages for c in clients) / players, 1)
        result["host_bytes"] = host.bytes
    finally:
        lags = await lag.stop()
        result["client_loop_lag"] = common.summary_ms(lags)
        await wsload.close_all([host, *clients])
    return result


def run_size(
    setup_name: str,
    players: int,
    database: common.DatabaseFactory,
    workdir: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    base, _, tree = setup_name.partition("@")
    setup = SETUPS[base]
    redis = common.redis_url(common.REDIS_DB["live"]) if setup["redis"] else None

    def env_for(url: str) -> dict[str, str]:
        return common.server_env(
            database_url=url,
            redis=redis,
            conn_max_age=setup["conn_max_age"],
            **setup.get("env", {}),
        )

    database.build_template(env_for)
    env = env_for(database.fresh())
    if redis:
        common.flush_redis(redis)
    extra = 1 if args.reveal == "host" else 0
    common.progress(f"{setup_name}: preparing a room of {players} players")
    room = common.run_json(
        ["bench/prepare.py", "live", "--players", str(players + extra), "--seconds", "600"], env
    )
    if setup.get("server") == "split":
        servers = [
            common.scaled(
                f"live-{setup_name}-{players}",
                env,
                workdir,
                workers=setup["processes"],
                page_workers=2,
            )
        ]
    else:
        servers = [
            common.daphne(
                f"live-{setup_name}-{players}-{i}", "quizsite.asgi:application", env, workdir
            )
            for i in range(setup["processes"])
        ]
    if tree:
        servers = [common.in_tree(server, TREES[tree]) for server in servers]
    code = common.code_version()  # the app may change between runs: note what ran
    profile_files: list[Path] = []
    with common.running(*servers):
        monitor = common.ResourceMonitor(servers)
        monitor.start()

        def start_profilers() -> None:
            out_dir = common.RESULTS_DIR / "profiles"
            out_dir.mkdir(parents=True, exist_ok=True)
            for server in servers:
                profile_files.extend(server.start_profiler(out_dir, f"live-{setup_name}-{players}"))

        common.progress(
            f"{setup_name}: {players} players on {setup['processes']} Daphne process(es)"
        )
        result = asyncio.run(
            play_room(
                [s.port for s in servers],
                room=room,
                players=players,
                args=args,
                monitor=monitor,
                on_start=start_profilers if args.profile else None,
            )
        )
        for server in servers:
            server.stop_profiler()
        result["memory"] = monitor.stop()
    stored = common.run_json(
        [
            "bench/dbcheck.py",
            "live",
            "--session",
            str(room["session_id"]),
            "--question",
            str(result["question_id"]),
        ],
        env,
    )["answered"]
    acknowledged = set(result.pop("acknowledged_names"))
    sent = set(result.pop("sent_names"))
    in_db = set(stored)
    result["answers_in_db"] = len(in_db)
    result["acknowledged_not_in_db"] = len(acknowledged - in_db)
    result["in_db_not_acknowledged"] = len(in_db - acknowledged)
    # Lost: sent, but not both acknowledged and stored. Players who could not
    # connect sent nothing; they count in connect_failures instead.
    result["lost"] = len(sent) - len(acknowledged & in_db)
    if profile_files:
        report = profile_report.summarize_profiles(profile_files)
        print(profile_report.format_profiles(report, title=f"live room {setup_name} {players}"))
        result["profile"] = report
        result["profile_files"] = [str(f) for f in profile_files]
    return {"setup": setup_name, "players": players, **result, "code": code}


def verdict(row: dict[str, Any]) -> dict[str, bool]:
    return {
        "everybody_played": row["connect_failures"] == 0
        and row["boards_missing"] == 0
        and row["answers_sent"] == row["players"],
        "no_lost_answers": row["lost"] == 0,
        "ack_p99_ok": (row["ack"]["p99_ms"] or 1e9) <= TARGETS["ack_p99_ms"],
        "board_p99_ok": (
            (row["board"]["p99_ms"] or 1e9) <= TARGETS["board_p99_ms"]
            and (row["board_host_ms"] or 1e9) <= TARGETS["board_p99_ms"]
        ),
    }


def plot(rows: list[dict[str, Any]], path: Path, before: list[dict[str, Any]] | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharex=True)
    series = [("", rows, "-")]
    if before:
        series.insert(0, ("before: ", before, ":"))
    colours = {"embedded": "tab:blue", "pg-redis-2": "tab:orange", "pg-redis-1": "tab:green"}
    for axis, key, title, target in (
        (axes[0], "ack", "Answer acknowledgement", TARGETS["ack_p99_ms"]),
        (axes[1], "board", "Reveal until the board is on every phone", TARGETS["board_p99_ms"]),
    ):
        for prefix, data, style in series:
            for setup in dict.fromkeys(r["setup"] for r in data):
                points = sorted((r["players"], r[key]) for r in data if r["setup"] == setup)
                xs = [p for p, _ in points]
                colour = colours.get(setup)
                axis.plot(
                    xs,
                    [s["p99_ms"] for _, s in points],
                    style,
                    marker="o",
                    color=colour,
                    label=f"{prefix}{setup} p99",
                    alpha=0.5 if prefix else 1,
                )
                if not prefix:
                    axis.plot(
                        xs,
                        [s["p50_ms"] for _, s in points],
                        "--",
                        marker=".",
                        color=colour,
                        label=f"{setup} p50",
                        alpha=0.7,
                    )
        axis.axhline(target, color="red", linewidth=0.8, linestyle="-.")
        axis.text(
            axis.get_xlim()[0],
            target,
            f" target p99 {target} ms",
            color="red",
            va="bottom",
            fontsize=8,
        )
        axis.set_yscale("log")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("players in the room")
        axis.set_ylabel("milliseconds (log scale)")
        axis.grid(visible=True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.suptitle(
        "quizsite live room on 2 shared cores (clients on the same machine)", fontsize=10
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    common.progress(f"plot written to {path}")


def load_rows(paths: list[Path]) -> list[dict[str, Any]]:
    return [row for path in paths for row in json.loads(path.read_text())["results"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--json", type=Path, help="also write the results JSON here")
    parser.add_argument("--players", default=DEFAULT_PLAYERS, help="comma-separated room sizes")
    parser.add_argument("--setups", default=DEFAULT_SETUPS, help=f"of {', '.join(SETUPS)}")
    parser.add_argument("--spread", type=float, default=3.0, help="answers spread over seconds")
    parser.add_argument("--reveal", choices=["host", "auto"], default="host")
    parser.add_argument("--timeout", type=float, default=90.0, help="per phase, seconds")
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=50,
        help="handshakes in flight at once while the room fills",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also run every set-up's servers from the checkout at PATH (same venv and "
        "database), as setup@NAME: a before/after comparison in one run",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy on the server processes")
    parser.add_argument("--plot", type=Path, default=common.ROOT / "docs" / "live-latency.png")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--before", type=Path, nargs="*", help="earlier results, drawn dotted")
    parser.add_argument(
        "--from-results", type=Path, nargs="+", help="only draw the plot from these results"
    )
    args = parser.parse_args()
    if args.from_results:
        plot(load_rows(args.from_results), args.plot, load_rows(args.before or []))
        return 0
    if args.smoke:
        if args.players == DEFAULT_PLAYERS:
            args.players = "10"
        args.spread, args.timeout, args.no_plot = 0.5, 30.0, True
    sizes = [int(n) for n in args.players.split(",") if n.strip()]
    setups = common.checked_setups(parser, args.setups, SETUPS, redis_db=common.REDIS_DB["live"])
    for spec in args.tree:
        name, _, path = spec.partition("=")
        if not name or not Path(path, "manage.py").exists():
            parser.error(f"--tree takes NAME=PATH of a checkout, not {spec!r}")
        TREES[name] = Path(path).resolve()
    setups = [variant for s in setups for variant in (s, *(f"{s}@{n}" for n in TREES))]

    limit = common.raise_open_files_limit()
    machine = common.machine_info()
    common.progress(f"machine: {common.describe_machine(machine)}; open files {limit}")
    rows: list[dict[str, Any]] = []

    def payload() -> dict[str, Any]:
        return {
            "benchmark": "live-room",
            "machine": machine,
            "command": " ".join(sys.argv),
            "settings": {
                "spread_s": args.spread,
                "reveal": args.reveal,
                "setups": {name: SETUPS[name.partition("@")[0]] for name in setups},
                "env": "DEBUG=0; clients in one asyncio process on the same cores",
                "targets": TARGETS,
            },
            "results": rows,
        }

    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        workdir = Path(tmp)
        for setup_name in setups:
            database = common.DatabaseFactory(
                SETUPS[setup_name.partition("@")[0]]["db"], "live", workdir
            )
            try:
                for players in sizes:
                    row = run_size(setup_name, players, database, workdir, args)
                    row["targets"] = verdict(row)
                    rows.append(row)
                    # Kept as it goes: a run stopped by a time limit keeps what it had.
                    partial = common.RESULTS_DIR / "live-room-partial.json"
                    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
                    partial.write_text(json.dumps({**payload(), "partial": True}, indent=2))
            finally:
                database.drop()

    print()
    print(
        f"Live room: one question, answers spread over {args.spread:g} s, "
        f"reveal by {'the host' if args.reveal == 'host' else 'the server (auto)'}"
    )
    common.print_table(
        [
            "set-up",
            "players",
            "failed",
            "lost",
            "ack p50",
            "ack p99",
            "board p50",
            "board p99",
            "host board",
            "question p99",
            "cpu s",
            "cpu %",
            "peak RSS MiB",
            "client lag p99",
        ],
        [
            [
                r["setup"],
                r["players"],
                r["connect_failures"],
                r["lost"],
                r["ack"]["p50_ms"],
                r["ack"]["p99_ms"],
                r["board"]["p50_ms"],
                r["board"]["p99_ms"],
                r["board_host_ms"],
                r["question_shown"]["p99_ms"],
                r["server_cpu_s"],
                r["server_cpu_percent"],
                r["memory"]["peak_rss_mib_total"],
                r["client_loop_lag"]["p99_ms"],
            ]
            for r in rows
        ],
    )
    print(
        "(milliseconds unless noted; targets at 1000 players: 0 lost, ack p99 <= 250 ms, "
        "board p99 <= 1000 ms)"
    )
    for row in rows:
        print(f"  {row['setup']:12} {row['players']:5}: {row['targets']}")
    common.write_results("live-room", payload(), smoke=args.smoke, also=args.json)
    if not args.no_plot and not args.profile:
        plot(rows, args.plot, load_rows(args.before or []))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Live room: N players join through the pages and play over real WebSockets.

    .venv/bin/python bench/live_room.py                         # 500, 1000, 2000 players
    .venv/bin/python bench/live_room.py --players 2000 --setups run-scaled
    .venv/bin/python bench/live_room.py --players 1000 --profile  # py-spy on the servers
    .venv/bin/python bench/live_room.py --smoke                 # a few seconds, for CI

Every set-up is served on one port, as its make target serves it: `run` is `make run`
(one Daphne, a SQLite file, the in-memory channel layer), `run-scaled` is `make
run-scaled` (two Daphne processes on one port, PostgreSQL and Redis), `run-split` is
`make run-split` (nginx on the port, the pages on gunicorn, the sockets on two Daphne
processes). All run with DEBUG=0 and the join and socket limits lifted for the one
loopback address every simulated player comes from (RATELIMIT_JOIN_ROOM,
SOCKETS_PER_ADDRESS, LIVE_MAX_PLAYERS). bench/prepare.py creates the room and its
host's signed-in session on a fresh database. Then:

 1. the host's screen connects; the players join as a browser does (bench/pages.py:
    GET /join, POST the code and a nickname with the CSRF token, follow to the play
    page, open the socket that page opens), --join-concurrency at a time: the join
    time runs from the first GET until the socket is open;
 2. the host starts question 1 and every screen shows it;
 3. each player answers at a random moment over --spread seconds (3 s), a random
    option, and waits for "Answer locked in": the acknowledgement latency;
 4. the host presses Reveal once every answer is acknowledged (or, with --reveal auto,
    the server reveals once all answered): the board ("Top 5") on every screen;
 5. the host presses Next: question 2 on every screen;
 6. the answers in the database are read back: an answer is lost unless it was
    acknowledged AND stored.

`--players-from-db` creates the players in the database instead of through the pages
(the earlier method); every table then says "database" in its "joined" column. Server
CPU and memory come from psutil on the server processes (nginx and gunicorn included).
All clients run in this one process, on the same two cores as the servers: their own
event-loop lag is reported, and is part of every latency.
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

from bench import common, pages, profile_report, wsload

# The limits a real class never meets from one address, lifted for the one address
# every simulated player shares (loopback).
LIFTED = {
    "RATELIMIT_JOIN_ROOM": "1000000/m",
    "SOCKETS_PER_ADDRESS": "1000000",
    "LIVE_MAX_PLAYERS": "1000000",
}
SETUPS: dict[str, dict[str, Any]] = {
    "run": {"db": "sqlite", "redis": False, "server": "daphne", "processes": 1},
    "run-scaled": {"db": "postgres", "redis": True, "server": "scaled", "processes": 2},
    "run-split": {"db": "postgres", "redis": True, "server": "split", "processes": 2},
}
DEFAULT_SETUPS = "run,run-scaled"
DEFAULT_PLAYERS = "500,1000,2000"
# --tree NAME=PATH: set-ups named "setup@NAME" run their servers from that checkout.
TREES: dict[str, Path] = {}
PLAYER_MARKERS = {
    "lobby": "You're in",
    "question": "Question 1 of",
    "ack": "Answer locked in",
    "board": "Top 5",
    "next": "Question 2 of",
}
HOST_MARKERS = {
    "lobby": 'class="lobby-count"',
    "question": 'id="answer-count"',
    "board": "Top 5",
    "next": "Question 2 of",
}
TARGETS: dict[str, Any] = {
    "players": {"run-scaled": 2000, "run": 1000},
    "ack_p99_ms": 250,
    "board_p99_ms": 1000,
    "next_p99_ms": 1000,
    "join_s": 30,
}


def parse_question(html: str) -> tuple[int, list[int]]:
    question = re.search(r'name="question" value="(\d+)"', html)
    choices = re.findall(r'name="choice" value="(\d+)"', html)
    if not question or not choices:
        raise RuntimeError(f"no question form in {html[:500]!r}")
    return int(question[1]), [int(c) for c in choices]


def latencies(clients: list[wsload.Client], marker: str, since: float) -> list[float]:
    return [c.seen[marker] - since for c in clients if marker in c.seen]


async def join_players(
    port: int, room: dict[str, Any], players: int, args: argparse.Namespace
) -> tuple[list[wsload.Client], dict[str, Any]]:
    """The class arrives: through the pages, or (--players-from-db) prepared."""
    base = f"http://127.0.0.1:{port}"
    result: dict[str, Any] = {}
    began = time.perf_counter()
    if args.players_from_db:
        clients = [
            wsload.Client(
                f"player{i}",
                f"ws://127.0.0.1:{port}/ws/live/{room['code']}/play/",
                key,
                PLAYER_MARKERS,
                keep=("question",) if i == 0 else (),
            )
            for i, key in enumerate(room["players"][:players])
        ]
        failures, retries = await wsload.open_all(
            clients, marker="lobby", concurrency=args.join_concurrency,
            timeout=args.timeout, label="players connected",
        )  # fmt: skip
        result.update(join_refused=len(failures), join_examples=failures[:5], retries=retries)
        result["join"] = common.summary_ms([])
    else:
        transport = pages.SharedTransport(args.join_concurrency)
        joined_at: dict[str, float] = {}

        async def arrive(name: str) -> pages.Arrival:
            started = time.perf_counter()
            async with pages.browser(base, transport, args.timeout) as browser:
                arrival = await pages.join_live(browser, code=room["code"], nickname=name)
            client = wsload.Client(
                name,
                f"ws://127.0.0.1:{port}{arrival.socket_path}",
                "",
                PLAYER_MARKERS,
                keep=("question",) if name == "pupil0" else (),
                cookie=arrival.cookie,
            )
            await client.open(args.timeout)
            joined_at[name] = time.perf_counter()
            arrival.seconds = joined_at[name] - started
            sockets[name] = client
            return arrival

        sockets: dict[str, wsload.Client] = {}
        names = [f"pupil{i}" for i in range(players)]
        arrivals, refusals = await pages.arrive_all(
            names, arrive, concurrency=args.join_concurrency
        )
        await transport.close_pool()
        clients = [sockets[n] for n in names if n in sockets]
        result["join"] = common.summary_ms([a.seconds for a in arrivals])
        for step in ("join form", "join post", "play page"):
            result[f"join_{step.replace(' ', '_')}"] = common.summary_ms(
                [a.steps[step] for a in arrivals if step in a.steps]
            )
        result.update(join_refused=len(refusals), join_examples=refusals[:5], retries=0)
    result["join_s"] = round(time.perf_counter() - began, 2)
    common.progress(
        f"  {len(clients)}/{players} players joined in {result['join_s']} s "
        f"({'database' if args.players_from_db else 'pages'}), join p99 "
        f"{result['join']['p99_ms']} ms, refused {result['join_refused']} "
        f"{result['join_examples'][:2]}"
    )
    return clients, result


async def play_room(
    port: int,
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
        "host", f"ws://127.0.0.1:{port}/ws/live/{code}/host/", room["host"], HOST_MARKERS
    )
    lag = wsload.LoopLag()
    clients: list[wsload.Client] = []
    result: dict[str, Any] = {}
    try:
        await host.open()
        if not await host.wait("lobby", 30):
            raise RuntimeError(f"host screen did not open: {host.errors} {host.closed}")
        result["memory_before_joins"] = monitor.rss_total_mib()
        lag.start()
        if on_start is not None and args.profile == "joins":
            on_start()
        join_cpu = monitor.cpu_seconds(), time.process_time()
        clients, joined = await join_players(port, room, players, args)
        result.update(joined)
        # Where a slow join waits: the servers' CPU, or the load client's own.
        result["join_server_cpu_s"] = round(monitor.cpu_seconds() - join_cpu[0], 2)
        result["join_client_cpu_s"] = round(time.process_time() - join_cpu[1], 2)
        common.progress(
            f"  joins took {result['join_server_cpu_s']} s of server CPU and "
            f"{result['join_client_cpu_s']} s of the load client's"
        )
        result["memory_after_joins"] = monitor.rss_total_mib()
        await asyncio.sleep(0.5)
        if on_start is not None and args.profile == "game":
            on_start()
        cpu_before = monitor.cpu_seconds()
        phase_began = time.perf_counter()
        screens = [*clients, host]

        # 2. The host starts question 1; every screen shows it.
        started = await host.send_form(action="start")
        await wsload.wait_all(screens, "question", args.timeout, "question shown")
        result["question_shown"] = common.summary_ms(latencies(screens, "question", started))
        sample = next((c for c in clients if "question" in c.texts), None)
        if sample is None:
            raise RuntimeError("no player saw the question")
        question_id, choices = parse_question(sample.texts["question"])

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
            len(clients),
            "answers acknowledged",
        )
        acks = [c.seen["ack"] - sent_at[c.name] for c in clients if "ack" in c.seen]
        result["answers_sent"] = len(sent_at)
        result["answers_acknowledged"] = len(acks)
        result["ack"] = common.summary_ms(acks)
        last_ack = max((c.seen["ack"] for c in clients if "ack" in c.seen), default=zero)
        common.progress(
            f"  {len(acks)}/{len(clients)} answers acknowledged, p50 {result['ack']['p50_ms']} "
            f"ms, p99 {result['ack']['p99_ms']} ms"
        )

        # 4. The reveal: the board on every screen.
        revealed = await host.send_form(action="reveal") if args.reveal == "host" else last_ack
        await wsload.wait_all(screens, "board", args.timeout, "boards shown")
        result["board"] = common.summary_ms(latencies(screens, "board", revealed))
        result["board_host_ms"] = (
            round((host.seen["board"] - revealed) * 1000, 1) if "board" in host.seen else None
        )
        result["boards_missing"] = len(screens) - len(latencies(screens, "board", revealed))

        # 5. The next question on every screen.
        await asyncio.sleep(0.5)
        moved = await host.send_form(action="next")
        await wsload.wait_all(screens, "next", args.timeout, "next question shown")
        result["next"] = common.summary_ms(latencies(screens, "next", moved))
        result["next_missing"] = len(screens) - len(latencies(screens, "next", moved))
        common.progress(
            f"  board p99 {result['board']['p99_ms']} ms (host {result['board_host_ms']}), "
            f"next question p99 {result['next']['p99_ms']} ms"
        )

        result["phase_s"] = round(time.perf_counter() - phase_began, 2)
        result["server_cpu_s"] = round(monitor.cpu_seconds() - cpu_before, 2)
        result["server_cpu_percent"] = round(100 * result["server_cpu_s"] / result["phase_s"], 1)
        result["question_id"] = question_id
        result["acknowledged_names"] = sorted(c.name for c in clients if "ack" in c.seen)
        result["sent_names"] = sorted(sent_at)
        errors = [e for c in clients for e in c.errors]
        result["client_errors"] = len(errors)
        result["client_error_examples"] = sorted(set(errors))[:5]
        result["closed_early"] = sum(c.closed is not None for c in clients)
        result["messages_per_player"] = round(
            sum(c.messages for c in clients) / max(len(clients), 1), 1
        )
    finally:
        lags = await lag.stop()
        result["client_loop_lag"] = common.summary_ms(lags)
        await wsload.close_all([host, *clients])
    return result


def build_server(setup_name: str, players: int, env: dict[str, str], workdir: Path) -> Any:
    base, _, tree = setup_name.partition("@")
    setup = SETUPS[base]
    name = f"live-{setup_name}-{players}"
    if setup["server"] == "daphne":
        server = common.daphne(name, "quizsite.asgi:application", env, workdir)
    else:
        server = common.scaled(
            name,
            env,
            workdir,
            workers=setup["processes"],
            page_workers=2 if setup["server"] == "split" else 0,
        )
    return common.in_tree(server, TREES[tree]) if tree else server


def run_size(
    setup_name: str,
    players: int,
    database: common.DatabaseFactory,
    workdir: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    setup = SETUPS[setup_name.partition("@")[0]]
    redis = common.redis_url(common.REDIS_DB["live"]) if setup["redis"] else None

    def env_for(url: str) -> dict[str, str]:
        # The pages need their static files: DEBUG=0 serves the collected, hashed ones.
        env = common.server_env(
            database_url=url, redis=redis, conn_max_age=0, static_root=workdir / "static"
        )
        return {**env, **LIFTED}

    database.build_template(env_for)
    env = env_for(database.fresh())
    if not (workdir / "static").exists():
        common.collectstatic(workdir / "static", env)
    if redis:
        common.flush_redis(redis)
    extra = 1 if args.reveal == "host" else 0  # never connects: the host reveals
    prepared = players + extra if args.players_from_db else extra
    common.progress(f"{setup_name}: preparing a room for {players} players")
    room = common.run_json(
        ["bench/prepare.py", "live", "--players", str(prepared), "--seconds", "600"], env
    )
    server = build_server(setup_name, players, env, workdir)
    code = common.code_version()  # the app may change between runs: note what ran
    profile_files: list[Path] = []
    with common.running(server):
        monitor = common.ResourceMonitor([server])
        monitor.start()

        def start_profilers() -> None:
            out_dir = common.RESULTS_DIR / "profiles"
            out_dir.mkdir(parents=True, exist_ok=True)
            profile_files.extend(server.start_profiler(out_dir, f"live-{setup_name}-{players}"))

        common.progress(f"{setup_name}: {players} players, one port ({server.port})")
        result = asyncio.run(
            play_room(
                server.port,
                room=room,
                players=players,
                args=args,
                monitor=monitor,
                on_start=start_profilers if args.profile else None,
            )
        )
        server.stop_profiler()
        result["memory"] = monitor.stop()
    joined = max(players - result["join_refused"], 1)
    grown = result["memory_after_joins"] - result["memory_before_joins"]
    result["memory"]["rss_kib_per_player"] = round(1024 * grown / joined, 1)
    stored = common.run_json(
        ["bench/dbcheck.py", "live", "--session", str(room["session_id"]),
         "--question", str(result["question_id"])],
        env,
    )["answered"]  # fmt: skip
    acknowledged = set(result.pop("acknowledged_names"))
    sent = set(result.pop("sent_names"))
    in_db = set(stored)
    result["answers_in_db"] = len(in_db)
    result["acknowledged_not_in_db"] = len(acknowledged - in_db)
    result["in_db_not_acknowledged"] = len(in_db - acknowledged)
    # Lost: sent, but not both acknowledged and stored. Players who could not join sent
    # nothing; they count in join_refused instead.
    result["lost"] = len(sent) - len(acknowledged & in_db)
    if profile_files:
        report = profile_report.summarize_profiles(profile_files)
        print(profile_report.format_profiles(report, title=f"live room {setup_name} {players}"))
        result["profile"] = report
        result["profile_files"] = [str(f) for f in profile_files]
    return {
        "setup": setup_name,
        "players": players,
        "joined": "database" if args.players_from_db else "pages",
        **result,
        "code": code,
    }


def verdict(row: dict[str, Any]) -> dict[str, bool]:
    return {
        "everybody_played": row["join_refused"] == 0
        and row["boards_missing"] == 0
        and row["next_missing"] == 0
        and row["answers_sent"] == row["players"],
        "joined_within_30_s": row["join_s"] <= TARGETS["join_s"],
        "no_lost_answers": row["lost"] == 0,
        "ack_p99_ok": (row["ack"]["p99_ms"] or 1e9) <= TARGETS["ack_p99_ms"],
        "board_p99_ok": (row["board"]["p99_ms"] or 1e9) <= TARGETS["board_p99_ms"],
        "next_p99_ok": (row["next"]["p99_ms"] or 1e9) <= TARGETS["next_p99_ms"],
    }


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(14, 4.2), sharex=True)
    colours = {"run": "tab:blue", "run-scaled": "tab:orange", "run-split": "tab:green"}
    for axis, key, title, target in (
        (axes[0], "ack", "Answer acknowledgement", TARGETS["ack_p99_ms"]),
        (axes[1], "board", "Reveal until the board is on every screen", TARGETS["board_p99_ms"]),
        (axes[2], "next", "Next question on every screen", TARGETS["next_p99_ms"]),
    ):
        for setup in dict.fromkeys(r["setup"] for r in rows):
            by_size: dict[int, list[dict[str, Any]]] = {}
            for row in rows:
                if row["setup"] == setup:
                    by_size.setdefault(row["players"], []).append(row[key])
            xs = sorted(by_size)
            medians = [common.median_of([s["p99_ms"] for s in by_size[x]]) for x in xs]
            lows = [min(s["p99_ms"] or 0 for s in by_size[x]) for x in xs]
            highs = [max(s["p99_ms"] or 0 for s in by_size[x]) for x in xs]
            colour = colours.get(setup.partition("@")[0])
            axis.plot(xs, medians, "-", marker="o", color=colour, label=f"{setup} p99 (median)")
            axis.fill_between(xs, lows, highs, color=colour, alpha=0.15)
        axis.axhline(target, color="red", linewidth=0.8, linestyle="-.")
        axis.text(axis.get_xlim()[0], target, f" target p99 {target} ms", color="red",
                  va="bottom", fontsize=8)  # fmt: skip
        axis.set_yscale("log")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("players in the room (joined through the pages)")
        axis.set_ylabel("milliseconds (log scale)")
        axis.grid(visible=True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.suptitle(
        "quizsite live room on 2 shared cores, clients on the same machine "
        "(line: median of the runs; band: their range)",
        fontsize=10,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    common.progress(f"plot written to {path}")


def load_rows(paths: list[Path]) -> list[dict[str, Any]]:
    return [row for path in paths for row in json.loads(path.read_text())["results"]]


def print_rows(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print()
    print(
        f"Live room: joined through the pages unless said, answers spread over "
        f"{args.spread:g} s, reveal by {'the host' if args.reveal == 'host' else 'the server'}"
    )
    common.print_table(
        [
            "set-up",
            "players",
            "joined",
            "join s",
            "join p99",
            "refused",
            "lost",
            "ack p50",
            "ack p99",
            "board p50",
            "board p99",
            "next p50",
            "next p99",
            "cpu s",
            "peak RSS MiB",
            "KiB/player",
            "client lag p99",
        ],
        [
            [
                r["setup"],
                r["players"],
                r["joined"],
                r["join_s"],
                r["join"]["p99_ms"],
                r["join_refused"],
                r["lost"],
                r["ack"]["p50_ms"],
                r["ack"]["p99_ms"],
                r["board"]["p50_ms"],
                r["board"]["p99_ms"],
                r["next"]["p50_ms"],
                r["next"]["p99_ms"],
                r["server_cpu_s"],
                r["memory"]["peak_rss_mib_total"],
                r["memory"]["rss_kib_per_player"],
                r["client_loop_lag"]["p99_ms"],
            ]
            for r in rows
        ],
    )
    print(
        "(milliseconds unless noted; targets: 0 lost, ack p99 <= 250 ms, board and next "
        "question on every screen p99 <= 1000 ms, a class joined within 30 s; at 2000 "
        "players on run-scaled and 1000 on run)"
    )
    for row in rows:
        print(f"  {row['setup']:12} {row['players']:5}: {row['targets']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--json", type=Path, help="also write the results JSON here")
    parser.add_argument("--players", default=DEFAULT_PLAYERS, help="comma-separated room sizes")
    parser.add_argument("--setups", default=DEFAULT_SETUPS, help=f"of {', '.join(SETUPS)}")
    parser.add_argument("--rounds", type=int, default=1, help="repeat every size and set-up")
    parser.add_argument("--spread", type=float, default=3.0, help="answers spread over seconds")
    parser.add_argument("--reveal", choices=["host", "auto"], default="host")
    parser.add_argument("--timeout", type=float, default=90.0, help="per phase, seconds")
    parser.add_argument("--join-concurrency", type=int, default=50, help="players joining at once")
    parser.add_argument(
        "--players-from-db",
        action="store_true",
        help="create the players in the database instead of joining through the pages",
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
    parser.add_argument(
        "--profile",
        nargs="?",
        const="game",
        choices=["game", "joins"],
        help="py-spy on the server processes, from the first question (or over the joins)",
    )
    parser.add_argument("--plot", type=Path, default=common.ROOT / "docs" / "live-latency.png")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument(
        "--from-results", type=Path, nargs="+", help="only draw the plot from these results"
    )
    args = parser.parse_args()
    if args.from_results:
        plot(load_rows(args.from_results), args.plot)
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
                "joined": "database" if args.players_from_db else "pages",
                "join_concurrency": args.join_concurrency,
                "setups": {name: SETUPS[name.partition("@")[0]] for name in setups},
                "env": f"DEBUG=0, {LIFTED}; clients in one asyncio process on the same cores",
                "targets": TARGETS,
            },
            "results": rows,
        }

    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        workdir = Path(tmp)
        for number in range(args.rounds):
            if args.rounds > 1:
                common.progress(f"round {number + 1} of {args.rounds}")
            for setup_name in setups:
                database = common.DatabaseFactory(
                    SETUPS[setup_name.partition("@")[0]]["db"], "live", workdir
                )
                try:
                    for players in sizes:
                        row = run_size(setup_name, players, database, workdir, args)
                        row["round"] = number + 1
                        row["targets"] = verdict(row)
                        rows.append(row)
                        # Kept as it goes: a run stopped by a time limit keeps what it had.
                        partial = common.RESULTS_DIR / "live-room-partial.json"
                        common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
                        partial.write_text(json.dumps({**payload(), "partial": True}, indent=2))
                finally:
                    database.drop()

    print_rows(rows, args)
    common.write_results("live-room", payload(), smoke=args.smoke, also=args.json)
    if not args.no_plot and not args.profile:
        plot(rows, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())

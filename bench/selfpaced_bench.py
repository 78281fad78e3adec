"""Self-paced quizzes: 500 students answer 8 questions each over the socket.

    .venv/bin/python bench/selfpaced_bench.py            # 500 students, both set-ups
    .venv/bin/python bench/selfpaced_bench.py --smoke    # a few seconds, for CI

Every simulated student is one browser (bench/pages.py): it opens the practice
quiz's page, presses Start (a POST with the page's CSRF token), follows to the play
page and opens the socket it names; later the same for the performance quiz. Like
the play page with htmx's ws extension, it then:

  - opens `/ws/attempts/<practice attempt>/`, and for each of its 5 questions
    thinks (uniform --think, 2 to 8 s), answers (the correct choice) and waits for
    the verdict (the feedback latency); after questions 1-4 it presses "Next
    question" and waits for the next question (the next latency);
  - then opens `/ws/attempts/<performance attempt>/` and answers its 3 questions
    (test mode: the reply is "Answer saved." with the next question).

That is 8 answers per student. Students start at random moments over the first
think interval (`--arrive-over` stretches that; "after last start" counts only the
answers sent once the last attempt has started through the pages, when fewer students
are left). Set-ups as in bench/live_room.py, each on one port: `run` (`make run`:
SQLite, in-memory layer, one Daphne), `run-scaled` (two Daphne processes, PostgreSQL +
Redis) and `run-split` (nginx, gunicorn for the pages). An answer is lost unless its
reply arrived AND the response is in the database. Clients share the machine's two
cores.
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

from bench import common, pages, wsload
from bench.live_room import LIFTED, SETUPS, build_server

DEFAULT_SETUPS = "run,run-scaled"
# Feedback p99 on screen, by set-up: self-paced feedback is the site's first promise.
TARGETS = {"run-scaled": 100, "run-split": 100, "run": 250}
ATTEMPT = re.compile(r"/ws/attempts/([0-9a-f-]+)/")
QUIZZES = [("asgi-vs-wsgi-practice", True), ("asgi-vs-wsgi-performance", False)]


async def student(
    index: int,
    *,
    port: int,
    quizzes: list[tuple[str, list[dict[str, int]], bool]],
    transport: pages.SharedTransport,
    think: tuple[float, float],
    arrive_over: float,
    timeout: float,
    rng: random.Random,
    stats: dict[str, Any],
) -> None:
    await asyncio.sleep(rng.uniform(0, arrive_over))
    async with pages.browser(f"http://127.0.0.1:{port}", transport, timeout) as browser:
        for slug, questions, practice in quizzes:
            name = f"student{index}-{slug}"
            try:
                arrival = await pages.start_attempt(browser, quiz_slug=slug, name=name)
            except Exception as error:
                stats["failures"].append(f"{name}: start {error!r}")
                continue
            stats["start"].append(arrival.seconds)
            stats["last_started_at"] = max(stats["last_started_at"], time.perf_counter())
            attempt = ATTEMPT.search(arrival.socket_path)[1]
            stats["attempts"].append(attempt)
            client = wsload.Client(
                name,
                f"ws://127.0.0.1:{port}{arrival.socket_path}",
                "",
                {"connected": "Live feedback connected"},
                cookie=arrival.cookie,
            )
            await answer_all(
                client,
                attempt=attempt,
                questions=questions,
                practice=practice,
                think=think,
                timeout=timeout,
                rng=rng,
                stats=stats,
            )


async def answer_all(
    client: wsload.Client,
    *,
    attempt: str,
    questions: list[dict[str, int]],
    practice: bool,
    think: tuple[float, float],
    timeout: float,
    rng: random.Random,
    stats: dict[str, Any],
) -> None:
    try:
        began = time.perf_counter()
        # A refused or timed-out handshake is tried again after a random backoff,
        # as htmx's ws extension does in the browser.
        for retry in range(6):
            try:
                await client.open(timeout)
                break
            except Exception as error:
                if retry == 5:
                    raise
                stats["connect_retries"] += 1
                stats["errors"].append(f"handshake: {type(error).__name__}")
                await asyncio.sleep(rng.uniform(0, min(2**retry, 8)))
        if not await client.wait("connected", timeout):
            stats["failures"].append(f"{client.name}: no 'connected' ({client.closed})")
            return
        stats["connect"].append(time.perf_counter() - began)
        for number, question in enumerate(questions, start=1):
            await asyncio.sleep(rng.uniform(*think))
            client.expect("reply", 'class="verdict-' if practice else "saved.")
            sent = await client.send_form(
                action="answer", question=question["question"], choice=question["correct"]
            )
            stats["sent"][attempt] = stats["sent"].get(attempt, 0) + 1
            if not await client.wait("reply", timeout):
                stats["failures"].append(f"{client.name} q{number}: no reply {client.errors}")
                break
            latency = client.seen["reply"] - sent
            stats["feedback"].append(latency)
            stats["feedback_sent_at"].append((sent, latency))
            stats["feedback_practice" if practice else "feedback_test"].append(latency)
            stats["acked"][attempt] = stats["acked"].get(attempt, 0) + 1
            if practice and number < len(questions):
                client.expect("next", f"Question {number + 1} of {len(questions)}")
                sent = await client.send_form(action="next")
                if not await client.wait("next", timeout):
                    stats["failures"].append(f"{client.name} q{number}: no next question")
                    break
                stats["next"].append(client.seen["next"] - sent)
        stats["errors"] += client.errors
    except Exception as error:
        stats["failures"].append(f"{client.name}: {error!r}")
    finally:
        await client.close()


async def run_class(
    port: int, quizzes: list[Any], students: int, args: argparse.Namespace
) -> dict[str, Any]:
    rng = random.Random(args.seed)
    stats: dict[str, Any] = {
        "start": [],
        "attempts": [],
        "connect": [],
        "feedback": [],
        "feedback_practice": [],
        "feedback_test": [],
        "feedback_sent_at": [],
        "last_started_at": 0.0,
        "next": [],
        "sent": {},
        "acked": {},
        "failures": [],
        "errors": [],
        "connect_retries": 0,
    }
    lag = wsload.LoopLag()
    lag.start()
    began = time.perf_counter()
    total = sum(len(q) for _, q, _ in quizzes) * students
    transport = pages.SharedTransport(100)
    await wsload.wait_with_progress(
        [
            student(
                i,
                port=port,
                quizzes=quizzes,
                transport=transport,
                think=(args.think_min, args.think_max),
                arrive_over=args.think_max if args.arrive_over is None else args.arrive_over,
                timeout=args.timeout,
                rng=random.Random(rng.random()),
                stats=stats,
            )
            for i in range(students)
        ],
        lambda: len(stats["feedback"]),
        total,
        "answers with feedback",
    )
    stats["elapsed_s"] = time.perf_counter() - began
    stats["lag"] = await lag.stop()
    await transport.close_pool()
    return stats


def run_setup(
    setup_name: str, students: int, workdir: Path, args: argparse.Namespace
) -> dict[str, Any]:
    setup = SETUPS[setup_name]
    redis = common.redis_url(common.REDIS_DB["selfpaced"]) if setup["redis"] else None
    database = common.DatabaseFactory(setup["db"], "selfpaced", workdir)

    def env_for(url: str) -> dict[str, str]:
        # The pages need their static files: DEBUG=0 serves the collected, hashed ones.
        env = common.server_env(
            database_url=url, redis=redis, conn_max_age=0, static_root=workdir / "static"
        )
        return {**env, **LIFTED}

    try:
        database.build_template(env_for)
        env = env_for(database.fresh())
        if not (workdir / "static").exists():
            common.collectstatic(workdir / "static", env)
        if redis:
            common.flush_redis(redis)
        # The questions and their right options; the attempts start through the pages.
        quizzes = [
            (
                slug,
                common.run_json(
                    ["bench/prepare.py", "attempts", "--students", "0", "--quiz", slug], env
                )["questions"],
                practice,
            )
            for slug, practice in QUIZZES
        ]
        server = build_server(setup_name, students, env, workdir)
        code = common.code_version()  # the app may change between runs: note what ran
        with common.running(server):
            monitor = common.ResourceMonitor([server])
            monitor.start()
            cpu_before = monitor.cpu_seconds()
            common.progress(
                f"{setup_name}: {students} students on one port ({server.port}), "
                f"think {args.think_min:g}-{args.think_max:g} s"
            )
            client_cpu_before = time.process_time()
            stats = asyncio.run(run_class(server.port, quizzes, students, args))
            cpu = monitor.cpu_seconds() - cpu_before
            client_cpu = time.process_time() - client_cpu_before
            memory = monitor.stop()
        ids = stats["attempts"]
        ids_file = workdir / "attempt-ids.json"
        ids_file.write_text(json.dumps(ids))
        stored = common.run_json(
            ["bench/dbcheck.py", "attempts", "--ids-file", str(ids_file)], env
        )["responses"]
    finally:
        database.drop()

    expected = students * sum(len(questions) for _, questions, _ in quizzes)
    kept = sum(min(stats["acked"].get(i, 0), stored.get(i, 0)) for i in ids)
    sent = sum(stats["sent"].values())
    row = {
        "setup": setup_name,
        "students": students,
        "answers_expected": expected,
        "answers_sent": sent,
        "answers_acknowledged": sum(stats["acked"].values()),
        "answers_in_db": sum(stored.values()),
        # Lost: sent, but not both answered on screen and stored. Answers never sent
        # (a student whose socket never came up) count in `unanswered` instead.
        "lost": sent - kept,
        "unanswered": expected - sent,
        "connect_retries": stats["connect_retries"],
        "feedback": common.summary_ms(stats["feedback"]),
        "feedback_practice": common.summary_ms(stats["feedback_practice"]),
        "feedback_test": common.summary_ms(stats["feedback_test"]),
        # Once every student is in (the last attempt started through the pages): the
        # steady state, without the arrivals' page loads queued ahead of the answers.
        "feedback_after_arrivals": common.summary_ms(
            [lat for sent, lat in stats["feedback_sent_at"] if sent > stats["last_started_at"]]
        ),
        "next_question": common.summary_ms(stats["next"]),
        "connect": common.summary_ms(stats["connect"]),
        "start_through_pages": common.summary_ms(stats["start"]),
        "elapsed_s": round(stats["elapsed_s"], 1),
        "answers_per_s": round(len(stats["feedback"]) / stats["elapsed_s"], 1),
        "server_cpu_s": round(cpu, 1),
        "server_cpu_percent": round(100 * cpu / stats["elapsed_s"], 1),
        # The load client shares the cores: how much of them it took.
        "client_cpu_percent": round(100 * client_cpu / stats["elapsed_s"], 1),
        "memory": memory,
        "client_loop_lag": common.summary_ms(stats["lag"]),
        "failures": len(stats["failures"]),
        "failure_examples": stats["failures"][:5],
        "client_error_examples": sorted(set(stats["errors"]))[:5],
        "code": code,
    }
    row["targets"] = {
        "no_lost_answers": row["lost"] == 0 and row["unanswered"] == 0,
        "feedback_p99_ok": (row["feedback"]["p99_ms"] or 1e9) <= TARGETS[setup_name],
    }
    common.progress(
        f"{setup_name}: {row['answers_acknowledged']}/{expected} answers, lost {row['lost']}, "
        f"unanswered {row['unanswered']}, handshake retries {row['connect_retries']}, "
        f"feedback p50 {row['feedback']['p50_ms']} ms p99 {row['feedback']['p99_ms']} ms"
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--json", type=Path, help="also write the results JSON here")
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--setups", default=DEFAULT_SETUPS)
    parser.add_argument("--think-min", type=float, default=2.0)
    parser.add_argument("--think-max", type=float, default=8.0)
    parser.add_argument(
        "--arrive-over",
        type=float,
        help="students open the quiz at random moments over this many seconds "
        "(default: --think-max)",
    )
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.smoke:
        args.students, args.think_min, args.think_max, args.timeout = 5, 0.0, 0.2, 30.0
    setups = common.checked_setups(
        parser, args.setups, SETUPS, redis_db=common.REDIS_DB["selfpaced"]
    )
    limit = common.raise_open_files_limit()
    machine = common.machine_info()
    common.progress(f"machine: {common.describe_machine(machine)}; open files {limit}")
    with tempfile.TemporaryDirectory(prefix="bench-selfpaced-") as tmp:
        rows = [run_setup(name, args.students, Path(tmp), args) for name in setups]

    print()
    print(
        f"Self-paced: {args.students} students x 8 answers, think "
        f"{args.think_min:g}-{args.think_max:g} s"
    )
    common.print_table(
        [
            "set-up",
            "students",
            "answers",
            "lost",
            "unanswered",
            "feedback p50",
            "feedback p99",
            "after last start p99",
            "next p50",
            "next p99",
            "answers/s",
            "server cpu %",
            "client cpu %",
            "peak RSS MiB",
            "client lag p99",
        ],
        [
            [
                r["setup"],
                r["students"],
                r["answers_acknowledged"],
                r["lost"],
                r["unanswered"],
                r["feedback"]["p50_ms"],
                r["feedback"]["p99_ms"],
                r["feedback_after_arrivals"]["p99_ms"],
                r["next_question"]["p50_ms"],
                r["next_question"]["p99_ms"],
                r["answers_per_s"],
                r["server_cpu_percent"],
                r["client_cpu_percent"],
                r["memory"]["peak_rss_mib_total"],
                r["client_loop_lag"]["p99_ms"],
            ]
            for r in rows
        ],
    )
    payload = {
        "benchmark": "selfpaced",
        "machine": machine,
        "command": " ".join(sys.argv),
        "settings": {
            "students": args.students,
            "answers_per_student": 8,
            "think_s": [args.think_min, args.think_max],
            "arrive_over_s": args.think_max if args.arrive_over is None else args.arrive_over,
            "quizzes": "practice (5 questions, verdict + next) then performance (3, test mode)",
            "setups": {name: SETUPS[name] for name in setups},
            "targets_feedback_p99_ms": TARGETS,
        },
        "results": rows,
    }
    common.write_results("selfpaced", payload, smoke=args.smoke, also=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

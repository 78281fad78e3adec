"""What the benchmarks share: machine facts, servers, fresh databases, load, statistics.

Every benchmark starts its own servers on free ports, on its own databases (SQLite
files in a temporary directory, or PostgreSQL databases named ``bench_*``) and its
own Redis database number, so it never touches the working tree's db.sqlite3, the
test suite's databases or a developer's running server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
PYTHON = sys.executable
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_BASE_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
# Each benchmark has its own Redis database; the test cluster uses 14, CI's suite 0.
REDIS_DB = {"http": 10, "live": 11, "selfpaced": 12}
BENCH_SECRET_KEY = "bench-only-" + "k" * 50  # a local benchmark key, never deployed

# Variables of the caller's environment that must not leak into a benchmark server
# (the test suite exports its own DATABASE_URL and REDIS_URL, for instance).
_STRIPPED = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CONN_MAX_AGE",
    "CSRF_TRUSTED_ORIGINS",
    "BEHIND_TLS_PROXY",
    "LOG_LEVEL",
}


# Output


def progress(message: str) -> None:
    """One progress line, timestamped, flushed at once."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def write_results(
    name: str, payload: dict[str, Any], *, smoke: bool, also: Path | None = None
) -> Path:
    """bench/results/NAME[-smoke]-STAMP.json, a copy as NAME[-smoke]-latest.json, and
    one at `also` when given (the smoke test reads its own copy)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-smoke" if smoke else name
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stem}-{stamp}.json"
    text = json.dumps(payload, indent=2, default=str)
    path.write_text(text)
    (RESULTS_DIR / f"{stem}-latest.json").write_text(text)
    if also is not None:
        also.parent.mkdir(parents=True, exist_ok=True)
        also.write_text(text)
    progress(f"results written to {path.relative_to(ROOT)}")
    return path


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers], *[[format_value(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * w for w in widths))


def format_value(value: object, *, whole_from: float = 100) -> str:
    """A table cell: "-" for nothing, two decimals below `whole_from`, whole numbers above."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < whole_from else f"{value:.0f}"
    return str(value)


# Machine


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on; the benchmarks print it and store it.
    (Every benchmark calls this first, so it also arms the SIGTERM handler.)"""
    stop_on_sigterm()
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "wrk": wrk_version(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": "servers and load generator share the same cores",
        "code": code_version(),
    }


def code_version() -> dict[str, Any]:
    """Which app code was measured: the checked-out commit (read from .git, no git
    command) and a hash of the app's sources, which also changes with uncommitted edits."""
    import hashlib

    commit = None
    with contextlib.suppress(OSError):
        head = (ROOT / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = ROOT / ".git" / head[5:]
            commit = ref.read_text().strip() if ref.exists() else head[5:]
        else:
            commit = head
    digest = hashlib.sha256()
    for folder in ("quiz", "lessons", "quizsite", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html"}:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return {"commit": commit, "app_sources_sha256": digest.hexdigest()[:16]}


def describe_machine(info: dict[str, Any]) -> str:
    return (
        f"{info['nproc']} cores ({info['cpu_model']}), {info['memory_gib']} GiB, "
        f"Python {info['python']}, load average at start {info['loadavg_at_start']}"
    )


def stop_on_sigterm() -> None:
    """`timeout` and CI send SIGTERM: unwind like Ctrl-C so servers are stopped and
    the bench_* databases dropped by the `finally` blocks."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def raise_open_files_limit(wanted: int = 65536) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# Statistics


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, Any]:
    """n, p50, p90, p99, max and mean of durations given in seconds, in milliseconds."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 1)

    return {
        "n": len(seconds),
        "p50_ms": ms(percentile(seconds, 0.50)),
        "p90_ms": ms(percentile(seconds, 0.90)),
        "p99_ms": ms(percentile(seconds, 0.99)),
        "max_ms": ms(max(seconds) if seconds else None),
        "mean_ms": ms(sum(seconds) / len(seconds) if seconds else None),
    }


def median_of(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def ratio(value: float | None, baseline: Any) -> float | None:
    if value is None or not baseline:
        return None
    return round(value / baseline, 2)


# Services


def postgres_reachable() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def redis_url(db: int) -> str:
    return f"{REDIS_BASE_URL}/{db}"


def redis_reachable(url: str) -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=3).ping())
    except redis.RedisError:
        return False


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def checked_setups(
    parser: Any, text: str, known: dict[str, dict[str, Any]], *, redis_db: int
) -> list[str]:
    """The comma-separated set-up names, each known, with the services they need present."""
    setups = [name.strip() for name in text.split(",") if name.strip()]
    for name in setups:
        if name not in known:
            parser.error(f"unknown set-up {name}")
        if known[name]["db"] == "postgres":
            require_services(postgres=True, redis_db=redis_db)
    return setups


def require_services(*, postgres: bool = False, redis_db: int | None = None) -> None:
    """Exit with status 3 and the reason when a service a set-up needs is missing."""
    missing = []
    if postgres and not postgres_reachable():
        missing.append(f"PostgreSQL at {POSTGRES_ADMIN_URL}")
    if redis_db is not None and not redis_reachable(redis_url(redis_db)):
        missing.append(f"Redis at {redis_url(redis_db)}")
    if missing:
        print(f"SKIP: not reachable: {', '.join(missing)}", file=sys.stderr)
        sys.exit(3)


# Environments and databases


def server_env(
    *,
    database_url: str,
    redis: str | None = None,
    conn_max_age: int = 0,
    static_root: Path | None = None,
    **extra: Any,
) -> dict[str, str]:
    """The recommended production environment (README: DEBUG=0, a SECRET_KEY, the
    hosts), less TLS: nothing here speaks HTTPS, so the HTTPS redirect and the
    secure-cookie flags are off."""
    env = {k: v for k, v in os.environ.items() if k not in _STRIPPED}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.prod_settings",
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        CONN_MAX_AGE=str(conn_max_age),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if redis:
        env["REDIS_URL"] = redis
    if static_root is not None:
        env["BENCH_STATIC_ROOT"] = str(static_root)
    env.update(extra)
    return env


def run_python(args: Sequence[str], env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_json(args: Sequence[str], env: dict[str, str], timeout: float = 300) -> Any:
    """Run a script that prints JSON on its last line (bench/prepare.py, bench/dbcheck.py)."""
    quiet = {**env, "LOG_LEVEL": "WARNING"}
    return json.loads(run_python(args, quiet, timeout).strip().splitlines()[-1])


def collectstatic(static_root: Path, env: dict[str, str]) -> None:
    run_python(["manage.py", "collectstatic", "--noinput", "-v0"], env)


MIGRATE_AND_LOAD = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('migrate', interactive=False, verbosity=0); "
    "call_command('load_content', verbosity=0)"
)


class DatabaseFactory:
    """A migrated database with the seed content, copied afresh for every run.

    PostgreSQL: a template database ``bench_<name>_template`` is migrated once,
    and each run gets ``CREATE DATABASE bench_<name> TEMPLATE ...`` (under a
    second). SQLite: the migrated file is copied. Everything is dropped at exit.
    """

    def __init__(self, kind: str, name: str, workdir: Path) -> None:
        if kind not in {"sqlite", "postgres"}:
            raise ValueError(kind)
        self.kind = kind
        self.name = f"bench_{name}"
        self.workdir = workdir
        self.runs = 0
        self.current: str | None = None
        self.template_ready = False

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True)

    def _url(self, database: str) -> str:
        return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{database}"

    @property
    def template_url(self) -> str:
        if self.kind == "postgres":
            return self._url(f"{self.name}_template")
        return f"sqlite:///{self.workdir / f'{self.name}_template.sqlite3'}"

    def build_template(self, env_for: Any) -> None:
        if self.template_ready:
            return
        progress(f"migrating a fresh {self.kind} database")
        if self.kind == "postgres":
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}_template" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{self.name}_template"')
        # `manage.py migrate` then `manage.py load_content`, in one process.
        run_python(["-c", MIGRATE_AND_LOAD], {**env_for(self.template_url), "LOG_LEVEL": "WARNING"})
        self.template_ready = True

    def fresh(self) -> str:
        """A new copy of the template; returns its DATABASE_URL."""
        self.runs += 1
        if self.kind == "postgres":
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.name}_template"')
            self.current = self._url(self.name)
        else:
            source = self.workdir / f"{self.name}_template.sqlite3"
            target = self.workdir / f"{self.name}_{self.runs}.sqlite3"
            shutil.copyfile(source, target)
            self.current = f"sqlite:///{target}"
        return self.current

    def drop(self) -> None:
        if self.kind != "postgres":
            return  # the files go with the temporary directory
        with contextlib.suppress(Exception), self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}_template" WITH (FORCE)')


# Servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PortTaken(Exception):
    pass


@dataclass
class Server:
    """One server command (Daphne, deploy.scaled, gunicorn) and its process tree."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    ready_lines: int = 1  # "Listening on" / "Booting worker" lines to wait for
    ready_marker: str = "Listening on"
    process: subprocess.Popen[bytes] | None = None
    profilers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    cwd: Path = ROOT  # the checkout whose code the server runs

    def start(self, timeout: float = 60) -> Server:
        for attempt in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                # Another benchmark took the free port between our check and the bind.
                old, self.port = self.port, free_port()
                self.command = [part.replace(str(old), str(self.port)) for part in self.command]
                progress(f"{self.name}: port {old} taken, retrying on {self.port} ({attempt + 1})")
        return self._start(timeout)

    def _start(self, timeout: float) -> Server:
        self.log_path.write_bytes(b"")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                text = self.log_path.read_text(errors="replace")
                if "already in use" in text or "Connection in use" in text:
                    raise PortTaken(self.port)
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}:\n"
                    f"{text[-2000:]}"
                )
            text = self.log_path.read_text(errors="replace")
            if text.count(self.ready_marker) >= self.ready_lines and _port_open(self.port):
                time.sleep(0.3)  # the last worker finishes importing the app
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not ready within {timeout}s; see {self.log_path}")

    def pids(self) -> list[int]:
        """The server's processes: the command itself and its children (workers)."""
        import psutil

        if self.process is None:
            return []
        try:
            root = psutil.Process(self.process.pid)
            return [root.pid, *(child.pid for child in root.children(recursive=True))]
        except psutil.Error:
            return []

    def worker_pids(self) -> list[int]:
        """The processes that run the app (the workers, or the command if it has none)."""
        pids = self.pids()
        return pids[1:] if len(pids) > 1 else pids

    def start_profiler(self, output_dir: Path, label: str, rate: int = 100) -> list[Path]:
        """Two py-spy recorders per worker, non-blocking, raw (collapsed stack) format.

        `LABEL-cpu-PID.txt` counts only samples of the thread holding the GIL: where
        the CPU goes, which is what limits a process. `LABEL-wall-PID.txt` counts
        every non-idle sample, waits included (the database thread's queries, for
        instance): where the latency goes."""
        spy = str(Path(PYTHON).parent / "py-spy")
        if not Path(spy).exists():
            spy = shutil.which("py-spy") or "py-spy"
        outputs = []
        for pid in self.worker_pids():
            for mode in ("cpu", "wall"):
                out = output_dir / f"{label}-{mode}-{pid}.txt"
                command = [
                    spy,
                    "record",
                    "--pid",
                    str(pid),
                    "--format",
                    "raw",
                    "--rate",
                    str(rate),
                    "--nonblocking",
                    "--full-filenames",
                    "--output",
                    str(out),
                ]
                if mode == "cpu":
                    command.append("--gil")
                # py-spy sometimes fails to read a busy process's version: try again.
                for _ in range(5):
                    profiler = subprocess.Popen(
                        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                    )
                    time.sleep(1.0)
                    if profiler.poll() is None:
                        self.profilers.append(profiler)
                        outputs.append(out)
                        break
                else:
                    progress(f"py-spy could not attach to {pid}; no {mode} profile for it")
        return outputs

    def stop_profiler(self) -> None:
        for spy in self.profilers:
            spy.send_signal(signal.SIGINT)
        for spy in self.profilers:
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.kill()
        self.profilers.clear()

    def stop(self) -> None:
        self.stop_profiler()
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def in_tree(server: Server, tree: Path) -> Server:
    """The same server run from another checkout (same venv, same database): an earlier
    commit measured beside this one in one run. Before deploy/ existed the launcher was
    quizsite/scaled.py."""
    server.cwd = tree
    if not (tree / "deploy" / "scaled.py").exists():
        server.command = [
            "quizsite.scaled" if part == "deploy.scaled" else part for part in server.command
        ]
    return server


def daphne(name: str, app: str, env: dict[str, str], log_dir: Path) -> Server:
    port = free_port()
    return Server(
        name=name,
        command=[PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        env=env,
        port=port,
        log_path=log_dir / f"{name}.log",
    )


def scaled(
    name: str, env: dict[str, str], log_dir: Path, *, workers: int = 2, page_workers: int = 0
) -> Server:
    """`make run-scaled`: Daphne processes on one port; with page_workers, `make run-split`:
    nginx on the port, gunicorn for the pages and the Daphne processes for /ws/."""
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "deploy.scaled",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if page_workers:
        command += ["--page-workers", str(page_workers)]
    # Ready once every Daphne listens; gunicorn's socket is open before it starts, so a
    # page asked for earlier waits in its queue.
    return Server(
        name=name,
        command=command,
        env=env,
        port=port,
        log_path=log_dir / f"{name}.log",
        ready_lines=workers,
    )


def gunicorn(
    name: str, app: str, env: dict[str, str], log_dir: Path, *, workers: int = 2, threads: int = 1
) -> Server:
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "2048",
        "--timeout",
        "60",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    return Server(
        name=name,
        command=[*command, app],
        env=env,
        port=port,
        log_path=log_dir / f"{name}.log",
        ready_lines=workers,
        ready_marker="Booting worker",
    )


@contextlib.contextmanager
def running(*servers: Server) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for server in servers:
            server.start()
            started.append(server)
        yield started
    finally:
        for server in started:
            server.stop()


class ResourceMonitor(threading.Thread):
    """Samples the servers' processes: CPU seconds and peak resident memory."""

    def __init__(self, servers: Sequence[Server], interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.servers = servers
        self.interval = interval
        self.peak_rss_total = 0
        self.peak_rss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def sample(self) -> None:
        import psutil

        total = 0
        for server in self.servers:
            for pid in server.pids():
                try:
                    process = psutil.Process(pid)
                    with process.oneshot():
                        rss = process.memory_info().rss
                        times = process.cpu_times()
                except psutil.Error:
                    continue
                total += rss
                with self.lock:
                    self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), rss)
                    self.cpu[pid] = times.user + times.system
        self.peak_rss_total = max(self.peak_rss_total, total)

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def cpu_seconds(self) -> float:
        self.sample()
        with self.lock:
            return sum(self.cpu.values())

    def rss_total_mib(self) -> float:
        """The servers' resident memory now, all their processes together."""
        import psutil

        total = 0
        for server in self.servers:
            for pid in server.pids():
                try:
                    total += psutil.Process(pid).memory_info().rss
                except psutil.Error:
                    continue
        return round(total / 2**20, 1)

    def stop(self) -> dict[str, Any]:
        self.stopping.set()
        self.join(timeout=5)
        return {
            "peak_rss_mib_total": round(self.peak_rss_total / 2**20, 1),
            "peak_rss_mib_max_process": round(max(self.peak_rss.values(), default=0) / 2**20, 1),
        }


# HTTP load


def wrk_version() -> str | None:
    path = shutil.which("wrk")
    if path is None:
        return None
    result = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk (\S+)", result.stdout + result.stderr)
    return match[1] if match else "unknown"


WRK_HELP = "wrk is not installed: `apt-get install wrk` (Debian/Ubuntu); using the Python generator"

_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(output: str) -> dict[str, Any]:
    result: dict[str, Any] = {"generator": "wrk"}
    for label, key in (("50%", "p50_ms"), ("90%", "p90_ms"), ("99%", "p99_ms")):
        match = re.search(rf"^\s+{re.escape(label)}\s+(\S+)", output, re.MULTILINE)
        result[key] = round(_seconds(match[1]) * 1000, 2) if match else None
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(rps[1]) if rps else 0.0
    done = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    result["requests"] = int(done[1]) if done else 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = sum(int(x) for x in errors.groups()) if errors else 0
    result["timeouts"] = int(errors[4]) if errors else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(non2xx[1]) if non2xx else 0
    return result


def run_wrk(
    url: str, *, connections: int, duration: float, timeout: float, threads: int = 1
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        "--latency",
        url,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=duration + timeout + 60
    )
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr}")
    return parse_wrk(result.stdout)


async def _python_load(
    url: str, connections: int, duration: float, timeout: float
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        start = time.perf_counter()
        deadline = start + duration

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - began)
                statuses[response.status_code] += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - start
    stats = summary_ms(latencies)
    return {
        "generator": "python-httpx",
        "rps": round(len(latencies) / elapsed, 1),
        "requests": len(latencies),
        "p50_ms": stats["p50_ms"],
        "p90_ms": stats["p90_ms"],
        "p99_ms": stats["p99_ms"],
        "socket_errors": errors,
        "timeouts": 0,
        "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 400),
    }


def run_python_load(
    url: str, *, connections: int, duration: float, timeout: float
) -> dict[str, Any]:
    return asyncio.run(_python_load(url, connections, duration, timeout))


def load(
    url: str,
    *,
    connections: int,
    duration: float,
    timeout: float = 30,
    use_wrk: bool = True,
    warmup: float = 0.0,
) -> dict[str, Any]:
    """Warm up (unmeasured), then measure `duration` seconds with `connections` clients."""
    runner = run_wrk if use_wrk else run_python_load
    if warmup > 0:
        runner(url, connections=connections, duration=warmup, timeout=timeout)
    return runner(url, connections=connections, duration=duration, timeout=timeout)


def check_page(url: str, expect: str | None = None) -> None:
    """A single GET before the load: 200 and the expected text, or stop here."""
    import httpx

    response = httpx.get(url, timeout=30, follow_redirects=False)
    if response.status_code != 200 or (expect and expect not in response.text):
        raise RuntimeError(f"GET {url} -> {response.status_code}: {response.text[:300]!r}")

"""Several real Daphne processes sharing PostgreSQL and Redis, for multi-process tests.

The cluster has its own PostgreSQL database and Redis database number, so it runs the
same way in the SQLite pass of the suite and in the PostgreSQL pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, free_port, require, wait_for_port

POSTGRES_ADMIN_URL = os.environ.get(
    "CLUSTER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/14")


def postgres_reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping())
    except redis.RedisError:
        return False


@dataclass
class Cluster:
    database_url: str
    redis_url: str
    log_dir: Path
    ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes] | None] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "DEBUG": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CONN_MAX_AGE": "60",
        }

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare(self, *args: str) -> dict[str, Any]:
        return json.loads(self.run("bench/prepare.py", *args).strip().splitlines()[-1])

    def start(self, index: int) -> None:
        port = self.ports[index]
        log = (self.log_dir / f"cluster-{index}.log").open("ab")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "quizsite.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(port, process)
        self.processes[index] = process

    def kill(self, index: int) -> None:
        process = self.processes[index]
        if process is not None:
            process.kill()
            process.wait(timeout=10)
            self.processes[index] = None

    def stop(self) -> None:
        for index, process in enumerate(self.processes):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                self.processes[index] = None

    def http(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def ws(self, index: int, path: str) -> str:
        return f"ws://127.0.0.1:{self.ports[index]}{path}"


@contextmanager
def running_cluster(size: int, log_dir: Path, name: str = "quizsite_cluster") -> Iterator[Cluster]:
    """Fresh database, migrated and loaded, then `size` Daphne processes."""
    require(postgres_reachable(), f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    require(redis_reachable(), f"Redis is not reachable at {REDIS_URL}")
    import psycopg
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    cluster = Cluster(database_url=f"{base}/{name}", redis_url=REDIS_URL, log_dir=log_dir)
    cluster.run("manage.py", "migrate", "--noinput", "-v0")
    cluster.run("manage.py", "load_content", "-v0")
    cluster.ports = [free_port() for _ in range(size)]
    cluster.processes = [None] * size
    try:
        for index in range(size):
            cluster.start(index)
        yield cluster
    finally:
        cluster.stop()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""Serve with several Daphne processes on one port: `make run-scaled` (WORKERS=2).

Each Daphne process gets a listening socket of its own on the same port, opened here
with SO_REUSEPORT and handed over with Daphne's own `--fd` option; the kernel spreads
new connections evenly over the sockets. With one shared socket, whichever process
woke first took a burst of connections, and keep-alive and WebSocket connections stay
where they land: one process could hold most of a class while the other idled, and the
lesson page's throughput swung between 285 and 610 req/s from run to run. Where the
kernel does not balance SO_REUSEPORT sockets (not Linux), the processes share one
socket as before. The processes share nothing but PostgreSQL and Redis,
so this refuses to start without REDIS_URL (the in-memory channel layer cannot
reach across processes). A process that dies is started again. Behind a reverse
proxy you would rather run one Daphne per port: see docs/deploy.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

logger = logging.getLogger("quizsite.scaled")


def spawn(fd: int, extra: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "daphne",
            "--fd",
            str(fd),
            # A full room connects at once; Daphne's 5 s default drops handshakes.
            "--websocket_connect_timeout",
            "30",
            *extra,
            "quizsite.asgi:application",
        ],
        pass_fds=[fd],
    )


def listening_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One socket per worker on one port where the kernel balances them, else one shared."""
    balanced = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
    first = socket.create_server((host, port), backlog=2048, reuse_port=balanced)
    port = first.getsockname()[1]  # port 0 asks for a free one: the others take the same
    sockets = [first] + [
        socket.create_server((host, port), backlog=2048, reuse_port=True)
        for _ in range(workers - 1 if balanced else 0)
    ]
    for listener in sockets:
        listener.set_inheritable(True)
    return [sockets[index % len(sockets)] for index in range(workers)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
    args, extra = parser.parse_known_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    if not os.environ.get("REDIS_URL"):
        logger.error("REDIS_URL is not set: several processes need the Redis channel layer.")
        return 2
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        logger.warning("DATABASE_URL is not PostgreSQL: SQLite serialises every write.")

    # A worker started again takes over its predecessor's socket and the connections
    # queued on it.
    listeners = listening_sockets(args.host, args.port, args.workers)
    workers = [spawn(listener.fileno(), extra) for listener in listeners]
    logger.info(
        "serving on http://%s:%s with %d Daphne processes", args.host, args.port, len(workers)
    )

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        for index, worker in enumerate(workers):
            if worker.poll() is not None:
                logger.warning(
                    "process %s exited with %s; starting another", worker.pid, worker.returncode
                )
                workers[index] = spawn(listeners[index].fileno(), extra)
        time.sleep(0.5)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    for listener in set(listeners):
        listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

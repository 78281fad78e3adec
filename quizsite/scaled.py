"""Serve with several Daphne processes on one port: `make run-scaled` (WORKERS=2).

One listening socket is opened here and handed to every Daphne process with
Daphne's own `--fd` option; the kernel gives each new connection to whichever
process accepts it first. The processes share nothing but PostgreSQL and Redis,
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

    listener = socket.create_server((args.host, args.port), backlog=2048, reuse_port=False)
    listener.set_inheritable(True)
    fd = listener.fileno()
    workers = [spawn(fd, extra) for _ in range(args.workers)]
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
                workers[index] = spawn(fd, extra)
        time.sleep(0.5)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

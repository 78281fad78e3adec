"""Serve with several processes on one port: `make run-scaled` and `make run-split`.

`make run-scaled` (WORKERS=2): Daphne processes serve everything. Each gets a listening
socket of its own on the same port, opened here with SO_REUSEPORT and handed over with
Daphne's own `--fd` option; the kernel spreads new connections evenly over the sockets.
With one shared socket, whichever process woke first took a burst of connections, and
keep-alive and WebSocket connections stay where they land: one process could hold a
whole class while the other idled. Where the kernel does not balance SO_REUSEPORT
sockets (not Linux), the processes share one socket.

`make run-split` (`--page-workers N`): the layout Channels' deployment docs advise for
larger sites. N gunicorn sync workers serve the pages over WSGI, the Daphne processes
serve only `/ws/`, and nginx on the port routes between them. A sync view costs
1.2-1.4x the CPU on an ASGI server, whose event loop and request threads hand the GIL
back and forth around every socket and database call (docs/performance.md); a
prefork worker runs one request at a time and hands nothing over. Needs nginx.

The processes share nothing but PostgreSQL and Redis, so this refuses to start without
REDIS_URL (the in-memory channel layer cannot reach across processes). A process that
dies is started again on the same socket, with the connections queued on it.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from string import Template
from types import FrameType

logger = logging.getLogger("deploy.scaled")

# A process that exits sooner than this after starting has a problem that starting it
# again will not fix (a port taken, settings that do not load): stop everything.
STARTUP_SECONDS = 10.0


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_launcher(launcher: int) -> None:
    """In a child, before exec: have Linux send SIGTERM when the launcher dies.

    Without it a launcher killed with SIGKILL (an OOM kill, a CI timeout) leaves its
    servers holding the port, and the next start is refused with "already in use".
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGTERM)) != 0:
            os._exit(1)  # refused (a seccomp filter): the launcher sees it exit at once
    if os.getppid() != launcher:  # it died before the line above
        os._exit(1)


class NginxTemplate(Template):
    delimiter = "@"  # nginx's own variables start with $


# Local and plain HTTP; docs/deploy.md has the production version with TLS.
NGINX_CONF = NginxTemplate((Path(__file__).parent / "nginx-split.conf").read_text())


# A page is shared only where it is the same for everyone: a request with no cookie (no
# session, no CSRF token, not staff), not htmx's; nginx itself never stores a response
# that sets a cookie (the quiz pages' CSRF token), says private or no-store, or is not
# a 200. The key names the Host, so Django still refuses a host it does not serve. The
# old copy goes out only while another request is fetching the new one: refreshed in
# the background instead, it would outlive a lesson unpublished since (a 404 is not
# stored, so the stale 200 stayed). No proxy_cache_lock: nginx learns only from the
# response that a page cannot be shared, so every visitor of a quiz page would wait
# out the lock's 5 s behind the first.
CACHE_PATH = NginxTemplate("""\
    proxy_cache_path @prefix/cache levels=1:2 keys_zone=pages:10m max_size=256m
                     inactive=10m use_temp_path=off;""")
PAGE_CACHE = NginxTemplate("""\
            proxy_cache pages;
            proxy_cache_key $scheme$http_host$request_uri;
            proxy_cache_valid 200 @seconds;
            proxy_cache_bypass $http_cookie $http_authorization $http_hx_request;
            proxy_no_cache $http_cookie $http_authorization $http_hx_request;
            proxy_cache_use_stale updating;
            add_header X-Cache-Status $upstream_cache_status always;""")


@dataclass
class Child:
    """A command kept running: started again on the same sockets when it exits."""

    name: str
    command: list[str]
    listener: socket.socket | None = None  # kept open here, for the next process too
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0

    def start(self) -> None:
        fds = (self.listener.fileno(),) if self.listener else ()
        # preexec_fn is safe here, and PR_SET_PDEATHSIG (which fires when the thread that
        # forked exits) means the launcher: it runs no threads.
        self.process = subprocess.Popen(  # noqa: S603
            self.command,
            pass_fds=fds,
            preexec_fn=partial(die_with_launcher, os.getpid()),  # noqa: PLW1509
        )
        self.started_at = time.monotonic()

    def restart_if_exited(self) -> bool:
        """Start it again if it exited; False if it exited while starting up."""
        if self.process is None or self.process.poll() is None:
            return True
        if time.monotonic() - self.started_at < STARTUP_SECONDS:
            logger.error(
                "%s exited with %s while starting; see its output above",
                self.name,
                self.process.returncode,
            )
            return False
        logger.warning(
            "%s (process %s) exited with %s; starting another",
            self.name,
            self.process.pid,
            self.process.returncode,
        )
        self.start()
        return True

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def daphnes(listeners: list[socket.socket], extra: list[str]) -> list[Child]:
    # A full room connects at once; Daphne's 5 s default drops handshakes.
    return [
        Child(
            f"daphne {index}",
            [
                sys.executable,
                "-m",
                "daphne",
                "--fd",
                str(listener.fileno()),
                "--websocket_connect_timeout",
                "30",
                *extra,
                "quizsite.asgi:application",
            ],
            listener,
        )
        for index, listener in enumerate(listeners)
    ]


def gunicorn(fd: int, workers: int) -> list[str]:
    # No control socket: its default path is one per user, and tests run several gunicorns.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"fd://{fd}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "8",
        "--no-control-socket",
        "quizsite.wsgi:application",
    ]


def find_nginx() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def listening_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One socket per worker on one port where the kernel balances them, else one shared."""
    balanced = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
    if balanced and port:
        # SO_REUSEPORT would quietly share the port with a server left running (a Daphne
        # of an earlier run, say): make sure nobody holds it, as a plain bind does.
        socket.create_server((host, port)).close()
    first = socket.create_server((host, port), backlog=2048, reuse_port=balanced)
    port = first.getsockname()[1]  # port 0 asks for a free one: the others take the same
    sockets = [first] + [
        socket.create_server((host, port), backlog=2048, reuse_port=True)
        for _ in range(workers - 1 if balanced else 0)
    ]
    for listener in sockets:
        listener.set_inheritable(True)
    return [sockets[index % len(sockets)] for index in range(workers)]


def nginx_config(
    prefix: Path, *, host: str, port: int, pages_port: int, sockets_port: int, page_cache: int
) -> Path:
    # nginx's workers drop root for nobody, and must reach the temporary directories it
    # creates (and hands to them) in here.
    prefix.chmod(0o711)
    path = prefix / "nginx.conf"
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    path.write_text(
        NGINX_CONF.substitute(
            prefix=prefix,
            listen=listen,
            pages_port=pages_port,
            sockets_port=sockets_port,
            cache_path=CACHE_PATH.substitute(prefix=prefix) if page_cache else "",
            page_cache=PAGE_CACHE.substitute(seconds=f"{page_cache}s") if page_cache else "",
        )
    )
    return path


def children(args: argparse.Namespace, extra: list[str], prefix: Path) -> list[Child]:
    """What to run, its sockets opened: Daphne alone, or nginx, gunicorn and Daphne."""
    if not args.page_workers:
        return daphnes(listening_sockets(args.host, args.port, args.workers), extra)
    nginx = find_nginx()
    if nginx is None:
        raise SystemExit("--page-workers needs nginx (Debian: apt-get install nginx-light)")
    pages = listening_sockets("127.0.0.1", 0, 1)[0]
    sockets = listening_sockets("127.0.0.1", 0, args.workers)
    config = nginx_config(
        prefix,
        host=args.host,
        port=args.port,
        pages_port=pages.getsockname()[1],
        sockets_port=sockets[0].getsockname()[1],
        page_cache=args.page_cache,
    )
    return [
        Child("gunicorn", gunicorn(pages.fileno(), args.page_workers), pages),
        *daphnes(sockets, extra),
        Child("nginx", [nginx, "-p", str(prefix), "-c", str(config)]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WORKERS", "2")), help="Daphne processes"
    )
    parser.add_argument(
        "--page-workers",
        type=int,
        default=0,
        help="gunicorn workers for the pages, behind nginx (0: Daphne serves all)",
    )
    parser.add_argument(
        "--page-cache",
        type=int,
        metavar="SECONDS",
        default=int(os.environ.get("PAGE_CACHE", "1")),
        help="with --page-workers: seconds nginx serves anonymous visitors one "
        "copy of a page (0: off)",
    )
    args, extra = parser.parse_known_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.workers < 1 or args.page_workers < 0 or args.page_cache < 0:
        parser.error("--workers must be at least 1, --page-workers and --page-cache at least 0")

    if not os.environ.get("REDIS_URL"):
        logger.error("REDIS_URL is not set: several processes need the Redis channel layer.")
        return 2
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        logger.warning("DATABASE_URL is not PostgreSQL: SQLite serialises every write.")
    if args.page_workers:
        os.environ["BEHIND_PROXY"] = "1"  # the children read the client's address from nginx
    # Every socket of a class is a file descriptor in Daphne, and two in nginx; the
    # children inherit the limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    healthy = True
    with tempfile.TemporaryDirectory(prefix="quizsite-nginx-") as prefix:
        running = children(args, extra, Path(prefix))
        try:
            for child in running:
                child.start()
            logger.info(
                "serving on http://%s:%s with %s",
                args.host,
                args.port,
                ", ".join(child.name for child in running),
            )
            while not stopping and healthy:
                healthy = all(child.restart_if_exited() for child in running)
                time.sleep(0.5)
        finally:
            for child in reversed(running):
                child.stop()
            for listener in {child.listener for child in running if child.listener}:
                listener.close()
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())

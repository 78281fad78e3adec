"""The sockets' way into the ORM: `database_sync_to_async` that keeps its connection, and
a consumer dispatch that does not close connections before every message.

Both replace channels' own (channels/db.py `DatabaseSyncToAsync`, channels/consumer.py
`AsyncConsumer.dispatch`), which call `close_old_connections` around every ORM call and
before every message; tests/test_workarounds.py fails once channels stops doing that,
and then this module can go.

channels closes the calling thread's connections before and after every call,
and before every message a consumer handles, whenever they are older than
CONN_MAX_AGE. That stays 0 here, so that the HTTP side's request threads do not each
hold a connection of their own (settings.py: Django's pool instead). The sockets'
calls, though, run on a few long-lived threads (asgiref's one thread-sensitive thread
and the event loop's executor), so each of those threads may keep its connection:
opening one per call was a third of the socket thread's time (docs/performance.md). A
connection that broke is closed here and reopened by the next call, as Django does
between requests. With Django's PostgreSQL pool each call hands its connection back
instead, still open: a pooled connection kept by a thread that ends (each test's event
loop has its own executor) would never come back.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import SyncToAsync
from channels.consumer import get_handler_name
from django.db import connections


def release_connections() -> None:
    """Keep each connection for the next call: hand it back to the pool if there is
    one, else close it only if it broke (Django's `close_if_unusable_or_obsolete`
    without the age limit)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            continue
        if getattr(connection, "pool", None) is not None:
            connection.close()  # back to the pool, which keeps it open
        elif connection.get_autocommit() != connection.settings_dict["AUTOCOMMIT"]:
            connection.close()  # left inside a transaction by a failed call
        elif connection.errors_occurred:
            if connection.is_usable():
                connection.errors_occurred = False
            else:
                connection.close()
        else:
            # CONN_HEALTH_CHECKS: the next call checks a kept connection first, so one
            # that the server dropped meanwhile is replaced instead of failing that call.
            connection.health_check_done = False  # type: ignore[attr-defined] # Django 4.1+


class SocketDatabaseSyncToAsync(SyncToAsync):
    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().thread_handler(loop, *args, **kwargs)  # type: ignore[no-untyped-call]
        finally:
            release_connections()


# Used like channels' `database_sync_to_async`: as a decorator or a wrapper.
database_sync_to_async = SocketDatabaseSyncToAsync


class ConnectionKeepingDispatch:
    """channels' dispatch without its `aclose_old_connections()`: a thread hop per
    message, a thousand per broadcast to a room. Our ORM calls keep their connection and
    drop it only when it broke (above)."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

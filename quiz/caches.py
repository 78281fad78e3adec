"""The per-process caches, each under a name: one call empties them all.

Every cache here is a memo of the database, keyed so that no entry can go stale in
production (a content version, a session's version). A test database that rolls back
hands out the same primary keys again, so the test suite empties them before each test,
as a new server process starts empty.
"""

from __future__ import annotations

from collections.abc import Callable

_clearers: dict[str, Callable[[], None]] = {}


def register(name: str, clear: Callable[[], None]) -> None:
    _clearers[name] = clear


def names() -> list[str]:
    return sorted(_clearers)


def clear_all() -> None:
    for clear in _clearers.values():
        clear()

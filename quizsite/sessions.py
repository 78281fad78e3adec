"""Django's cached_db sessions, written once when a request creates one.

A browser's first join or quiz start saves its session to have a key for its player or
attempt row (quiz.browser.session_key). Django's SessionMiddleware then saves the same
data again at the end of that request (creating marks the session modified, so that its
cookie goes out): a second transaction and cache write for nothing, on the path every
player of a class takes when it joins.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    _written: dict[str, Any] | None = None

    def save(self, must_create: bool = False) -> None:
        data = dict(self.items())
        if not must_create and self._written is not None and self._written == data:
            return  # in the database and the cache as it is; the cookie still goes out
        super().save(must_create=must_create)
        self._written = dict(data)

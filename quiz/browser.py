"""The anonymous browser a student or player is: identified by its Django session."""

from __future__ import annotations

from django.http import HttpRequest


def session_key(request: HttpRequest, *, create: bool = False) -> str | None:
    """This browser's session key; `create` saves a session first if it has none yet."""
    if create and not request.session.session_key:
        # A value makes the session worth saving, and the middleware sets the cookie.
        request.session["browser"] = True
        request.session.save()
    return request.session.session_key

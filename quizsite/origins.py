"""Sockets open only from this site's own pages: the Origin's scheme, host and port.

It takes the place of channels' AllowedHostsOriginValidator in quizsite/asgi.py.

htmx's ws extension sends no CSRF token, so the Origin check is the sockets' CSRF
defence. channels' AllowedHostsOriginValidator compares the host name only: a page on
another port or scheme of the same host (http://127.0.0.1:9999, https://localhost) is
"same-site" to the browser, which sends the visitor's cookies with it. This compares
the whole origin with the site's own, as Django's CSRF middleware does for a POST
(`CsrfViewMiddleware._origin_verified`): the scheme the request came in on, and its
Host header, which must be one of ALLOWED_HOSTS; or one of CSRF_TRUSTED_ORIGINS.
A missing Origin, or `null` (sandboxed frames, file: pages), is refused.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

logger = logging.getLogger(__name__)


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def own_origin(scope: dict[str, Any]) -> str | None:
    """This socket's own origin, as the browser would name it, or None for a Host
    this site does not serve."""
    host = (_header(scope, b"host") or "").lower()
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") in ("wss", "https")
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:  # BEHIND_TLS_PROXY: the proxy says how the browser came in
        name, value = proxy_header
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        secure = _header(scope, header) == value
    return f"{'https' if secure else 'http'}://{host}"


def trusted(origin: str) -> bool:
    """One of CSRF_TRUSTED_ORIGINS, with Django's `https://*.example.com` wildcards."""
    parts = urlsplit(origin)
    for setting in settings.CSRF_TRUSTED_ORIGINS:
        allowed = setting.lower()
        if allowed == origin:
            return True
        allowed_parts = urlsplit(allowed)
        if (
            "*" in allowed_parts.netloc
            and allowed_parts.scheme == parts.scheme
            and is_same_domain(parts.netloc, allowed_parts.netloc.replace("*", "", 1))
        ):
            return True
    return False


def same_origin(scope: dict[str, Any]) -> bool:
    origin = (_header(scope, b"origin") or "").strip().lower()
    if not origin or origin == "null":
        return False
    return origin == own_origin(scope) or trusted(origin)


class SameOriginValidator:
    """ASGI middleware: refuse a WebSocket handshake from another origin (HTTP 403)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not same_origin(scope):
            logger.warning(
                "socket refused on %s: origin %r is not this site's (%r)",
                scope.get("path"),
                _header(scope, b"origin"),
                own_origin(scope),
            )
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)

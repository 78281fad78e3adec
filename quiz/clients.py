"""Who is asking: the client's address, behind the reverse proxy of docs/deploy.md too.

Rate limits and socket caps count clients by address. Behind nginx (BEHIND_PROXY=1)
every request comes from nginx's own address, so the address is the X-Real-IP nginx
sets, replacing any a client sent; without a proxy that header is the client's own
claim and is never read.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

# settings.RATELIMIT_IP_META_KEY under BEHIND_PROXY; django-ratelimit reads it.
PROXY_KEY = "quiz.clients.client_ip"


def client_ip(request: HttpRequest) -> str:
    """The address nginx puts in X-Real-IP, else the peer's.

    A proxy that sets no header, or a request that reaches the server past it, falls
    back to the peer address rather than failing the request.
    """
    return _real_ip(request.META.get("HTTP_X_REAL_IP", "")) or str(request.META["REMOTE_ADDR"])


def _real_ip(header: str) -> str | None:
    try:
        return str(ipaddress.ip_address(header.strip()))
    except ValueError:
        return None


def behind_proxy() -> bool:
    return getattr(settings, "RATELIMIT_IP_META_KEY", None) == PROXY_KEY


def address(request: HttpRequest) -> str:
    """The client's address as the rate limits count it."""
    return client_ip(request) if behind_proxy() else str(request.META.get("REMOTE_ADDR", ""))


def socket_address(scope: dict[str, Any]) -> str:
    """The same for a socket: the peer of the connection, or nginx's X-Real-IP."""
    peer = (scope.get("client") or ("", 0))[0]
    if behind_proxy():
        for name, value in scope.get("headers", []):
            if name == b"x-real-ip":
                return _real_ip(value.decode("latin-1")) or peer
    return str(peer)

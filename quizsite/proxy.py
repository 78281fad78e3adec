"""Who is asking, behind the reverse proxy of docs/deploy.md."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address nginx puts in X-Real-IP (replacing any a client sent), else the peer's.

    The rate limits' key under BEHIND_PROXY (settings.RATELIMIT_IP_META_KEY). A proxy
    that sets no header, or a request that reaches the server past it, falls back to
    the peer address rather than failing the request.
    """
    try:
        return str(ipaddress.ip_address(request.META.get("HTTP_X_REAL_IP", "").strip()))
    except ValueError:
        return str(request.META["REMOTE_ADDR"])

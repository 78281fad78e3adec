"""The join QR code on the host screen: inline SVG (no image request, no inline style,
so the strict CSP holds), made by segno, once per join link."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=256)
def join_qr_svg(link: str) -> str:
    """A QR code of `link`, sized by CSS (class join-qr), named by its <title>."""
    return segno.make(link, error="m").svg_inline(
        scale=1,
        border=2,
        omitsize=True,
        dark="#000",
        light="#fff",
        title="QR code: scan it to join",
        svgclass="join-qr",
    )

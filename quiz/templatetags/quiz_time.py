"""Durations as people read them: "0.8 s", "42 s", "5 min 12 s", "1 h 3 min"."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def duration(milliseconds: int | float | None) -> str:
    ms = max(0, int(milliseconds or 0))
    if ms < 10_000:
        return f"{ms / 1000:.1f} s"
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"

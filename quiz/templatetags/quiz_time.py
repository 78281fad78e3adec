"""Durations as people read them: "0.8 s", "42 s", "5 min 12 s", "1 h 3 min" (in French
"0,8 s": the decimal mark follows the active language, the units are translatable)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(milliseconds: int | float | None) -> str:
    ms = max(0, int(milliseconds or 0))
    if ms < 10_000:
        return _("%(seconds)s s") % {"seconds": number_format(ms / 1000, 1)}
    seconds = round(ms / 1000)
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": seconds}
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        if seconds:
            return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": seconds}
        return _("%(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if minutes:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(hours)s h") % {"hours": hours}

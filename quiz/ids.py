"""Ids as clients send them: in URLs, form fields and socket frames."""

from __future__ import annotations

# Every primary key here is a BigAutoField: a 64-bit signed integer on every backend.
# A larger number is no id at all, and handing it to the database raises instead of
# finding nothing (OverflowError on SQLite).
MAX_PK = 2**63 - 1


def parse_pk(value: object) -> int | None:
    """The id in `value`, or None when it cannot be one.

    str.isdigit() accepts "²", which int() refuses; int() accepts other scripts' digits,
    signs, underscores and spaces. Only ASCII digits naming an id in range get through.
    """
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    pk = int(text)
    return pk if 0 < pk <= MAX_PK else None

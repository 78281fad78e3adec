"""Server-side syntax highlighting, done when content is saved, not per request."""

from __future__ import annotations

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def highlight_code(code: str, language: str) -> str:
    """Return highlighted HTML for ``code``, or "" when there is no code."""
    if not code.strip():
        return ""
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    return str(highlight(code, lexer, _FORMATTER))


def stylesheet() -> str:
    return str(_FORMATTER.get_style_defs(".highlight"))

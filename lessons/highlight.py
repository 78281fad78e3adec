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


# Pygments' "lightbulb" is the dark style whose every token stays above WCAG AA's 4.5:1
# on its own background (github-dark, monokai, nord... each have a token below it).
DARK_STYLE = "lightbulb"


def stylesheet() -> str:
    """static/css/pygments.css: the default style, and lightbulb for a dark system theme."""
    light = HtmlFormatter(cssclass="highlight").get_style_defs(".highlight")
    dark = HtmlFormatter(cssclass="highlight", style=DARK_STYLE).get_style_defs(".highlight")
    indented = "\n".join(f"  {line}" for line in dark.splitlines())
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"

"""Rich text in, plain text out: the site stores prompts as plain text (rendered
escaped, paragraph by paragraph) and a question's code sample separately.

HTML is read with the standard library's tokenizer and only its text is kept: no tag,
attribute or script of an imported file reaches a page. A `<pre>` block becomes the
question's code sample; a fenced block does in Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol",
    "p", "section", "table", "tr", "ul",
}  # fmt: skip
IGNORED = {"script", "style", "head", "title", "template", "noscript"}
# Sentinels for breaks the markup asked for, kept apart from the source's own
# whitespace (which HTML collapses).
LINE, PARAGRAPH = "\x00", "\x01"
LANGUAGE_CLASS = re.compile(r"\b(?:language|lang)-([\w+#.-]+)")
FENCE = re.compile(r"^```[ \t]*([\w+#.-]*)[ \t]*\n(.*?)\n?```[ \t]*$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class RichText:
    text: str
    code: str = ""
    language: str = ""


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code_blocks: list[str] = []
        self.language = ""
        self._ignoring = 0
        self._pre: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in IGNORED:
            self._ignoring += 1
        elif tag == "pre":
            self._pre = []
            self._take_language(attrs)
        elif tag == "code" and self._pre is not None:
            self._take_language(attrs)
        elif tag == "br":
            (self._pre if self._pre is not None else self.parts).append(
                "\n" if self._pre is not None else LINE
            )
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.parts.append(f"[image: {alt}]" if alt else "[image]")
        elif tag in BLOCKS:
            self.parts.append(PARAGRAPH if tag != "li" else LINE + "- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in IGNORED:
            self._ignoring = max(0, self._ignoring - 1)
        elif tag == "pre" and self._pre is not None:
            code = "".join(self._pre).removeprefix("\n").rstrip()
            if code:
                self.code_blocks.append(code)
            self._pre = None
            self.parts.append(PARAGRAPH)
        elif tag in BLOCKS and tag != "li":
            self.parts.append(PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if self._ignoring:
            return
        (self._pre if self._pre is not None else self.parts).append(data)

    def _take_language(self, attrs: list[tuple[str, str | None]]) -> None:
        if not self.language and (found := LANGUAGE_CLASS.search(dict(attrs).get("class") or "")):
            self.language = found.group(1).lower()


def _tidy(raw: str) -> str:
    collapsed = re.sub(r"\s+", " ", raw)
    lines = collapsed.replace(PARAGRAPH, "\n\n").replace(LINE, "\n").split("\n")
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def from_html(html: str) -> RichText:
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    return RichText(
        text=_tidy("".join(reader.parts)),
        code="\n\n".join(reader.code_blocks),
        language=reader.language if reader.code_blocks else "",
    )


def from_markdown(markdown: str) -> RichText:
    """Markdown is kept as the text it is, less its first fenced code block."""
    found = FENCE.search(markdown.replace("\r\n", "\n"))
    if not found:
        return RichText(text=markdown.strip())
    text = (markdown[: found.start()] + markdown[found.end() :]).strip()
    return RichText(
        text=re.sub(r"\n{3,}", "\n\n", text), code=found.group(2), language=found.group(1)
    )


def to_markdown(text: str, code: str = "", language: str = "") -> str:
    if not code:
        return text
    return f"{text}\n\n```{language}\n{code}\n```"


def to_html(text: str, code: str = "", language: str = "") -> str:
    """Paragraphs as <p>, lines as <br>, the code sample as <pre><code>: what Moodle's
    editor writes, and what `from_html` reads back to the same text."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(escape(line.strip(), quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    if code:
        css = f' class="language-{escape(language)}"' if language else ""
        html += f"<pre><code{css}>{escape(code, quote=False)}</code></pre>"
    return html

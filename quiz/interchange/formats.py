"""The formats by name: how each reads, writes, is named and served."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from quiz.interchange import gift, moodle_xml, yaml_format
from quiz.interchange.model import InterchangeError, ParsedQuestion, ParseResult
from quiz.models import Quiz


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    parse: Callable[[str], ParseResult]
    write: Callable[[Quiz, Sequence[ParsedQuestion]], str]

    @property
    def extension(self) -> str:
        return self.extensions[0]


FORMATS = {
    "gift": Format(
        "gift",
        "GIFT",
        (".gift.txt", ".gift", ".txt"),
        "text/plain; charset=utf-8",
        gift.parse,
        lambda quiz, questions: gift.dump(questions, category=quiz.title),
    ),
    "xml": Format(
        "xml",
        "Moodle XML",
        (".xml",),
        "application/xml; charset=utf-8",
        moodle_xml.parse,
        lambda quiz, questions: moodle_xml.dump(questions, category=quiz.title),
    ),
    "yaml": Format(
        "yaml",
        "YAML (content files)",
        (".yaml", ".yml"),
        "application/yaml; charset=utf-8",
        yaml_format.parse,
        lambda quiz, questions: yaml_format.dump(questions, slug=quiz.slug, title=quiz.title),
    ),
}


def format_for_filename(filename: str) -> Format:
    lowered = filename.lower()
    for candidate in FORMATS.values():
        if lowered.endswith(candidate.extensions):
            return candidate
    raise InterchangeError(
        f"cannot tell the format of {filename!r} from its extension; choose one."
    )


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InterchangeError(f"the file is not UTF-8 (byte {error.start}).") from None

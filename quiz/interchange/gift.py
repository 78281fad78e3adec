"""Moodle's GIFT format, multiple choice only (docs/import-export.md).

    // difficulty: easy
    // hint: Think of the event loop.
    ::Title::[markdown]What does this print?\n\n```python\nprint(1)\n```{
    =1
    ~2#Feedback shown for this option.
    ####The general feedback: the site's solution.
    }

GIFT has no hint, difficulty or common mistakes: this site reads and writes them as
`// hint:`, `// difficulty:` and `// mistake:` comment lines directly above the question
(Moodle ignores comments, so such a file still imports there). True/false, short answer,
numerical, matching, essay and description items are listed as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.interchange import text as rich
from quiz.interchange.model import (
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    Problem,
    Skipped,
    split_solution,
)

SPECIAL = "~=#{}:"
FORMATS = {"markdown", "html", "plain", "moodle"}
META = re.compile(r"^\s*//\s*(difficulty|hint|mistake)\s*:\s?(.*)$", re.IGNORECASE)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TRUE_FALSE = {"T", "TRUE", "F", "FALSE"}


@dataclass(frozen=True)
class Char:
    value: str
    escaped: bool
    line: int


class GiftError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def escape(text: str) -> str:
    """GIFT's escapes, and newlines as `\\n` so a text stays on its line."""
    text = text.replace("\\", "\\\\").replace("\r\n", "\n")
    for special in SPECIAL:
        text = text.replace(special, "\\" + special)
    return text.replace("\n", "\\n")


def unescape(text: str) -> str:
    return "".join(char.value for char in _chars([(0, text)]))


def _chars(lines: list[tuple[int, str]]) -> list[Char]:
    chars: list[Char] = []
    for index, (number, line) in enumerate(lines):
        position = 0
        while position < len(line):
            value = line[position]
            following = line[position + 1] if position + 1 < len(line) else ""
            if value == "\\" and following and (following in SPECIAL + "\\n"):
                chars.append(Char("\n" if following == "n" else following, True, number))
                position += 2
                continue
            chars.append(Char(value, False, number))
            position += 1
        if index < len(lines) - 1:
            chars.append(Char("\n", False, number))
    return chars


def _text(chars: Sequence[Char]) -> str:
    return "".join(char.value for char in chars).strip()


def _find(chars: Sequence[Char], target: str, start: int = 0) -> int:
    """The index of the first unescaped occurrence of `target`, or -1."""
    for index in range(start, len(chars) - len(target) + 1):
        if all(
            not chars[index + k].escaped and chars[index + k].value == target[k]
            for k in range(len(target))
        ):
            return index
    return -1


def parse(source: str) -> ParseResult:
    result = ParseResult()
    for block in _blocks(source):
        meta: dict[str, list[str]] = {}
        body: list[tuple[int, str]] = []
        for number, line in block:
            if line.lstrip().startswith("//"):
                if found := META.match(line):
                    meta.setdefault(found.group(1).lower(), []).append(unescape(found.group(2)))
            else:
                body.append((number, line))
        if not body:
            continue
        if body[0][1].lstrip().startswith("$CATEGORY:"):
            category = body[0][1].split(":", 1)[1].strip()
            result.notes.append(f"line {body[0][0]}: category {category} (not imported)")
            continue
        try:
            _parse_question(body, meta, result)
        except GiftError as error:
            result.errors.append(Problem(f"line {error.line}", str(error)))
    return result


def _blocks(source: str) -> list[list[tuple[int, str]]]:
    """Questions are separated by blank lines, as Moodle reads them."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(source.lstrip("\ufeff").splitlines(), start=1):
        if line.strip():
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _parse_question(
    body: list[tuple[int, str]], meta: dict[str, list[str]], result: ParseResult
) -> None:
    chars = _chars(body)
    first_line = body[0][0]
    where = f"line {first_line}"
    title = ""
    start = 0
    if _find(chars[:2], "::") == 0:
        end = _find(chars, "::", 2)
        if end < 0:
            raise GiftError(first_line, "the question's title (::title::) is never closed.")
        title, start = _text(chars[2:end]), end + 2
    opening = _find(chars, "{", start)
    if opening < 0:
        result.skipped.append(Skipped("description", where, "no answers: nothing to ask"))
        return
    closing = _find(chars, "}", opening + 1)
    if closing < 0:
        raise GiftError(chars[opening].line, "the answers' { is never closed with }.")
    kind = _kind(chars[opening + 1 : closing])
    if kind:
        result.skipped.append(Skipped(kind, where, "the site has multiple choice only"))
        return
    before, after = chars[start:opening], chars[closing + 1 :]
    prompt = _prompt(before, after)
    options, general, several = _options(chars[opening + 1 : closing])
    if several:
        result.skipped.append(
            Skipped("multiple choice with several correct answers", where, several)
        )
        return
    steps, final_answer, quick_check = split_solution(general)
    difficulty = meta.get("difficulty", [None])[-1]
    result.questions.append(
        ParsedQuestion(
            where=where,
            title=title,
            prompt=prompt.text,
            code=prompt.code,
            language=prompt.language,
            options=options,
            difficulty=difficulty.strip().lower() if difficulty else None,
            hint="\n\n".join(meta["hint"]) if "hint" in meta else None,
            solution_steps=steps,
            final_answer=final_answer,
            quick_check=quick_check,
            common_mistakes=tuple(meta["mistake"]) if "mistake" in meta else None,
        )
    )


def _kind(answers: Sequence[Char]) -> str:
    """The GIFT question type of an answer block that is not multiple choice, or ""."""
    text = _text(answers)
    if not text:
        return "essay"
    first = next(char for char in answers if not char.value.isspace())
    if first.value == "#" and not first.escaped:
        return "numerical"
    feedback_at = _find(answers, "#")
    head = _text(answers[:feedback_at] if feedback_at >= 0 else answers)
    if head.upper() in TRUE_FALSE:
        return "true/false"
    # Moodle's order: a wrong answer (~) makes it multiple choice, whatever follows.
    if _find(answers, "~") >= 0:
        return ""
    return "matching" if _find(answers, "->") >= 0 else "short answer"


def _prompt(before: Sequence[Char], after: Sequence[Char]) -> rich.RichText:
    text = _text(before)
    if _text(after):
        # A missing-word question: the answers stand for a gap in the sentence.
        text = f"{text} _____ {_text(after)}"
    marker = re.match(r"^\[(\w+)\]", text)
    markup = marker.group(1).lower() if marker and marker.group(1).lower() in FORMATS else ""
    if markup:
        text = text[marker.end() :].strip() if marker else text
    if markup == "html":
        return rich.from_html(text)
    if markup == "markdown":
        return rich.from_markdown(text)
    return rich.RichText(text=text)


def _options(answers: Sequence[Char]) -> tuple[tuple[ParsedOption, ...], str, str]:
    """The options, the general feedback, and why the block was skipped ("" if not)."""
    general = ""
    if (general_at := _find(answers, "####")) >= 0:
        general = _text(answers[general_at + 4 :])
        answers = answers[:general_at]
    starts = [i for i, c in enumerate(answers) if not c.escaped and c.value in "=~"]
    if not starts or _text(answers[: starts[0]]):
        line = answers[0].line if answers else 0
        raise GiftError(line, "each answer must start with = (right) or ~ (wrong).")
    options: list[ParsedOption] = []
    weights: list[float] = []
    for begin, end in zip(starts, [*starts[1:], len(answers)], strict=True):
        mark, item = answers[begin], answers[begin + 1 : end]
        weight = 100.0 if mark.value == "=" else 0.0
        raw = "".join(c.value for c in item).lstrip()
        if (found := WEIGHT.match(raw)) and not item[0].escaped:
            weight = float(found.group(1))
            item = item[len(item) - len(raw) + found.end() :]
        feedback_at = _find(item, "#")
        text = _text(item[:feedback_at] if feedback_at >= 0 else item)
        feedback = _text(item[feedback_at + 1 :]) if feedback_at >= 0 else ""
        if not text:
            raise GiftError(mark.line, f"answer {len(options) + 1} has no text.")
        options.append(
            ParsedOption(
                text=text, correct=weight >= 100, feedback="" if weight >= 100 else feedback
            )
        )
        weights.append(weight)
    positive = [w for w in weights if w > 0]
    if len(positive) > 1 or any(0 < w < 100 for w in positive):
        return (), general, "several answers give credit; the site has exactly one correct option"
    if not positive:
        raise GiftError(answers[starts[0]].line, "no answer is marked correct with =.")
    return tuple(options), general, ""


def dump(questions: Sequence[ParsedQuestion], category: str = "") -> str:
    blocks = [f"$CATEGORY: {category}"] if category else []
    for question in questions:
        lines = []
        if question.difficulty:
            lines.append(f"// difficulty: {question.difficulty}")
        if question.hint:
            lines.append(f"// hint: {escape(question.hint)}")
        lines.extend(f"// mistake: {escape(mistake)}" for mistake in question.common_mistakes or ())
        text = rich.to_markdown(question.prompt, question.code, question.language)
        markup = "[markdown]" if question.code else "[plain]"
        lines.append(f"::{escape(question.title)}::{markup}{escape(text)}{{")
        for option in question.options:
            feedback = f"#{escape(option.feedback)}" if option.feedback else ""
            lines.append(f"{'=' if option.correct else '~'}{escape(option.text)}{feedback}")
        if general := question.general_feedback:
            lines.append(f"####{escape(general)}")
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"

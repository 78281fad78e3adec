"""Moodle XML question banks, multiple choice only (docs/import-export.md).

Parsed with defusedxml: a file that declares entities (the "billion laughs") or reaches
for external ones is refused whole. Texts in HTML become the plain text the site stores
(quiz/interchange/text.py); a `<pre>` block in the question text becomes its code sample.
The difficulty travels as a `difficulty:<level>` tag; the common mistakes do not travel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Building only: every parse goes through defusedxml (below).
from xml.etree.ElementTree import Element, SubElement, indent, tostring

import defusedxml
import defusedxml.ElementTree

from quiz.interchange import text as rich
from quiz.interchange.model import (
    InterchangeError,
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    Problem,
    Skipped,
    split_solution,
)

DIFFICULTY_TAG = "difficulty:"
SKIPPED_REASON = "the site has multiple choice with one correct option only"


class ElementError(ValueError):
    pass


def parse(source: str) -> ParseResult:
    try:
        root = defusedxml.ElementTree.fromstring(source.lstrip("\ufeff").encode("utf-8"))
    except defusedxml.DefusedXmlException as refused:
        raise InterchangeError(
            f"the XML declares entities or a DTD, which are refused ({type(refused).__name__})."
        ) from None
    except defusedxml.ElementTree.ParseError as error:
        line, column = error.position
        raise InterchangeError(f"not well-formed XML at line {line}, column {column}.") from None
    if root.tag != "quiz":
        raise InterchangeError(f"expected a <quiz> root element, found <{root.tag}>.")
    result = ParseResult()
    for number, element in enumerate(root.findall("question"), start=1):
        kind = element.get("type", "")
        name = _text(element.find("name"))
        where = f'<question type="{kind}"> #{number}' + (f" ({name})" if name else "")
        if kind == "category":
            result.notes.append(f"{where}: category {_text(element.find('category'))}")
        elif kind != "multichoice":
            result.skipped.append(Skipped(kind or "untyped", where, SKIPPED_REASON))
        else:
            try:
                _multichoice(element, where, name, result)
            except ElementError as error:
                result.errors.append(Problem(where, str(error)))
    return result


def _text(element: Any) -> str:
    if element is None:
        return ""
    inner = element.find("text")
    return ((inner.text if inner is not None else element.text) or "").strip()


def _rich(element: Any) -> rich.RichText:
    """A text element (`<questiontext format="html"><text>...`) as plain text and code."""
    raw = _text(element)
    markup = element.get("format", "html") if element is not None else "plain_text"
    if markup == "markdown":
        return rich.from_markdown(raw)
    if markup == "plain_text" or (markup == "moodle_auto_format" and "<" not in raw):
        return rich.RichText(text=raw)
    return rich.from_html(raw)


def _inline(element: Any) -> str:
    read = _rich(element)
    return "\n\n".join(part for part in (read.text, read.code) if part)


def _multichoice(element: Any, where: str, name: str, result: ParseResult) -> None:
    answers = element.findall("answer")
    try:
        fractions = [float(answer.get("fraction", "0")) for answer in answers]
    except ValueError:
        raise ElementError("an <answer>'s fraction is not a number.") from None
    single = _text(element.find("single")).lower() not in {"false", "0"}
    if not single or sum(f > 0 for f in fractions) > 1 or any(0 < f < 100 for f in fractions):
        result.skipped.append(
            Skipped("multichoice with several correct answers", where, SKIPPED_REASON)
        )
        return
    if 100 not in fractions:
        raise ElementError('no <answer fraction="100">: one option must be correct.')
    options = []
    for position, (answer, fraction) in enumerate(zip(answers, fractions, strict=True), start=1):
        text = " ".join(_inline(answer).split())
        if not text:
            raise ElementError(f"<answer> {position} has no text.")
        correct = fraction == 100
        feedback = "" if correct else _inline(answer.find("feedback"))
        options.append(ParsedOption(text=text, correct=correct, feedback=feedback))
    prompt = _rich(element.find("questiontext"))
    if not prompt.text:
        raise ElementError("<questiontext> has no text.")
    steps, final_answer, quick_check = split_solution(_rich(element.find("generalfeedback")).text)
    hints = [_rich(hint).text for hint in element.findall("hint")]
    tags = [_text(tag) for tag in element.findall("tags/tag")]
    difficulty = next(
        (tag.removeprefix(DIFFICULTY_TAG) for tag in tags if tag.startswith(DIFFICULTY_TAG)), None
    )
    result.questions.append(
        ParsedQuestion(
            where=where,
            title=name,
            prompt=prompt.text,
            code=prompt.code,
            language=prompt.language,
            options=tuple(options),
            difficulty=difficulty,
            hint="\n\n".join(hint for hint in hints if hint),
            solution_steps=steps,
            final_answer=final_answer,
            quick_check=quick_check,
        )
    )


def dump(questions: Sequence[ParsedQuestion], category: str = "") -> str:
    root = Element("quiz")
    if category:
        holder = SubElement(root, "question", type="category")
        _text_element(holder, "category", f"$course$/top/{category}", markup=None)
    for question in questions:
        element = SubElement(root, "question", type="multichoice")
        _text_element(element, "name", question.title, markup=None)
        html = rich.to_html(question.prompt, question.code, question.language)
        _text_element(element, "questiontext", html)
        _text_element(element, "generalfeedback", rich.to_html(question.general_feedback))
        for tag, value in [("defaultgrade", "1"), ("penalty", "0.3333333"), ("hidden", "0"),
                           ("single", "true"), ("shuffleanswers", "false"),
                           ("answernumbering", "ABCD")]:  # fmt: skip
            SubElement(element, tag).text = value
        for option in question.options:
            answer = SubElement(
                element, "answer", fraction="100" if option.correct else "0", format="html"
            )
            SubElement(answer, "text").text = rich.to_html(option.text)
            _text_element(answer, "feedback", rich.to_html(option.feedback))
        if question.hint:
            _text_element(element, "hint", rich.to_html(question.hint))
        if question.difficulty:
            tags = SubElement(element, "tags")
            _text_element(tags, "tag", DIFFICULTY_TAG + question.difficulty, markup=None)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def _text_element(parent: Element, tag: str, value: str, markup: str | None = "html") -> None:
    element = SubElement(parent, tag, format=markup) if markup else SubElement(parent, tag)
    SubElement(element, "text").text = value

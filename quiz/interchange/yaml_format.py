"""The content files' own YAML (content/*.yaml, quiz/content_loader.py), one quiz's
questions: an export is a quiz entry as a content file's `quizzes:` lists it, and an
import takes such an entry, or a whole content file with one quiz.

The schema and its checks are the content loader's (`question_fields`,
`check_options`), so a file that imports here loads with `manage.py load_content`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from quiz.content_loader import ContentError, check_options, question_fields
from quiz.interchange.model import (
    InterchangeError,
    ParsedOption,
    ParsedQuestion,
    ParseResult,
    Problem,
)
from quiz.models import Question


def parse(source: str) -> ParseResult:
    try:
        document = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        raise InterchangeError(f"not valid YAML: {error}") from None
    entries, nodes = _questions(data, document)
    result = ParseResult()
    for number, (entry, node) in enumerate(zip(entries, nodes, strict=True), start=1):
        where = f"line {node.start_mark.line + 1} (question {number})"
        try:
            result.questions.append(_question(where, entry))
        except ContentError as error:
            result.errors.append(Problem(where, str(error)))
    return result


def _questions(data: Any, document: Any) -> tuple[list[Any], list[Any]]:
    """The question entries and their YAML nodes (for line numbers)."""
    if isinstance(data, dict) and "quizzes" in data:
        quizzes = data["quizzes"] or []
        if len(quizzes) != 1:
            raise InterchangeError(
                f"the content file has {len(quizzes)} quizzes; import one quiz's questions "
                "(manage.py export_questions writes them)."
            )
        data, document = quizzes[0], _value(document, "quizzes").value[0]
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise InterchangeError("expected a mapping with a 'questions' list.")
    return data["questions"], _value(document, "questions").value


def _value(node: Any, key: str) -> Any:
    return next(value for name, value in node.value if name.value == key)


def _question(where: str, entry: Any) -> ParsedQuestion:
    if not isinstance(entry, dict):
        raise ContentError("a question is a mapping (prompt, difficulty, choices...).")
    missing = [key for key in ("prompt", "difficulty", "choices") if key not in entry]
    if missing:
        raise ContentError(f"missing {', '.join(missing)}.")
    choices = entry["choices"]
    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        raise ContentError("choices is a list of mappings (text, correct, feedback).")
    check_options("choices", choices)
    fields = question_fields(entry)
    return ParsedQuestion(
        where=where,
        prompt=str(fields["prompt"]).strip(),
        code=str(fields["code"]),
        language=str(fields["language"]),
        difficulty=str(fields["difficulty"]),
        hint=str(fields["hint"]),
        solution_steps=str(fields["solution_steps"]),
        final_answer=str(fields["final_answer"]),
        quick_check=str(fields["quick_check"]),
        common_mistakes=tuple(str(fields["common_mistakes"]).splitlines()),
        options=tuple(
            ParsedOption(
                text=str(choice.get("text", "")).strip(),
                correct=bool(choice.get("correct")),
                feedback="" if choice.get("correct") else str(choice.get("feedback", "")),
            )
            for choice in choices
        ),
    )


def dump(questions: Sequence[ParsedQuestion], slug: str = "", title: str = "") -> str:
    quiz: dict[str, Any] = {"slug": slug, "title": title} if slug else {}
    quiz["questions"] = [_entry(question) for question in questions]
    return yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False, width=100)


def _entry(question: ParsedQuestion) -> dict[str, Any]:
    entry: dict[str, Any] = {"prompt": question.prompt}
    if question.code:
        entry |= {"code": question.code, "language": question.language}
    entry["difficulty"] = question.difficulty
    entry["choices"] = [
        {"text": option.text, "correct": option.correct}
        | ({"feedback": option.feedback} if option.feedback else {})
        for option in question.options
    ]
    # The steps as the model reads its own text (an unsaved instance, no query).
    steps = Question(solution_steps=question.solution_steps or "").steps
    optional = {
        "solution_steps": [{"title": step.title, "text": step.text} for step in steps],
        "final_answer": question.final_answer,
        "quick_check": question.quick_check,
        "hint": question.hint,
        "common_mistakes": list(question.common_mistakes or ()),
    }
    return entry | {key: value for key, value in optional.items() if value}

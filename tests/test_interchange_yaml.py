"""The YAML import reads the content files' question schema, with the loader's checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quiz.interchange import yaml_format
from quiz.interchange.model import InterchangeError, ParsedOption

SEED = Path(__file__).resolve().parent.parent / "content" / "asgi-vs-wsgi.yaml"

ONE_QUESTION = """\
slug: week-1
title: Week 1
questions:
  - prompt: "Which runs async views?"
    code: |-
      async def view(request):
          return HttpResponse("ö")
    language: python
    difficulty: hard
    hint: "The A in ASGI"
    choices:
      - text: ASGI
        correct: true
      - text: WSGI
        correct: false
        feedback: "WSGI is synchronous."
    solution_steps:
      - title: "Read the name"
        text: "Asynchronous Server Gateway Interface."
    final_answer: ASGI
    quick_check: "async = ASGI"
    common_mistakes:
      - "Thinking WSGI can await"
"""


def test_a_quiz_entry_gives_every_field_the_content_loader_reads() -> None:
    result = yaml_format.parse(ONE_QUESTION)
    assert result.errors == []
    (question,) = result.questions
    assert question.where == "line 4 (question 1)"
    assert question.fields() == {
        "prompt": "Which runs async views?",
        "code": 'async def view(request):\n    return HttpResponse("ö")',
        "language": "python",
        "difficulty": "hard",
        "hint": "The A in ASGI",
        "solution_steps": "Read the name\nAsynchronous Server Gateway Interface.",
        "final_answer": "ASGI",
        "quick_check": "async = ASGI",
        "common_mistakes": "Thinking WSGI can await",
    }
    assert question.options == (
        ParsedOption("ASGI", correct=True),
        ParsedOption("WSGI", correct=False, feedback="WSGI is synchronous."),
    )


def test_a_content_file_with_one_quiz_is_read_and_one_with_two_is_refused() -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["quizzes"] = data["quizzes"][:1]
    one = yaml_format.parse(yaml.safe_dump(data, allow_unicode=True))
    assert len(one.questions) == len(data["quizzes"][0]["questions"])
    with pytest.raises(InterchangeError, match="the content file has 2 quizzes"):
        yaml_format.parse(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- prompt: Q\n  difficulty: easy\n", "missing choices"),
        ("- prompt: Q\n  choices: []\n", "missing difficulty."),
        ("- just text\n", "a question is a mapping"),
        (
            (
                "- prompt: Q\n  difficulty: easy\n  choices:\n    - text: a\n      correct: true\n"
                "    - text: b\n      correct: true\n"
            ),
            "choices: Mark exactly one option as correct (2 are marked)",
        ),
    ],
)
def test_schema_errors_name_the_line_and_the_question(entry: str, message: str) -> None:
    result = yaml_format.parse("questions:\n" + entry)
    assert result.errors[0].where == "line 2 (question 1)"
    assert message in result.errors[0].message


def test_invalid_yaml_and_a_document_without_questions_are_refused() -> None:
    with pytest.raises(InterchangeError, match="not valid YAML"):
        yaml_format.parse("questions: [unclosed")
    with pytest.raises(InterchangeError, match="a 'questions' list"):
        yaml_format.parse("title: nothing here\n")

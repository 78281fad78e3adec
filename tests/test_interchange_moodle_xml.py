"""Moodle XML read into questions: a Moodle 4 bank, HTML made plain, unsafe XML refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.interchange import moodle_xml
from quiz.interchange.model import InterchangeError, ParsedOption

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "moodle-async-bank.xml"


def multichoice(body: str, attributes: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        f'<question type="multichoice"{attributes}><name><text>Q</text></name>{body}</question>\n'
        "</quiz>\n"
    )


ANSWERS = (
    '<questiontext format="html"><text>Pick</text></questiontext>'
    '<answer fraction="100"><text>yes</text></answer>'
    '<answer fraction="0"><text>no</text></answer>'
)


def test_the_moodle_bank_gives_two_questions_skips_two_and_notes_its_category() -> None:
    result = moodle_xml.parse(FIXTURE.read_text(encoding="utf-8"))
    assert result.errors == []
    assert [q.title for q in result.questions] == ["Awaiting a coroutine", "Blocking call"]
    assert [(s.kind, s.where) for s in result.skipped] == [
        ("essay", '<question type="essay"> #4 (Explain the event loop)'),
        ("matching", '<question type="matching"> #5 (Match the servers)'),
    ]
    assert result.notes == [
        (
            '<question type="category"> #1: category '
            "$course$/top/Default for Web Programming/Async Python"
        )
    ]


def test_html_question_text_becomes_paragraphs_and_its_pre_code_block_the_code_sample() -> None:
    first = moodle_xml.parse(FIXTURE.read_text(encoding="utf-8")).questions[0]
    assert first.prompt == "What does this program print?\n\nPick one answer."
    assert first.code.startswith("import asyncio\n\nasync def main():\n    await asyncio.sleep(0)")
    assert 'print("done & dusted")' in first.code
    assert first.language == "python"


def test_answers_feedback_general_feedback_and_hints_are_read() -> None:
    first, second = moodle_xml.parse(FIXTURE.read_text(encoding="utf-8")).questions
    assert first.options == (
        ParsedOption("done & dusted", correct=True),
        ParsedOption("Nothing: main() is never awaited", False, "asyncio.run() awaits it for you."),
        ParsedOption(
            "A RuntimeWarning",
            False,
            "That warning comes from a coroutine created and never awaited.",
        ),
    )
    assert first.solution_steps == (
        "Run the event loop\nasyncio.run() starts a loop and runs main() to the end."
    )
    assert first.final_answer == "done & dusted"
    assert first.hint == "What does asyncio.run() do with its argument?"
    assert second.hint == "Which one is awaited?\n\nA synchronous call holds the thread."
    assert second.common_mistakes is None  # Moodle XML has no place for them


def test_no_markup_survives_into_the_stored_text() -> None:
    for question in moodle_xml.parse(FIXTURE.read_text(encoding="utf-8")).questions:
        texts = [question.prompt, *(o.text for o in question.options)]
        texts += [o.feedback for o in question.options]
        assert all("<" not in text and "alert" not in text for text in texts)


def test_the_difficulty_travels_as_a_tag() -> None:
    tags = "<tags><tag><text>difficulty:hard</text></tag></tags>"
    assert moodle_xml.parse(multichoice(ANSWERS + tags)).questions[0].difficulty == "hard"
    assert moodle_xml.parse(multichoice(ANSWERS)).questions[0].difficulty is None


@pytest.mark.parametrize(
    "answers",
    [
        (
            '<single>false</single><answer fraction="100"><text>a</text></answer>'
            '<answer fraction="0"><text>b</text></answer>'
        ),
        (
            '<answer fraction="50"><text>a</text></answer>'
            '<answer fraction="50"><text>b</text></answer>'
        ),
        (
            '<answer fraction="100"><text>a</text></answer>'
            '<answer fraction="100"><text>b</text></answer>'
        ),
    ],
)
def test_multiple_answer_questions_are_skipped_with_the_reason(answers: str) -> None:
    result = moodle_xml.parse(
        multichoice("<questiontext><text>Pick</text></questiontext>" + answers)
    )
    assert result.questions == []
    assert result.skipped[0].kind == "multichoice with several correct answers"
    assert "one correct option" in result.skipped[0].reason


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (('<questiontext><text>Pick</text></questiontext><answer fraction="0"><text>a</text>'
         '</answer><answer fraction="0"><text>b</text></answer>'), 'no <answer fraction="100">'),
        (('<questiontext><text>Pick</text></questiontext><answer fraction="100"><text>a</text>'
         '</answer><answer fraction="0"><text> </text></answer>'), "<answer> 2 has no text"),
        (('<questiontext><text></text></questiontext><answer fraction="100"><text>a</text>'
         '</answer><answer fraction="0"><text>b</text></answer>'), "<questiontext> has no text"),
        (('<questiontext><text>Pick</text></questiontext><answer fraction="x"><text>a</text>'
         "</answer>"), "not a number"),
    ],
)  # fmt: skip
def test_errors_name_the_question_element(body: str, message: str) -> None:
    result = moodle_xml.parse(multichoice(body))
    assert [e.where for e in result.errors] == ['<question type="multichoice"> #1 (Q)']
    assert message in result.errors[0].message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="multichoice"><name><text>&lol4;</text></name></question></quiz>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="multichoice"><name><text>&secret;</text></name></question></quiz>
"""


@pytest.mark.parametrize("source", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_declarations_are_refused_with_a_clear_error(source: str) -> None:
    with pytest.raises(InterchangeError, match="declares entities or a DTD, which are refused"):
        moodle_xml.parse(source)


def test_malformed_xml_names_its_line() -> None:
    with pytest.raises(InterchangeError, match="not well-formed XML at line 3"):
        moodle_xml.parse("<quiz>\n<question>\n</quiz>")


def test_another_root_element_is_refused() -> None:
    with pytest.raises(InterchangeError, match="expected a <quiz> root element, found <html>"):
        moodle_xml.parse("<html></html>")

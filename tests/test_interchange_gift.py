"""GIFT files read into questions: escapes, markup, feedback, skipped types, errors by line."""

from __future__ import annotations

import pytest

from quiz.interchange import gift
from quiz.interchange.model import ParsedOption, ParsedQuestion


def only_question(source: str) -> ParsedQuestion:
    result = gift.parse(source)
    assert result.errors == []
    assert result.skipped == []
    assert len(result.questions) == 1
    return result.questions[0]


def test_a_multiple_choice_question_with_title_feedback_and_general_feedback() -> None:
    question = only_question(
        "::Servers::Which server speaks ASGI?{\n"
        "  =Daphne#Right.\n"
        "  ~gunicorn#gunicorn speaks WSGI.\n"
        "  ~Apache mod_wsgi\n"
        "  ####Check the interface\\nDaphne implements ASGI.\n"
        "}\n"
    )
    assert question.title == "Servers"
    assert question.prompt == "Which server speaks ASGI?"
    assert question.options == (
        ParsedOption("Daphne", correct=True),  # the right answer's feedback is not kept
        ParsedOption("gunicorn", correct=False, feedback="gunicorn speaks WSGI."),
        ParsedOption("Apache mod_wsgi", correct=False),
    )
    assert question.solution_steps == "Check the interface\nDaphne implements ASGI."
    assert question.where == "line 1"


def test_every_escaped_special_character_is_read_as_text() -> None:
    question = only_question(
        "::A\\:B::Is \\{x\\} \\= 1 \\~ 2 \\# 3\\: right?{=yes \\= sure #with \\# hash ~no\\~}"
    )
    assert question.title == "A:B"
    assert question.prompt == "Is {x} = 1 ~ 2 # 3: right?"
    assert [o.text for o in question.options] == ["yes = sure", "no~"]


def test_a_feedback_may_hold_escaped_specials_and_a_backslash() -> None:
    question = only_question("Q?{=a ~b#use \\\\n or \\{\\}}")
    assert question.options[1].feedback == "use \\n or {}"


def test_comments_are_ignored_and_the_sites_comments_carry_hint_difficulty_and_mistakes() -> None:
    question = only_question(
        "// exported by hand\n"
        "// difficulty: Hard\n"
        "// hint: Think of the loop\\: one thread.\n"
        "// mistake: Thinking async means parallel\n"
        "// mistake: Forgetting await\n"
        "Which is true?{=One thread runs the loop ~Each coroutine has a thread}\n"
    )
    assert question.difficulty == "hard"
    assert question.hint == "Think of the loop: one thread."
    assert question.common_mistakes == ("Thinking async means parallel", "Forgetting await")


def test_without_the_sites_comments_those_fields_are_not_carried() -> None:
    question = only_question("Q?{=a ~b}")
    assert question.hint is None
    assert question.difficulty is None
    assert question.common_mistakes is None
    assert "hint" not in question.fields()


def test_a_markdown_fenced_block_becomes_the_code_sample() -> None:
    question = only_question(
        '[markdown]What prints?\\n\\n```python\\nprint("héllo \\{\\}")\\n```'
        "{=héllo \\{\\} ~nothing}"
    )
    assert question.prompt == "What prints?"
    assert question.code == 'print("héllo {}")'
    assert question.language == "python"


def test_html_markup_is_reduced_to_text_and_its_pre_block_to_code() -> None:
    question = only_question(
        "[html]<p>What does <b>this</b> print?</p><pre>x \\= 1<br>print(x)</pre>"
        "<script>alert(1)</script>{=1 ~2}"
    )
    assert question.prompt == "What does this print?"
    assert question.code == "x = 1\nprint(x)"
    assert "<" not in question.prompt


def test_plain_and_moodle_markers_keep_the_text_as_it_is() -> None:
    assert only_question("[plain]<b>bold</b>?{=a ~b}").prompt == "<b>bold</b>?"
    assert only_question("[moodle]Unicode: ÄÖÜ, 日本語, 🐍?{=a ~b}").prompt == (
        "Unicode: ÄÖÜ, 日本語, 🐍?"
    )


def test_only_an_unescaped_hash_opening_the_answers_makes_a_numerical_question() -> None:
    escaped = gift.parse("Which tag?{ \\#python =yes ~no}")
    assert escaped.skipped == []
    assert "must start with = (right) or ~" in escaped.errors[0].message
    assert gift.parse("Pi?{ #3.14:0.01}").skipped[0].kind == "numerical"


def test_percent_weights_mark_the_right_answer() -> None:
    question = only_question("Q?{~%100%a ~%0%b ~%-50%c}")
    assert [o.correct for o in question.options] == [True, False, False]


def test_a_missing_word_question_keeps_the_gap() -> None:
    question = only_question("ASGI stands for Asynchronous {=Server ~Service} Gateway Interface.")
    assert question.prompt == "ASGI stands for Asynchronous _____ Gateway Interface."


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("Write an essay.{}", "essay"),
        ("Pi to two places?{#3.14:0.01}", "numerical"),
        ("The sky is blue.{T}", "true/false"),
        ("The sky is green.{FALSE#No.#Right.}", "true/false"),
        ("Match.{=Daphne -> ASGI =gunicorn -> WSGI}", "matching"),
        ("Two plus two?{=four =4}", "short answer"),
        ("Just some text to read.", "description"),
        ("Pick two.{~%50%a ~%50%b ~%-100%c}", "multiple choice with several correct answers"),
    ],
)
def test_types_the_site_has_not_are_skipped_by_type_and_line(source: str, kind: str) -> None:
    result = gift.parse(f"// header\n\n{source}\n")
    assert result.questions == []
    assert result.errors == []
    assert [(s.kind, s.where) for s in result.skipped] == [(kind, "line 3")]


def test_categories_are_noted_not_imported() -> None:
    result = gift.parse("$CATEGORY: $course$/top/Week 1\n\nQ?{=a ~b}\n")
    assert result.notes == ["line 1: category $course$/top/Week 1 (not imported)"]
    assert len(result.questions) == 1


@pytest.mark.parametrize(
    ("source", "where", "message"),
    [
        ("Q?{=a ~b}\n\n::Title\nQ?{=a ~b}", "line 3", "title"),
        ("Q?{=a ~b}\n\nQuestion\nstill {=a\n~b", "line 4", "never closed"),
        ("Q?{=a ~b}\n\nQ?{~a ~b}", "line 3", "no answer is marked correct"),
        ("Q?{=a ~b}\n\nQ?{\n=a\n~#only feedback\n}", "line 5", "answer 2 has no text"),
        ("Q?{=a ~b}\n\nQ?{ stray =a ~b}", "line 3", "must start with = (right) or ~"),
    ],
)
def test_errors_name_the_line(source: str, where: str, message: str) -> None:
    result = gift.parse(source)
    assert len(result.questions) == 1
    assert [error.where for error in result.errors] == [where]
    assert message in result.errors[0].message


def test_escape_and_parse_agree_on_every_special_character() -> None:
    text = "a~b=c#d{e}f:g\\h\nnew line"
    assert gift.unescape(gift.escape(text)) == text
    assert "\n" not in gift.escape(text)

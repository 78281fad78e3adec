"""Importing into a quiz: new questions are appended, matching ones updated, all or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz import services
from quiz.interchange import gift, moodle_xml
from quiz.interchange.formats import FORMATS
from quiz.interchange.services import (
    Action,
    ImportRefused,
    export_questions,
    import_questions,
    plan_import,
)
from quiz.models import Question, Quiz
from tests import factories

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "moodle-async-bank.xml"


def test_new_questions_are_appended_after_the_existing_ones(practice_quiz: Quiz) -> None:
    before = practice_quiz.questions.count()
    plan = import_questions(
        quiz=practice_quiz, parsed=moodle_xml.parse(FIXTURE.read_text(encoding="utf-8"))
    )
    assert len(plan.of(Action.CREATE)) == 2
    assert len(plan.skipped) == 2
    added = list(practice_quiz.questions.filter(order__gt=before).order_by("order"))
    assert [q.order for q in added] == [before + 1, before + 2]
    assert added[0].prompt == "What does this program print?\n\nPick one answer."
    assert added[0].difficulty == "medium"  # Moodle carries none: the default
    assert added[0].code_html  # highlighted on save, as an authored one
    assert added[0].correct_choice.text == "done & dusted"


def test_a_question_with_the_same_prompt_and_code_is_updated_in_place(practice_quiz: Quiz) -> None:
    first = practice_quiz.questions.order_by("order").first()
    source = export_questions(quiz=practice_quiz, file_format=FORMATS["gift"])
    edited = source.replace("// hint: Remember\\: ASGI", "// hint: Now\\: ASGI", 1)
    parsed = gift.parse(edited.replace("~WSGI is faster than ASGI in all cases.", "~Faster?", 1))

    plan = plan_import(quiz=practice_quiz, parsed=parsed)
    (changed,) = plan.of(Action.CHANGE)
    assert changed.existing == first
    assert changed.changed_fields == ("hint", "choices")
    assert len(plan.of(Action.UNCHANGED)) == practice_quiz.questions.count() - 1

    import_questions(quiz=practice_quiz, parsed=parsed)
    first.refresh_from_db()
    assert first.hint.startswith("Now: ASGI")
    assert first.choices.order_by("order").first().text == "Faster?"
    assert practice_quiz.questions.count() == 5  # nothing appended


def test_matching_ignores_whitespace_but_not_case(practice_quiz: Quiz) -> None:
    prompt = practice_quiz.questions.order_by("order").first().prompt
    spaced = gift.parse(f"{gift.escape('  ' + prompt.replace(' ', '   '))}{{=a ~b}}")
    shouted = gift.parse(f"{gift.escape(prompt.upper())}{{=a ~b}}")
    assert plan_import(quiz=practice_quiz, parsed=spaced).items[0].action == Action.CHANGE
    assert plan_import(quiz=practice_quiz, parsed=shouted).items[0].action == Action.CREATE


def test_fields_a_format_does_not_carry_are_kept_on_update(practice_quiz: Quiz) -> None:
    first = practice_quiz.questions.order_by("order").first()
    mistakes = first.common_mistakes
    xml = export_questions(quiz=practice_quiz, file_format=FORMATS["xml"])
    import_questions(quiz=practice_quiz, parsed=moodle_xml.parse(xml))
    first.refresh_from_db()
    assert first.common_mistakes == mistakes != ""


def test_one_invalid_question_saves_nothing(practice_quiz: Quiz) -> None:
    before = list(Question.objects.values_list("pk", "prompt", "hint"))
    parsed = gift.parse(
        "New and fine?{=a ~b}\n\n"
        "// hint: changed\n" + gift.escape(practice_quiz.questions.first().prompt) + "{=a ~b}\n\n"
        "// difficulty: impossible\nBroken?{=a ~b}\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_questions(quiz=practice_quiz, parsed=parsed)
    assert [str(p) for p in refused.value.plan.errors] == [
        "line 7: unknown difficulty 'impossible'; known: easy, medium, hard."
    ]
    assert list(Question.objects.values_list("pk", "prompt", "hint")) == before


def test_parse_errors_and_duplicates_refuse_the_import(practice_quiz: Quiz) -> None:
    parsed = gift.parse("Twice?{=a ~b}\n\nTwice?{=c ~d}\n\nNo right?{~a ~b}\n")
    plan = plan_import(quiz=practice_quiz, parsed=parsed)
    assert not plan.ok
    assert sorted(str(p) for p in plan.errors) == [
        "line 3: the same question as at line 1.",
        "line 5: no answer is marked correct with =.",
    ]


def test_overlong_fields_are_errors_before_the_database_sees_them(practice_quiz: Quiz) -> None:
    parsed = gift.parse(f"Long?{{={'x' * 501} ~b}}")
    plan = plan_import(quiz=practice_quiz, parsed=parsed)
    assert [str(p) for p in plan.errors] == ["line 1: option 1 is longer than 500 characters."]


def test_a_file_with_nothing_to_import_is_refused(practice_quiz: Quiz) -> None:
    plan = plan_import(quiz=practice_quiz, parsed=gift.parse("Essay.{}\n"))
    assert [str(p) for p in plan.errors] == ["the file: no multiple-choice question to import."]
    assert [s.kind for s in plan.skipped] == ["essay"]


def test_options_students_answered_are_never_removed(practice_quiz: Quiz) -> None:
    first = practice_quiz.questions.order_by("order").first()
    attempt = services.start_attempt(
        quiz=practice_quiz, session_key=factories.new_session_key(), user=None
    )
    last = first.choices.order_by("order").last()
    factories.answer(attempt, first, last)
    parsed = gift.parse(f"{gift.escape(first.prompt)}{{=one ~two}}")
    with pytest.raises(ImportRefused, match="options answered by students would be removed"):
        import_questions(quiz=practice_quiz, parsed=parsed)
    assert first.choices.count() == 4


def test_unanswered_options_the_file_drops_are_deleted(practice_quiz: Quiz) -> None:
    first = practice_quiz.questions.order_by("order").first()
    import_questions(quiz=practice_quiz, parsed=gift.parse(f"{gift.escape(first.prompt)}{{~x =y}}"))
    assert [(c.text, c.is_correct) for c in first.choices.order_by("order")] == [
        ("x", False),
        ("y", True),
    ]

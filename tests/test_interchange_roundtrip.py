"""An export imported again gives the same questions, in every format.

Two ways: the seed quizzes through the database (export, import into an empty quiz,
compare field by field), and generated questions through each writer and reader
(hypothesis), with GIFT's special characters, Unicode and code samples.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.interchange.formats import FORMATS
from quiz.interchange.model import ParsedOption, ParsedQuestion
from quiz.interchange.services import Action, export_questions, import_questions
from quiz.models import Question, Quiz

FIELDS = ["prompt", "code", "language", "difficulty", "hint", "solution_steps",
          "final_answer", "quick_check", "common_mistakes"]  # fmt: skip
# What a format cannot carry keeps the model's default on a new question.
NOT_CARRIED = {"xml": {"common_mistakes"}}


def snapshot(question: Question, skip: set[str]) -> dict[str, object]:
    fields = {name: getattr(question, name) for name in FIELDS if name not in skip}
    fields["choices"] = [
        (c.order, c.text, c.is_correct, c.feedback) for c in question.choices.order_by("order")
    ]
    return fields


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("slug", ["asgi-vs-wsgi-practice", "asgi-vs-wsgi-performance"])
def test_a_seed_quiz_exported_and_imported_into_an_empty_quiz_is_the_same(
    seeded: None, name: str, slug: str
) -> None:
    source = Quiz.objects.get(slug=slug)
    empty = Quiz.objects.create(lesson=source.lesson, slug="copy", title="Copy")
    text = export_questions(quiz=source, file_format=FORMATS[name])

    plan = import_questions(quiz=empty, parsed=FORMATS[name].parse(text))

    assert len(plan.of(Action.CREATE)) == source.questions.count()
    skip = NOT_CARRIED.get(name, set())
    originals = [snapshot(q, skip) for q in source.questions.order_by("order")]
    copies = [snapshot(q, skip) for q in empty.questions.order_by("order")]
    assert copies == originals


@pytest.mark.parametrize("name", list(FORMATS))
def test_importing_an_export_into_its_own_quiz_changes_nothing(
    practice_quiz: Quiz, name: str
) -> None:
    text = export_questions(quiz=practice_quiz, file_format=FORMATS[name])
    plan = import_questions(quiz=practice_quiz, parsed=FORMATS[name].parse(text))
    assert {item.action for item in plan.items} == {Action.UNCHANGED}


# Words with every GIFT special, backslashes, markup characters and non-ASCII letters.
ALPHABET = st.sampled_from(list("abcXYZ019~=#{}:\\<>&\"'[]/-_.é日🐍ß"))
WORD = st.text(ALPHABET, min_size=1, max_size=8)
LINE = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
PARAGRAPHS = st.lists(LINE, min_size=1, max_size=3).map("\n\n".join)
CODE_LINE = st.text(st.sampled_from(list("ab(){}=:#~ \"'\\é")), max_size=12).map(str.rstrip)
CODE = st.lists(CODE_LINE, min_size=1, max_size=4).map("\n".join).map(str.strip)
STEPS = st.lists(st.tuples(LINE, LINE), max_size=2).map(
    lambda steps: "\n\n".join(f"Step {title}\n{text}" for title, text in steps)
)


@st.composite
def questions(draw: st.DrawFn) -> ParsedQuestion:
    count = draw(st.integers(min_value=2, max_value=5))
    right = draw(st.integers(min_value=0, max_value=count - 1))
    options = tuple(
        ParsedOption(
            text=draw(LINE),
            correct=index == right,
            feedback="" if index == right else draw(st.one_of(st.just(""), LINE)),
        )
        for index in range(count)
    )
    code = draw(st.one_of(st.just(""), CODE))
    return ParsedQuestion(
        where="",
        prompt=draw(PARAGRAPHS),
        code=code,
        language="python" if code else "",
        options=options,
        difficulty=draw(st.sampled_from(["easy", "medium", "hard"])),
        hint=draw(st.one_of(st.just(""), LINE)),
        solution_steps=draw(STEPS),
        final_answer=draw(st.one_of(st.just(""), LINE)),
        quick_check=draw(st.one_of(st.just(""), LINE)),
        common_mistakes=tuple(draw(st.lists(LINE, max_size=2))),
    )


def carried(question: ParsedQuestion, name: str) -> dict[str, object]:
    """The fields a format carries; an empty one may be written as nothing at all
    (GIFT writes no `// hint:` line for no hint)."""
    skip = NOT_CARRIED.get(name, set())
    fields: dict[str, object] = {
        field: value for field, value in question.fields().items() if value and field not in skip
    }
    fields["options"] = question.options
    return fields


@pytest.mark.parametrize("name", list(FORMATS))
@settings(max_examples=60, deadline=None)
@given(original=st.lists(questions(), min_size=1, max_size=3))
def test_generated_questions_survive_writing_and_reading(
    name: str, original: list[ParsedQuestion]
) -> None:
    chosen = FORMATS[name]
    quiz = Quiz(slug="generated", title="Generated: ~={}#")
    result = chosen.parse(chosen.write(quiz, original))
    assert result.errors == []
    assert result.skipped == []
    assert [carried(q, name) for q in result.questions] == [carried(q, name) for q in original]

"""`manage.py load_content` is safe to run again and never loses students' history."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command

from quiz.models import Attempt, Choice, Question, Quiz, Response

pytestmark = pytest.mark.django_db

SEED_FILE = Path(__file__).resolve().parent.parent / "content" / "asgi-vs-wsgi.yaml"
PRACTICE = "asgi-vs-wsgi-practice"


def row_counts() -> dict[str, int]:
    """How many rows every model of the lessons and quiz apps holds."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("lessons", "quiz")
        for model in apps.get_app_config(app).get_models()
    }


def seed_data() -> dict[str, Any]:
    return yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))


def seed_question(data: dict[str, Any], quiz_slug: str, number: int) -> dict[str, Any]:
    quiz = next(quiz for quiz in data["quizzes"] if quiz["slug"] == quiz_slug)
    return quiz["questions"][number - 1]


def write_copy(data: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "asgi-vs-wsgi.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def mark_only_correct(question: dict[str, Any], position: int) -> None:
    for index, choice in enumerate(question["choices"]):
        choice["correct"] = index == position


def correct_order(quiz_slug: str, number: int) -> list[int]:
    return list(
        Choice.objects.filter(
            question__quiz__slug=quiz_slug, question__order=number, is_correct=True
        ).values_list("order", flat=True)
    )


@pytest.fixture
def answered(practice_quiz: Quiz, session_key: str) -> Response:
    """A finished answer to practice question 1 (option D, correct in the seed)."""
    attempt = Attempt.objects.create(quiz=practice_quiz, session_key=session_key)
    question = practice_quiz.questions.get(order=1)
    choice = question.choices.get(order=4)
    return Response.objects.create(
        attempt=attempt,
        question=question,
        choice=choice,
        is_correct=True,
        score=1,
        time_taken_ms=2000,
    )


def test_loading_the_seed_into_an_empty_database_creates_the_lesson_and_quizzes(db: None) -> None:
    out = StringIO()

    call_command("load_content", stdout=out, verbosity=0)

    counts = row_counts()
    assert counts["lessons.Lesson"] == 1
    assert counts["lessons.Section"] == 8
    assert counts["quiz.Quiz"] == 2
    assert counts["quiz.Question"] == 8
    assert counts["quiz.Choice"] == 32
    assert "asgi-vs-wsgi.yaml: created" in out.getvalue()


def test_loading_twice_creates_nothing_new(seeded: None) -> None:
    before = row_counts()
    out = StringIO()

    call_command("load_content", stdout=out, verbosity=0)

    assert row_counts() == before
    assert "asgi-vs-wsgi.yaml: up to date" in out.getvalue()


def test_loading_again_keeps_the_same_rows_rather_than_replacing_them(seeded: None) -> None:
    ids_before = set(Choice.objects.values_list("pk", flat=True))
    question_ids_before = set(Question.objects.values_list("pk", flat=True))

    call_command("load_content", verbosity=0)

    assert set(Choice.objects.values_list("pk", flat=True)) == ids_before
    assert set(Question.objects.values_list("pk", flat=True)) == question_ids_before


def test_loading_again_never_deletes_attempts_or_responses(answered: Response) -> None:
    call_command("load_content", verbosity=0)

    answered.refresh_from_db()
    assert Attempt.objects.filter(pk=answered.attempt_id).exists()
    assert answered.choice.text == (
        "WSGI handles synchronous requests, ASGI supports asynchronous and real-time features."
    )
    assert answered.is_correct


def test_a_file_that_drops_an_answered_question_leaves_it_and_its_responses(
    practice_quiz: Quiz, session_key: str, tmp_path: Path
) -> None:
    last = practice_quiz.questions.get(order=5)
    response = Response.objects.create(
        attempt=Attempt.objects.create(quiz=practice_quiz, session_key=session_key),
        question=last,
        choice=last.choices.get(order=1),
        is_correct=True,
        score=1,
        time_taken_ms=2000,
    )
    data = seed_data()
    practice = next(quiz for quiz in data["quizzes"] if quiz["slug"] == PRACTICE)
    practice["questions"].pop()  # question 5 is no longer in the file
    before = row_counts()

    call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)

    assert row_counts() == before
    assert Response.objects.filter(pk=response.pk, choice__order=1).exists()
    assert practice_quiz.questions.filter(pk=last.pk, order=5).exists()


def test_moving_the_correct_mark_in_the_file_moves_it_in_the_database(
    seeded: None, tmp_path: Path
) -> None:
    data = seed_data()
    mark_only_correct(seed_question(data, PRACTICE, 1), position=0)  # D -> A
    assert correct_order(PRACTICE, 1) == [4]

    call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)

    assert correct_order(PRACTICE, 1) == [1]
    question = Question.objects.get(quiz__slug=PRACTICE, order=1)
    assert question.choices.count() == 4


def test_moving_the_correct_mark_keeps_an_existing_answer_and_its_choice(
    answered: Response, tmp_path: Path
) -> None:
    data = seed_data()
    mark_only_correct(seed_question(data, PRACTICE, 1), position=1)  # D -> B

    call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)

    assert correct_order(PRACTICE, 1) == [2]
    answered.refresh_from_db()
    assert answered.choice.order == 4
    assert Response.objects.count() == 1


def test_moving_the_correct_mark_back_and_forth_never_breaks_the_one_correct_rule(
    seeded: None, tmp_path: Path
) -> None:
    for position in (0, 3, 2, 3):
        data = seed_data()
        mark_only_correct(seed_question(data, PRACTICE, 2), position=position)

        call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)

        assert correct_order(PRACTICE, 2) == [position + 1]


def test_a_file_with_two_correct_choices_is_refused_with_a_command_error(
    seeded: None, tmp_path: Path
) -> None:
    data = seed_data()
    question = seed_question(data, PRACTICE, 3)
    question["choices"][0]["correct"] = True  # B stays correct too

    with pytest.raises(CommandError, match="Mark exactly one option as correct"):
        call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)


def test_a_file_with_no_correct_choice_is_refused_with_a_command_error(
    seeded: None, tmp_path: Path
) -> None:
    data = seed_data()
    for choice in seed_question(data, PRACTICE, 3)["choices"]:
        choice["correct"] = False

    with pytest.raises(CommandError, match="Mark exactly one option as correct"):
        call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)


def test_a_refused_file_changes_nothing(seeded: None, tmp_path: Path) -> None:
    before = row_counts()
    data = seed_data()
    data["lesson"]["title"] = "Renamed by a broken file"
    seed_question(data, PRACTICE, 1)["prompt"] = "Changed by a broken file"
    seed_question(data, PRACTICE, 5)["choices"][1]["correct"] = True

    with pytest.raises(CommandError):
        call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)

    assert row_counts() == before
    assert Quiz.objects.get(slug=PRACTICE).lesson.title == (
        "ASGI vs WSGI in Django - Performance Comparison"
    )
    assert Question.objects.get(quiz__slug=PRACTICE, order=1).prompt == (
        "What is the main difference between WSGI and ASGI in Django?"
    )


def test_a_missing_file_is_reported_as_a_command_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("load_content", str(tmp_path / "nowhere.yaml"), verbosity=0)


def test_a_file_without_a_lesson_is_reported_as_a_command_error(db: None, tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("quizzes: []\n", encoding="utf-8")

    with pytest.raises(CommandError, match="lesson"):
        call_command("load_content", str(path), verbosity=0)


def test_the_comparison_section_ends_with_the_lab_its_file_names(seeded: None) -> None:
    from lessons.models import Section

    labs = dict(Section.objects.values_list("heading", "lab"))

    assert labs.pop("Performance Comparison") == Section.Lab.CONCURRENCY
    assert set(labs.values()) == {""}


def test_taking_the_lab_out_of_the_file_takes_it_off_the_section(
    seeded: None, tmp_path: Path
) -> None:
    from lessons.models import Section

    data = seed_data()
    for section in data["lesson"]["sections"]:
        section.pop("lab", None)

    call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)

    assert not Section.objects.exclude(lab="").exists()


def test_a_file_naming_an_unknown_lab_is_refused_and_changes_nothing(
    seeded: None, tmp_path: Path
) -> None:
    from lessons.models import Section

    data = seed_data()
    data["lesson"]["sections"][0]["lab"] = "fusion-reactor"

    with pytest.raises(CommandError, match="unknown lab 'fusion-reactor'; known: concurrency"):
        call_command("load_content", str(write_copy(data, tmp_path)), verbosity=0)

    assert Section.objects.get(order=1).lab == ""

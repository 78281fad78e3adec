"""`manage.py import_questions` and `export_questions`: previews, files, clear failures."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quiz.models import Question, Quiz

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "moodle-async-bank.xml"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_prints_the_preview_and_saves_nothing(practice_quiz: Quiz) -> None:
    out, _ = run("import_questions", str(FIXTURE), "--quiz", practice_quiz.slug, "--dry-run")
    assert '   create  <question type="multichoice"> #2 (Awaiting a coroutine)' in out
    assert '     skip  <question type="essay"> #4 (Explain the event loop): essay' in out
    assert "2 to create, 0 to change, 0 unchanged, 2 skipped" in out
    assert practice_quiz.questions.count() == 5


def test_an_import_saves_and_says_what_it_did(practice_quiz: Quiz) -> None:
    out, _ = run("import_questions", str(FIXTURE), "--quiz", practice_quiz.slug)
    assert "Imported into asgi-vs-wsgi-practice: 2 to create" in out
    assert practice_quiz.questions.count() == 7


def test_a_file_with_errors_fails_and_saves_nothing(practice_quiz: Quiz, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gift.txt"
    broken.write_text("Fine?{=a ~b}\n\nNo right answer?{~a ~b}\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match=r"nothing saved\. 1 errors: line 3: no answer"):
        call_command(
            "import_questions", str(broken), "--quiz", practice_quiz.slug, stdout=StringIO(),
            stderr=err,
        )  # fmt: skip
    assert "line 3: no answer is marked correct with =." in err.getvalue()
    assert practice_quiz.questions.count() == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quiz", "nope"], "no quiz with the slug 'nope'"),
        (["--quiz", "asgi-vs-wsgi-practice", "--format", "gift"], "no multiple-choice question"),
    ],
)
def test_clear_errors_for_an_unknown_quiz_or_a_wrong_format(
    seeded: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("import_questions", str(FIXTURE), *args)


def test_an_unreadable_file_is_a_clear_error(seeded: None, tmp_path: Path) -> None:
    latin = tmp_path / "latin.gift"
    latin.write_bytes("Caf\xe9?{=a ~b}".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("import_questions", str(latin), "--quiz", "asgi-vs-wsgi-practice")
    with pytest.raises(CommandError, match="cannot tell the format"):
        run("import_questions", str(tmp_path / "bank.docx"), "--quiz", "asgi-vs-wsgi-practice")


@pytest.mark.parametrize("name", ["gift", "xml", "yaml"])
def test_an_export_goes_to_stdout(practice_quiz: Quiz, name: str) -> None:
    out, _ = run("export_questions", practice_quiz.slug, "--format", name)
    first = practice_quiz.questions.order_by("order").first()
    assert first.choices.get(is_correct=True).text in out


def test_an_export_to_a_file_imports_again_unchanged(practice_quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "practice.gift.txt"
    _, err = run(
        "export_questions", practice_quiz.slug, "--format", "gift", "--output", str(target)
    )
    assert f"Wrote 5 questions to {target}" in err
    out, _ = run("import_questions", str(target), "--quiz", practice_quiz.slug)
    assert "0 to create, 0 to change, 5 unchanged" in out
    assert Question.objects.filter(quiz=practice_quiz).count() == 5


def test_exporting_an_unknown_quiz_fails(seeded: None) -> None:
    with pytest.raises(CommandError, match="no quiz with the slug"):
        run("export_questions", "nope", "--format", "xml")

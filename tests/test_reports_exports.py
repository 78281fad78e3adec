"""The CSV downloads: what a spreadsheet user gets, streamed, with formulas defused."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from live.models import Player
from quiz.models import Choice, Quiz
from reports.exports import safe_cell
from tests.factories import (
    finished_attempt,
    ordered_questions,
    played_session,
    signed_in,
    wrong_choice,
)

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def download(user: User, url: str, **params: str) -> list[list[str]]:
    response: Any = signed_in(user).get(url, params)
    assert response.status_code == 200
    assert response.streaming  # never built whole in memory
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert safe_cell(text) == f"'{text}"


def test_harmless_cells_and_numbers_are_left_alone() -> None:
    assert safe_cell("Ada") == "Ada"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(-0.25) == -0.25
    assert safe_cell(None) is None


def test_every_response_is_a_row_with_who_when_what_and_how(test_quiz: Quiz, teacher: User) -> None:
    student = User.objects.create_user("student1")
    attempt = finished_attempt(test_quiz, [True, False, True], user=student)
    anonymous = finished_attempt(test_quiz, [False])
    played_session(test_quiz, teacher, {"Ada": [True, None, False]})

    rows = download(teacher, reverse("reports:responses_csv", args=[test_quiz.slug]))
    header, body = rows[0], rows[1:]
    assert header == ["source", "who", "attempt", "answered at", "quiz", "question", "prompt",
                      "option", "option text", "correct", "time (s)", "hint used"]  # fmt: skip
    assert len(body) == 3 + 3 + 2
    first = dict(zip(header, body[0], strict=True))
    q1 = ordered_questions(test_quiz)[0]
    correct = q1.choices.get(is_correct=True)
    assert first["source"] == "self-paced"
    assert (first["who"], first["attempt"]) == ("student1", str(attempt.pk)[:8])
    assert datetime.fromisoformat(first["answered at"]).tzinfo is not None
    assert (first["question"], first["prompt"]) == ("1", q1.prompt)
    assert first["option text"] == correct.text
    assert first["option"] == "ABCD"[list(q1.choices.all()).index(correct)]
    assert (first["correct"], first["hint used"]) == ("yes", "no")
    float(first["time (s)"])
    assert [row[1] for row in body[3:6]] == ["anonymous"] * 3
    assert body[3][2] == str(anonymous.pk)[:8]
    live = [dict(zip(header, row, strict=True)) for row in body[6:]]
    assert [(r["source"], r["who"], r["question"], r["correct"]) for r in live] == [
        ("live", "Ada", "1", "yes"),
        ("live", "Ada", "3", "no"),
    ]
    assert live[0]["hint used"] == "n/a"

    only_live = download(
        teacher, reverse("reports:responses_csv", args=[test_quiz.slug]), source="live"
    )
    assert len(only_live) == 1 + 2


def test_hostile_nicknames_and_option_texts_arrive_as_text(test_quiz: Quiz, teacher: User) -> None:
    question = ordered_questions(test_quiz)[0]
    Choice.objects.filter(pk=wrong_choice(question).pk).update(text="=1+1", feedback="@cmd")
    nicknames = ["=cmd|' /C calc'!A0", "+Bob", "-Cy", "@Dee"]
    session = played_session(test_quiz, teacher, {name: [False] for name in nicknames})
    assert sorted(Player.objects.values_list("nickname", flat=True)) == sorted(nicknames)

    results = download(teacher, reverse("reports:session_csv", args=[session.pk]))
    assert sorted(row[1] for row in results[1:]) == [
        "'+Bob",
        "'-Cy",
        "'=cmd|' /C calc'!A0",
        "'@Dee",
    ]
    responses = download(teacher, reverse("reports:responses_csv", args=[test_quiz.slug]))
    assert {row[8] for row in responses[1:]} == {"'=1+1"}
    analysis = download(teacher, reverse("reports:analysis_csv", args=[test_quiz.slug]))
    option_texts = {row[9] for row in analysis[1:]}
    feedback = {row[13] for row in analysis[1:]}
    assert "'=1+1" in option_texts
    assert "=1+1" not in option_texts
    assert "'@cmd" in feedback
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in analysis for cell in row)


def test_the_session_results_have_a_row_per_player_and_a_column_pair_per_question(
    test_quiz: Quiz, teacher: User
) -> None:
    session = played_session(
        test_quiz, teacher, {"Ada": [True, True, True], "Bob": [True, None, False]}
    )
    rows = download(teacher, reverse("reports:session_csv", args=[session.pk]))
    assert rows[0] == ["rank", "nickname", "score", "correct", "answered", "average time (s)",
                       "Q1 option", "Q1 correct", "Q2 option", "Q2 correct",
                       "Q3 option", "Q3 correct"]  # fmt: skip
    ada, bob = (dict(zip(rows[0], row, strict=True)) for row in rows[1:])
    assert (ada["rank"], ada["nickname"], ada["correct"], ada["answered"]) == ("1", "Ada", "3", "3")
    assert ada["score"] == str(Player.objects.get(nickname="Ada").score)
    assert (bob["rank"], bob["correct"], bob["answered"]) == ("2", "1", "2")
    assert (bob["Q2 option"], bob["Q2 correct"]) == ("", "")
    assert bob["Q3 correct"] == "no"
    assert bob["Q3 option"] in "ABCD"


def test_the_item_analysis_export_has_a_row_per_option(test_quiz: Quiz, teacher: User) -> None:
    for pattern in ([True, True, True], [True, False, False], [False, False, True]):
        finished_attempt(test_quiz, pattern)
    rows = download(
        teacher,
        reverse("reports:analysis_csv", args=[test_quiz.slug]),
        source="self",
        sort="order",
    )
    header = rows[0]
    options = sum(q.choices.count() for q in ordered_questions(test_quiz))
    assert len(rows) == 1 + options
    first = dict(zip(header, rows[1], strict=True))
    assert (first["question"], first["responses"], first["facility"]) == ("1", "3", "0.667")
    assert first["hint use"] == "0.0"
    picks = [int(dict(zip(header, row, strict=True))["picks"]) for row in rows[1:] if row[0] == "1"]
    assert sum(picks) == 3

"""reports/sessions.py: a live session's report, from a session played through the
services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from live.models import LiveAnswer
from quiz.models import Quiz
from reports.sessions import competition_ranks, session_report
from tests.factories import ordered_questions, played_session

pytestmark = pytest.mark.django_db


def by_number(result: Any) -> dict[int, Any]:
    return {stat.number: stat for stat in result.questions}


def test_the_session_report_ranks_players_and_names_the_fastest(
    test_quiz: Quiz, teacher: User, django_assert_max_num_queries: Any
) -> None:
    session = played_session(
        test_quiz,
        teacher,
        {"Ada": [True, True, True], "Bob": [True, True, False], "Cy": [False, False, None]},
    )
    # The answer times as the class took them (the services read the real clock).
    first = ordered_questions(test_quiz)[0]
    for nickname, ms in (("Ada", 2500), ("Bob", 1200), ("Cy", 900)):
        LiveAnswer.objects.filter(player__nickname=nickname).update(elapsed_ms=ms)

    with django_assert_max_num_queries(10):
        report = session_report(session=session)

    assert [(row.nickname, row.correct, row.answered) for row in report.players] == [
        ("Ada", 3, 3),
        ("Bob", 2, 3),
        ("Cy", 0, 2),
    ]
    assert [row.rank for row in report.players] == [1, 2, 3]
    assert report.players[0].average_ms == 2500
    # Cy was fastest on question 1 but wrong: the fastest correct are Bob, then Ada.
    assert [(f.nickname, f.elapsed_ms) for f in report.fastest[first.pk]] == [
        ("Bob", 1200),
        ("Ada", 2500),
    ]
    stats = by_number(report.analysis)
    assert stats[1].facility == pytest.approx(2 / 3)
    assert stats[3].responses == 2


def test_tied_scores_share_a_rank() -> None:
    assert competition_ranks([900, 900, 500, 0]) == [1, 1, 3, 4]
    assert competition_ranks([]) == []

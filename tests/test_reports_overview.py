"""reports/overview.py: every quiz with its attempts, mean score and hardest question."""

from __future__ import annotations

import pytest

from quiz.models import Quiz
from reports.overview import MIN_RESPONSES_FOR_HARDEST, quiz_overview
from tests.factories import finished_attempt

pytestmark = pytest.mark.django_db

# The worked example of docs/reports.md: rows are attempts A to E.
EXAMPLE = [[True, True, True], [True, True, False], [False, True, False],
           [True, False, False], [False, False, False]]  # fmt: skip


def test_the_overview_names_the_hardest_question_only_with_enough_responses(
    test_quiz: Quiz, practice_quiz: Quiz
) -> None:
    for pattern in EXAMPLE[: MIN_RESPONSES_FOR_HARDEST - 1]:
        finished_attempt(test_quiz, pattern)
    summaries = {s.quiz.slug: s for s in quiz_overview()}
    assert summaries[test_quiz.slug].hardest is None
    assert summaries[test_quiz.slug].attempts == 4

    finished_attempt(test_quiz, EXAMPLE[4])
    summary = {s.quiz.slug: s for s in quiz_overview()}[test_quiz.slug]
    assert summary.hardest is not None
    assert summary.hardest.question.order == 3
    assert summary.hardest.facility == pytest.approx(0.2)
    # 3 + 2 + 1 + 1 + 0 right of 5 attempts, 3 questions each.
    assert summary.mean_score == pytest.approx(7 / 15)
    assert summary.question_count == 3
    untouched = {s.quiz.slug: s for s in quiz_overview()}[practice_quiz.slug]
    assert (untouched.attempts, untouched.mean_score, untouched.hardest) == (0, None, None)

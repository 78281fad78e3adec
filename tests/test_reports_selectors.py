"""reports/selectors.py on answers made through the services: the worked example of
docs/reports.md, played by five students, gives the hand-computed numbers."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.contrib.auth.models import User

from live.models import LiveAnswer, Player
from quiz.models import Quiz
from reports.overview import quiz_overview
from reports.selectors import Sort, Source, item_analysis, sorted_questions
from tests.factories import finished_attempt, ordered_questions, played_session, wrong_choice

pytestmark = pytest.mark.django_db

# The worked example (tests/test_reports_analysis.py): rows are attempts A to E.
EXAMPLE = [[True, True, True], [True, True, False], [False, True, False],
           [True, False, False], [False, False, False]]  # fmt: skip


def by_number(result: Any) -> dict[int, Any]:
    return {stat.number: stat for stat in result.questions}


def test_self_paced_numbers_match_the_worked_example(test_quiz: Quiz) -> None:
    for pattern in EXAMPLE:
        finished_attempt(test_quiz, pattern)

    result = item_analysis(quiz=test_quiz, source=Source.SELF_PACED, sort=Sort.ORDER)

    stats = by_number(result)
    assert result.attempts == 5
    assert [stats[n].facility for n in (1, 2, 3)] == pytest.approx([0.6, 0.6, 0.2])
    assert stats[1].discrimination == pytest.approx(3 / math.sqrt(84))
    assert stats[3].discrimination == pytest.approx(4 / math.sqrt(56))
    # Q1's options: three picked the correct one, two the first wrong one.
    q1 = {option.letter: option for option in stats[1].options}
    correct = next(o for o in q1.values() if o.is_correct)
    wrong = wrong_choice(ordered_questions(test_quiz)[0])
    assert (correct.count, correct.share) == (3, pytest.approx(0.6))
    picked_wrong = next(o for o in q1.values() if o.text == wrong.text)
    assert (picked_wrong.count, picked_wrong.feedback) == (2, wrong.feedback)
    assert sum(o.count for o in q1.values()) == 5
    assert stats[1].hint_share == 0
    assert stats[1].average_ms is not None


def test_unfinished_attempts_are_left_out(test_quiz: Quiz) -> None:
    finished_attempt(test_quiz, [True, True, True])
    from quiz import services
    from tests.factories import answer, correct_choice, new_session_key

    unfinished = services.start_attempt(quiz=test_quiz, session_key=new_session_key(), user=None)
    first = ordered_questions(test_quiz)[0]
    answer(unfinished, first, correct_choice(first))

    result = item_analysis(quiz=test_quiz, source=Source.SELF_PACED)
    assert result.attempts == 1
    assert by_number(result)[1].responses == 1


def test_hardest_first_with_ties_broken_by_discrimination_then_the_quiz_order(
    test_quiz: Quiz,
) -> None:
    for pattern in EXAMPLE:
        finished_attempt(test_quiz, pattern)
    hardest = item_analysis(quiz=test_quiz, source=Source.SELF_PACED, sort=Sort.HARDEST)
    stats = by_number(hardest)
    # Q3 is hardest (0.2); Q1 and Q2 tie on 0.6 and on their index (3/sqrt(84) each).
    assert stats[1].discrimination == pytest.approx(stats[2].discrimination)
    assert [s.number for s in hardest.questions] == [3, 1, 2]
    # Least discriminating first: Q1 and Q2 (0.33, in quiz order), then Q3 (0.53).
    weakest = sorted_questions(reversed(hardest.questions), Sort.DISCRIMINATION)
    assert [s.number for s in weakest] == [1, 2, 3]
    ordered = item_analysis(quiz=test_quiz, source=Source.SELF_PACED, sort=Sort.ORDER)
    assert [s.number for s in ordered.questions] == [1, 2, 3]


def test_questions_nobody_answered_sort_last_and_read_as_empty(test_quiz: Quiz) -> None:
    result = item_analysis(quiz=test_quiz)
    assert [s.number for s in result.questions] == [1, 2, 3]
    assert all(s.facility is None and s.discrimination is None for s in result.questions)
    assert all(o.share is None for s in result.questions for o in s.options)


def test_live_answers_count_per_player_and_have_no_hints(test_quiz: Quiz, teacher: User) -> None:
    played_session(
        test_quiz,
        teacher,
        {"Ada": [True, True, True], "Bob": [True, False, None], "Cy": [False, False, False]},
    )
    result = item_analysis(quiz=test_quiz, source=Source.LIVE, sort=Sort.ORDER)
    stats = by_number(result)
    assert result.players == 3
    assert [stats[n].responses for n in (1, 2, 3)] == [3, 3, 2]
    assert stats[1].facility == pytest.approx(2 / 3)
    assert stats[3].facility == pytest.approx(0.5)
    assert not stats[1].hints_recorded
    assert stats[1].hint_share is None


def test_combined_adds_both_sources(test_quiz: Quiz, teacher: User) -> None:
    for pattern in EXAMPLE[:3]:
        finished_attempt(test_quiz, pattern)
    played_session(test_quiz, teacher, {"Dee": EXAMPLE[3], "Eve": EXAMPLE[4]})

    combined = by_number(item_analysis(quiz=test_quiz, source=Source.ALL))
    assert combined[1].responses == 5
    assert combined[1].discrimination == pytest.approx(3 / math.sqrt(84))
    # Hints are counted over the self-paced responses that record them.
    assert (combined[1].moments.hints, combined[1].moments.hint_responses) == (0, 3)


def test_hint_use_is_the_share_of_self_paced_responses_given_after_the_hint(
    practice_quiz: Quiz,
) -> None:
    # Hints are offered in practice mode only.
    finished_attempt(practice_quiz, [True, True, True], hinted=(0,))
    finished_attempt(practice_quiz, [False, True, True], hinted=(0, 1))
    finished_attempt(practice_quiz, [True, True, True])
    stats = by_number(item_analysis(quiz=practice_quiz, source=Source.SELF_PACED))
    assert stats[1].hint_share == pytest.approx(2 / 3)
    assert stats[2].hint_share == pytest.approx(1 / 3)
    assert stats[3].hint_share == 0


def test_open_sessions_and_kicked_players_are_left_out_of_the_quiz_analysis(
    test_quiz: Quiz, teacher: User
) -> None:
    played_session(test_quiz, teacher, {"Ada": [True, True, True]}, end=False)
    assert item_analysis(quiz=test_quiz, source=Source.LIVE).players == 1  # at the podium
    LiveAnswer.objects.all().delete()
    Player.objects.all().delete()
    from live.models import LiveSession

    LiveSession.objects.all().update(state=LiveSession.State.QUESTION, ended_at=None)
    session = LiveSession.objects.get()
    from tests.factories import join

    join(session, "Late")
    assert item_analysis(quiz=test_quiz, source=Source.LIVE).players == 0


def test_a_fixed_number_of_queries_however_many_answers(
    test_quiz: Quiz, teacher: User, django_assert_max_num_queries: Any
) -> None:
    def queries(attempts: int) -> int:
        for _ in range(attempts):
            finished_attempt(test_quiz, [True, False, True])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            item_analysis(quiz=test_quiz, source=Source.ALL)
        return len(captured)

    few, many = queries(2), queries(20)
    assert few == many
    with django_assert_max_num_queries(8):
        item_analysis(quiz=test_quiz, source=Source.ALL)
    with django_assert_max_num_queries(6):
        quiz_overview()


def test_a_learning_modes_drawn_run_is_not_counted_in_the_quizs_analysis(
    practice_quiz: Quiz,
) -> None:
    from learning import services as learning_services
    from learning.models import ModeQuiz
    from learning.owners import Learner
    from quiz import services as quiz_services
    from tests.factories import answer, new_session_key

    finished_attempt(practice_quiz, [True, False, True, True, True])
    visitor = Learner(user=None, session_key=new_session_key())
    run = learning_services.start_mode(
        lesson=practice_quiz.lesson, kind=ModeQuiz.Kind.PATTERN, learner=visitor
    )
    # The pattern test's total spans both of the lesson's quizzes: it would skew the index.
    for question in quiz_services.questions_for(run):
        answer(run, question, wrong_choice(question))

    result = item_analysis(quiz=practice_quiz, source=Source.SELF_PACED, sort=Sort.ORDER)
    assert [stat.moments.responses for stat in result.questions] == [1] * 5
    assert run.quiz.title not in [summary.quiz.title for summary in quiz_overview()]

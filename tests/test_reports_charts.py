"""reports/charts.py: a bar's length is its share, its words are the same numbers."""

from __future__ import annotations

from quiz.models import Question
from reports.analysis import Moments
from reports.charts import (
    BAR_SPACE,
    CHAR_WIDTH,
    LABEL_WIDTH,
    facility_bars,
    option_bars,
    percent,
)
from reports.selectors import OptionStat, QuestionStat


def stat(number: int, right: int, of: int) -> QuestionStat:
    """Nobody scored anything elsewhere: no discrimination index, no weak flag."""
    question = Question(order=number, prompt=f"Question {number}")
    options = [
        OptionStat("A", "yes", True, "", right, right / of if of else None),
        OptionStat("B", "no", False, "Thinks no", of - right, (of - right) / of if of else None),
    ]
    return QuestionStat(
        question=question,
        moments=Moments.of([(1, 1)] * right + [(0, 0)] * (of - right)),
        options=options,
    )


def test_a_bar_is_as_long_as_its_share_and_its_value_follows_it() -> None:
    chart = option_bars(stat(1, right=1, of=4))
    a, b = chart.bars
    space = a.space  # narrower than BAR_SPACE: ", correct" needs room beside a full bar
    assert space == b.space < BAR_SPACE
    assert (a.width, b.width) == (f"{space * 0.25:.2f}", f"{space * 0.75:.2f}")
    assert a.value_x == f"{LABEL_WIDTH + space * 0.25 + 1.5:.2f}"
    assert (a.tone, b.tone) == ("bar-correct", "bar-wrong")
    assert (
        chart.description
        == "Question 1: share of responses per option: A 25% (1), correct; B 75% (3)"
    )
    assert chart.height == "16.00"


def test_a_weak_discriminator_is_marked_in_words_as_well_as_in_amber() -> None:
    weak = QuestionStat(
        question=Question(order=4, prompt="?"),
        moments=Moments.of([(0, 2), (0, 2), (1, 1), (1, 1)]),  # index -1
        options=[],
    )
    (bar,) = facility_bars([weak]).bars
    assert (bar.value, bar.tone) == ("50%, weak DI", "bar-weak")


def test_the_facility_chart_reads_n_a_for_a_question_nobody_answered() -> None:
    chart = facility_bars([stat(2, right=3, of=4), stat(1, right=0, of=0)])
    assert [(b.label, b.value, b.width) for b in chart.bars] == [
        ("Q2", "75%", f"{BAR_SPACE * 0.75:.2f}"),
        ("Q1", "n/a", "0.00"),
    ]
    assert percent(None) == "n/a"
    assert percent(0.666) == "67%"


def test_a_full_bars_value_still_fits_in_the_chart() -> None:
    (everybody,) = option_bars(stat(3, right=120, of=120)).bars[:1]
    assert everybody.value == "100% (120), correct"
    end_of_text = float(everybody.value_x) + len(everybody.value) * CHAR_WIDTH
    assert end_of_text <= 100
    short = facility_bars([stat(1, right=1, of=2)]).bars[0]
    assert short.space == BAR_SPACE  # short values keep the long bars

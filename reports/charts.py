"""Bar charts drawn as SVG by the templates (templates/reports/partials/bar_chart.html).

Only geometry here, in the chart's own units (a 100-unit-wide viewBox scaled by CSS),
as strings: the template writes them into presentation attributes, which the strict
CSP allows where a style attribute would not be. The same numbers are in a table
beside each chart for screen readers; the chart's title lists them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from reports.selectors import QuestionStat

LABEL_WIDTH = 12.0
BAR_SPACE = 62.0  # what a 100% bar spans at most, leaving room for its value on the right
VALUE_GAP = 1.5
# A character of the value's text at its font size (3.6 units, .report-chart text in
# site.css), a little wide for safety: a full bar's value must fit in the viewBox.
CHAR_WIDTH = 2.1
ROW = 8.0
BAR = 5.5


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # as read: "40%", "n/a"
    tone: str  # a CSS class: which fill
    index: int
    fraction: float | None
    space: float = BAR_SPACE  # what a 100% bar spans in its chart (bar_space)

    @property
    def y(self) -> str:
        return f"{self.index * ROW + (ROW - BAR) / 2:.2f}"

    @property
    def text_y(self) -> str:
        return f"{self.index * ROW + ROW / 2 + 1.4:.2f}"

    @property
    def x(self) -> str:
        return f"{LABEL_WIDTH:.2f}"

    @property
    def width(self) -> str:
        return f"{self.space * (self.fraction or 0):.2f}"

    @property
    def value_x(self) -> str:
        return f"{LABEL_WIDTH + self.space * (self.fraction or 0) + VALUE_GAP:.2f}"


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]

    @property
    def height(self) -> str:
        return f"{max(len(self.bars), 1) * ROW:.2f}"

    @property
    def description(self) -> str:
        """The chart in words, for its aria-label."""
        return f"{self.title}: " + "; ".join(f"{b.label} {b.value}" for b in self.bars)


def bar_space(values: Iterable[str]) -> float:
    """What a 100% bar may span so that the longest value still fits beside it."""
    longest = max((len(value) for value in values), default=0)
    return min(BAR_SPACE, 100 - LABEL_WIDTH - VALUE_GAP - longest * CHAR_WIDTH)


def sized(bars: list[Bar]) -> list[Bar]:
    space = bar_space(bar.value for bar in bars)
    return [replace(bar, space=space) for bar in bars]


def percent(fraction: float | None) -> str:
    if fraction is None:
        return _("n/a")
    return _("%(value)s%%") % {"value": round(fraction * 100)}


def facility_bars(questions: Iterable[QuestionStat]) -> Chart:
    """A bar per question, its length the facility; weak discriminators marked in
    amber and in words."""
    bars = [
        Bar(
            label=f"Q{stat.number}",
            # Said in words too: colour alone tells nothing to some readers (WCAG 1.4.1).
            value=_("%(facility)s, weak DI") % {"facility": percent(stat.facility)}
            if stat.weak
            else percent(stat.facility),
            tone="bar-weak" if stat.weak else "bar-plain",
            index=index,
            fraction=stat.facility,
        )
        for index, stat in enumerate(questions)
    ]
    return Chart(title=_("Facility (share correct) per question"), bars=sized(bars))


def option_bars(stat: QuestionStat) -> Chart:
    """A bar per option, its length the share of responses that chose it."""
    bars = [
        Bar(
            label=option.letter,
            value=(
                _("%(share)s (%(count)s), correct")
                if option.is_correct
                else _("%(share)s (%(count)s)")
            )
            % {"share": percent(option.share), "count": option.count},
            tone="bar-correct" if option.is_correct else "bar-wrong",
            index=index,
            fraction=option.share,
        )
        for index, option in enumerate(stat.options)
    ]
    title = _("Question %(number)s: share of responses per option") % {"number": stat.number}
    return Chart(title=title, bars=sized(bars))

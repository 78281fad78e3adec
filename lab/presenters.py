"""What a run looks like: a waterfall per endpoint on one time scale, the numbers, and a
sentence reading it back in the lesson's words. The same partial shows a run the browser
measured (fetched by static/js/lab.js) and one the server measured (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lab.bounds import ASYNC_PATH, DEFAULT_REQUESTS, MAX_REQUESTS, SYNC_PATH, WAIT_MS
from lab.measure import Endpoint, MeasuredBy, Outcome, Run, Series, Timing

# The SVG's user units: bars are drawn with x and width attributes, no style.
CHART_WIDTH = 400
ROW_HEIGHT = 12
BAR_HEIGHT = 8
GRID_STEPS_MS = (100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000)
MOST_GRID_LINES = 10
# With HTTP/1.1 a browser opens at most this many connections to one site.
BROWSER_CONNECTIONS = 6

ENDPOINT_TITLES = {
    Endpoint.SYNC: gettext_lazy("Sync: one synchronous worker"),
    Endpoint.ASYNC: gettext_lazy("Async: the event loop"),
}


@dataclass(frozen=True)
class Bar:
    number: int
    y: float
    waiting_x: float  # from asked for until the server began its wait: its turn, a connection
    waiting_width: float
    working_x: float  # the server's simulated I/O for this request
    working_width: float
    outcome: str
    timing: Timing


@dataclass(frozen=True)
class Chart:
    series: Series
    title: str
    bars: list[Bar]
    height: int
    grid: list[float]  # x of a line every grid_ms
    grid_ms: int
    label: str  # what the chart says, for a screen reader (the table has the numbers)


# The decimal mark follows the reader's language ("0,61 s" in French).
def seconds(ms: float | None) -> str:
    return "-" if ms is None else _("%(seconds)s s") % {"seconds": number_format(ms / 1000, 2)}


def exact_seconds(ms: float) -> str:
    return _("%(seconds)s s") % {"seconds": number_format(f"{ms / 1000:g}")}


def grid_step(scale_ms: float) -> int:
    return next(
        (step for step in GRID_STEPS_MS if scale_ms / step <= MOST_GRID_LINES), GRID_STEPS_MS[-1]
    )


def _bar(number: int, timing: Timing, scale_ms: float) -> Bar:
    def x(ms: float) -> float:
        return round(min(ms, scale_ms) / scale_ms * CHART_WIDTH, 2)

    working_from = timing.end_ms
    if timing.outcome is Outcome.OK:
        working_from = max(timing.start_ms, timing.end_ms - (timing.waited_ms or 0))
    return Bar(
        number=number,
        y=(number - 1) * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
        waiting_x=x(timing.start_ms),
        waiting_width=max(round(x(working_from) - x(timing.start_ms), 2), 0),
        working_x=x(working_from),
        working_width=max(round(x(timing.end_ms) - x(working_from), 2), 0),
        outcome=timing.outcome.value,
        timing=timing,
    )


def chart(series: Series, scale_ms: float) -> Chart:
    scale_ms = max(scale_ms, 1.0)
    step = grid_step(scale_ms)
    bars = [_bar(number, t, scale_ms) for number, t in enumerate(series.timings, start=1)]
    answered = len(series.answered)
    label = _(
        "%(title)s: %(answered)s of %(sent)s requests answered, all within %(total)s; "
        "at most %(at_once)s in flight at once."
    ) % {
        "title": ENDPOINT_TITLES[series.endpoint],
        "answered": answered,
        "sent": len(series.timings),
        "total": seconds(series.total_ms),
        "at_once": series.at_once,
    }
    return Chart(
        series=series,
        title=str(ENDPOINT_TITLES[series.endpoint]),
        bars=bars,
        height=max(len(bars), 1) * ROW_HEIGHT,
        grid=[round(ms / scale_ms * CHART_WIDTH, 2) for ms in range(step, int(scale_ms) + 1, step)],
        grid_ms=step,
        label=label,
    )


def _sync_words(series: Series) -> str:
    answered = len(series.answered)
    if answered == 1:
        return _("the one sync request had nobody to wait behind: %(total)s") % {
            "total": seconds(series.total_ms)
        }
    expected = answered * WAIT_MS
    if series.total_ms >= 0.9 * expected:
        # A screen reader says "times" for the sign, and "x" for an x.
        words = _(
            "the sync requests ran one after another: %(answered)s × %(wait)s ms = "  # noqa: RUF001
            "%(expected)s (measured: %(total)s)"
        ) % {
            "answered": answered,
            "wait": WAIT_MS,
            "expected": exact_seconds(expected),
            "total": seconds(series.total_ms),
        }
    else:
        words = _("the sync requests took %(total)s in all") % {"total": seconds(series.total_ms)}
    first_turn = series.min_queued_ms
    if first_turn is not None and first_turn > WAIT_MS / 2:
        words += _(
            ", after %(wait)s behind other learners' requests, which the same worker serves"
        ) % {"wait": seconds(first_turn)}
    return words


def _async_words(run: Run) -> str:
    series = run.async_
    answered = len(series.answered)
    if answered == 1:
        return _("the async one took %(total)s") % {"total": seconds(series.total_ms)}
    words = _("the async ones overlapped: %(total)s") % {"total": seconds(series.total_ms)}
    if series.at_once < answered:
        words += _(", %(at_once)s at a time") % {"at_once": series.at_once}
        if run.measured_by is MeasuredBy.BROWSER and run.protocol == "http/1.1":
            words += _(
                " (over HTTP/1.1 a browser opens at most %(connections)s connections to one "
                "site; over HTTP/2 they would all go at once)"
            ) % {"connections": BROWSER_CONNECTIONS}
    return words


def _refusal(outcome: Outcome, endpoint: Endpoint, count: int) -> str:
    values = {"count": count, "endpoint": endpoint.value}
    if outcome is Outcome.BUSY:
        return (
            ngettext(
                "%(count)s of the %(endpoint)s requests was turned away because the lab was busy "
                "with other learners (try again in a few seconds).",
                "%(count)s of the %(endpoint)s requests were turned away because the lab was busy "
                "with other learners (try again in a few seconds).",
                count,
            )
            % values
        )
    if outcome is Outcome.LIMITED:
        return (
            ngettext(
                "%(count)s of the %(endpoint)s requests was turned away by the rate limit "
                "for your address (wait a minute).",
                "%(count)s of the %(endpoint)s requests were turned away by the rate limit "
                "for your address (wait a minute).",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(count)s of the %(endpoint)s requests was not answered.",
            "%(count)s of the %(endpoint)s requests were not answered.",
            count,
        )
        % values
    )


def _refusal_words(run: Run) -> list[str]:
    return [
        _refusal(outcome, series.endpoint, count)
        for series in run.series
        for outcome, count in sorted(series.refused.items())
    ]


def readback(run: Run) -> str:
    """The result in the lesson's words, from what was measured."""
    if not run.sync.answered or not run.async_.answered:
        return " ".join(
            [_("Nothing to compare: no answer came back from one endpoint."), *_refusal_words(run)]
        )
    sentence = _("%(sync)s; %(async)s.") % {
        "sync": _sync_words(run.sync),
        "async": _async_words(run),
    }
    return " ".join([sentence[0].upper() + sentence[1:], *_refusal_words(run)])


def result_context(run: Run) -> dict[str, Any]:
    scale_ms = max(
        run.sync.total_ms, run.async_.total_ms, *(t.end_ms for s in run.series for t in s.timings)
    )
    return {
        "run": run,
        "charts": [chart(series, scale_ms) for series in run.series],
        "chart_width": CHART_WIDTH,
        "bar_height": BAR_HEIGHT,
        "scale": seconds(scale_ms),
        "readback": readback(run),
        "wait_ms": WAIT_MS,
        "by_browser": run.measured_by is MeasuredBy.BROWSER,
    }


def panel_context() -> dict[str, Any]:
    """The panel as every visitor gets it (it sits in the lesson's cached body)."""
    return {
        "max_requests": MAX_REQUESTS,
        "default_requests": DEFAULT_REQUESTS,
        "wait_ms": WAIT_MS,
        "sync_path": SYNC_PATH,
        "async_path": ASYNC_PATH,
        "sync_queue": settings.LAB_SYNC_QUEUE,
        "async_limit": settings.LAB_ASYNC_LIMIT,
    }

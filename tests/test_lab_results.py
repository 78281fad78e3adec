"""What a run adds up to (lab/measure.py) and how it reads back (lab/presenters.py)."""

from __future__ import annotations

from lab.bounds import WAIT_MS
from lab.measure import Endpoint, MeasuredBy, Outcome, Run, Series, Timing, nearest_rank
from lab.presenters import CHART_WIDTH, chart, readback, result_context


def timing(
    start: float,
    end: float,
    *,
    sent: float | None = None,
    queued: float | None = 0.0,
    waited: float | None = WAIT_MS,
    outcome: Outcome = Outcome.OK,
) -> Timing:
    return Timing(start, start if sent is None else sent, end, queued, waited, outcome)


def one_after_another(n: int, *, behind_ms: float = 0.0) -> Series:
    """What one worker does with n requests sent at once: the i-th waits i turns."""
    return Series(
        Endpoint.SYNC,
        tuple(
            timing(0, behind_ms + (i + 1) * WAIT_MS + 3, queued=behind_ms + i * WAIT_MS, sent=1)
            for i in range(n)
        ),
    )


def together(n: int, *, per_wave: int | None = None) -> Series:
    """n async requests, all at once or `per_wave` at a time (a browser's connections)."""
    wave = per_wave or n
    return Series(
        Endpoint.ASYNC,
        tuple(
            timing(0, (i // wave + 1) * (WAIT_MS + 5), sent=(i // wave) * (WAIT_MS + 5) + 1)
            for i in range(n)
        ),
    )


def run_of(
    sync: Series,
    async_: Series,
    *,
    by: MeasuredBy = MeasuredBy.BROWSER,
    protocol: str = "h2",
) -> Run:
    return Run(len(sync.timings), sync, async_, by, protocol)


def test_p50_and_p99_are_nearest_ranks() -> None:
    values = [float(v) for v in range(1, 21)]

    assert nearest_rank(values, 0.50) == 10
    assert nearest_rank(values, 0.99) == 20  # with 20 requests, the slowest
    assert nearest_rank([7.0], 0.99) == 7
    assert nearest_rank([], 0.5) is None


def test_a_series_totals_from_the_first_asked_to_the_last_answered() -> None:
    series = one_after_another(20)

    assert series.total_ms == 20 * WAIT_MS + 3
    assert series.p50_ms == 10 * WAIT_MS + 3
    assert series.p99_ms == 20 * WAIT_MS + 3
    assert series.at_once == 20  # all sent together; the worker took them in turn


def test_at_once_counts_what_overlapped_not_what_followed() -> None:
    assert together(20).at_once == 20
    assert together(20, per_wave=6).at_once == 6
    back_to_back = Series(Endpoint.ASYNC, (timing(0, 10), timing(10, 20, sent=10)))
    assert back_to_back.at_once == 1


def test_the_sentence_reads_the_result_back_in_the_lessons_words() -> None:
    sentence = readback(run_of(one_after_another(20), together(20)))

    assert sentence == (
        "The sync requests ran one after another: 20 × 200 ms = 4 s (measured: 4.00 s); "
        "the async ones overlapped: 0.20 s."
    )


def test_the_sentence_says_when_a_browser_sent_them_in_waves_over_http_1_1() -> None:
    sentence = readback(
        run_of(one_after_another(20), together(20, per_wave=6), protocol="http/1.1")
    )

    assert "the async ones overlapped: 0.82 s, 6 at a time" in sentence
    assert "over HTTP/1.1 a browser opens at most 6 connections to one site" in sentence


def test_the_sentence_says_when_other_learners_were_ahead_in_the_queue() -> None:
    sentence = readback(run_of(one_after_another(3, behind_ms=600), together(3)))

    assert sentence.startswith("The sync requests ran one after another: 3 × 200 ms = 0.6 s")
    assert "after 0.60 s behind other learners' requests, which the same worker serves" in sentence


def test_one_request_has_nothing_to_queue_behind() -> None:
    sentence = readback(run_of(one_after_another(1), together(1)))

    assert sentence == (
        "The one sync request had nobody to wait behind: 0.20 s; the async one took 0.20 s."
    )


def test_turned_away_requests_are_counted_and_explained() -> None:
    sync = Series(
        Endpoint.SYNC,
        (
            timing(0, 203),
            timing(0, 5, queued=None, waited=None, outcome=Outcome.BUSY),
            timing(0, 5, queued=None, waited=None, outcome=Outcome.BUSY),
        ),
    )
    async_ = Series(
        Endpoint.ASYNC,
        (timing(0, 205), timing(0, 205), timing(0, 3, waited=None, outcome=Outcome.LIMITED)),
    )

    sentence = readback(run_of(sync, async_))

    assert "2 of the sync requests were turned away because the lab was busy" in sentence
    assert "1 of the async requests was turned away by the rate limit for your address" in sentence


def test_nothing_to_compare_when_an_endpoint_answered_nothing() -> None:
    failed = Series(Endpoint.SYNC, (timing(0, 9, waited=None, outcome=Outcome.FAILED),))

    sentence = readback(run_of(failed, together(1)))

    assert sentence.startswith("Nothing to compare")
    assert "1 of the sync requests was not answered." in sentence


def test_both_charts_share_one_time_scale_and_stay_inside_it() -> None:
    context = result_context(run_of(one_after_another(20), together(20)))
    sync_chart, async_chart = context["charts"]

    last_sync = sync_chart.bars[-1]
    assert last_sync.working_x + last_sync.working_width == CHART_WIDTH
    # 0.2 s of a 4 s scale: a twentieth of the width.
    assert all(bar.working_x + bar.working_width < 21 for bar in async_chart.bars)
    for bar in sync_chart.bars + async_chart.bars:
        assert 0 <= bar.waiting_x <= bar.working_x
        assert bar.working_x + bar.working_width <= CHART_WIDTH


def test_a_sync_bar_waits_its_turn_then_works_the_wait() -> None:
    drawn = chart(one_after_another(3), scale_ms=3 * WAIT_MS + 3)
    third = drawn.bars[2]

    assert third.waiting_x == 0
    assert third.working_width == round(WAIT_MS / (3 * WAIT_MS + 3) * CHART_WIDTH, 2)
    assert third.waiting_width > 2 * third.working_width - 1
    assert drawn.height == 3 * 12
    assert drawn.grid_ms == 100

"""One run's timings, as a browser or this server measured them, and what they add up to."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    BUSY = "busy"  # 503: the endpoint's cap on this server process
    LIMITED = "limited"  # 429: the client's rate limit
    FAILED = "failed"  # no answer, or one the lab does not send


OUTCOME_OF_STATUS = {200: Outcome.OK, 503: Outcome.BUSY, 429: Outcome.LIMITED}


class Endpoint(StrEnum):
    SYNC = "sync"
    ASYNC = "async"


@dataclass(frozen=True)
class Timing:
    """One request, in milliseconds since its burst began."""

    start_ms: float  # asked for
    sent_ms: float  # on its way (after any wait for a free connection in the browser)
    end_ms: float  # its answer fully arrived
    queued_ms: float | None  # the server's: waiting for the sync worker
    waited_ms: float | None  # the server's: the simulated I/O
    outcome: Outcome

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms


def nearest_rank(values: list[float], fraction: float) -> float | None:
    """The smallest value with at least `fraction` of them at or below it (with 20
    requests, p99 is the slowest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


@dataclass(frozen=True)
class Series:
    endpoint: Endpoint
    timings: tuple[Timing, ...]

    @property
    def answered(self) -> list[Timing]:
        return [t for t in self.timings if t.outcome is Outcome.OK]

    @property
    def total_ms(self) -> float:
        """From the first request asked for to the last answer."""
        answered = self.answered
        if not answered:
            return 0.0
        return max(t.end_ms for t in answered) - min(t.start_ms for t in self.timings)

    @property
    def p50_ms(self) -> float | None:
        return nearest_rank([t.duration_ms for t in self.answered], 0.50)

    @property
    def p99_ms(self) -> float | None:
        return nearest_rank([t.duration_ms for t in self.answered], 0.99)

    @property
    def at_once(self) -> int:
        """The most requests in flight at one moment, from sent to answered."""
        events = sorted(
            [(t.sent_ms, 1) for t in self.answered] + [(t.end_ms, -1) for t in self.answered],
            key=lambda event: (event[0], event[1]),  # an end before a start at the same time
        )
        most = current = 0
        for _, change in events:
            current += change
            most = max(most, current)
        return most

    def _queued(self) -> list[float]:
        return [t.queued_ms for t in self.answered if t.queued_ms is not None]

    @property
    def min_queued_ms(self) -> float | None:
        """The wait of the first of these at the worker: others' requests were ahead of it."""
        return min(self._queued(), default=None)

    @property
    def max_queued_ms(self) -> float | None:
        return max(self._queued(), default=None)

    @property
    def refused(self) -> Counter[Outcome]:
        return Counter(t.outcome for t in self.timings if t.outcome is not Outcome.OK)


class MeasuredBy(StrEnum):
    BROWSER = "browser"
    SERVER = "server"


@dataclass(frozen=True)
class Run:
    requests: int
    sync: Series
    async_: Series
    measured_by: MeasuredBy
    protocol: str  # the browser's nextHopProtocol: "http/1.1", "h2", ...

    @property
    def series(self) -> tuple[Series, Series]:
        return self.sync, self.async_

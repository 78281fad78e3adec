"""Answers from this process's sockets, written to the database a batch at a time.

A room answers within a few seconds. Each answer on its own would take a transaction,
a lock and several round trips, queued one behind the other; here the answers that
arrive while a batch is being written go together into the next one, so a quiet room
still gets one-answer batches and a busy one gets fewer, larger transactions (and the
host screen one notice per batch, which services.submit_answers sends).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy

from live import events, presenters, services
from quiz.db import database_sync_to_async

logger = logging.getLogger(__name__)

MAX_BATCH = 250


@dataclass(frozen=True)
class Acknowledged:
    question_id: int
    html: str


STORED_BUT_NOT_SHOWN = gettext_lazy("Answer locked in. Your screen catches up at the reveal.")


def score_and_render(
    session_id: int, requests: list[services.AnswerRequest], languages: list[str]
) -> list[Acknowledged | services.LiveError]:
    """Each answer's acknowledgement in its own player's language (one batch holds the
    answers of a whole room, and its task runs in the language of whoever started it)."""
    results = services.submit_answers(session_id=session_id, requests=requests)
    rendered: list[Acknowledged | services.LiveError] = []
    for result, language in zip(results, languages, strict=True):
        if isinstance(result, services.LiveError):
            rendered.append(result)
            continue
        with translation.override(language):
            html = acknowledgement(result)
        rendered.append(Acknowledged(result.answer.question_id, html))
    return rendered


def acknowledgement(outcome: services.AnswerOutcome) -> str:
    """The player's screen after their answer; the answer is stored by now, so a screen
    that cannot be drawn (the database busy for the snapshot) still says it counted."""
    try:
        shared = presenters.render_acknowledgement(
            session_id=outcome.player.session_id,
            version=outcome.version,
            choice_id=outcome.answer.choice_id,
        )
        return shared or presenters.render_player(
            session_id=outcome.player.session_id,
            version=outcome.version,
            player=outcome.player,
            outcome=outcome,
        )
    except Exception:
        logger.exception("live answer stored but its screen failed player=%s", outcome.player.pk)
        return presenters.render_player_notice(str(STORED_BUT_NOT_SHOWN))


@dataclass
class AnswerBatcher:
    session_id: int
    # Each answer with its future and the language its socket speaks.
    pending: list[tuple[services.AnswerRequest, asyncio.Future[Acknowledged], str]] = field(
        default_factory=list
    )
    writer: asyncio.Task[None] | None = None

    async def submit(self, request: services.AnswerRequest) -> Acknowledged:
        """The player's acknowledgement, once the answer is stored; a LiveError if refused."""
        future: asyncio.Future[Acknowledged] = asyncio.get_running_loop().create_future()
        self.pending.append((request, future, translation.get_language()))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.create_task(self.write_all())
        return await future

    async def write_all(self) -> None:
        while self.pending:
            batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
            await self.write(batch)
        # An idle room's batcher is not kept for the life of the process.
        per_loop = _batchers.get(asyncio.get_running_loop(), {})
        if per_loop.get(self.session_id) is self:
            del per_loop[self.session_id]

    async def write(
        self, batch: list[tuple[services.AnswerRequest, asyncio.Future[Acknowledged], str]]
    ) -> None:
        # Not thread-sensitive: batches of different rooms may overlap on the pool.
        write = database_sync_to_async(score_and_render, thread_sensitive=False)
        try:
            results = await events.delivered_after(
                write(
                    self.session_id,
                    [request for request, _, _ in batch],
                    [language for _, _, language in batch],
                )
            )
        except Exception as error:
            logger.exception("writing %d live answers failed", len(batch))
            for _, future, _ in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future, _), result in zip(batch, results, strict=True):
            if future.done():
                continue  # the socket closed while its answer was written
            if isinstance(result, services.LiveError):
                future.set_exception(result)
            else:
                future.set_result(result)


# Per event loop: a server process has one, and each test its own.
_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, AnswerBatcher]] = (
    weakref.WeakKeyDictionary()
)


def batcher_for(session_id: int) -> AnswerBatcher:
    per_loop = _batchers.setdefault(asyncio.get_running_loop(), {})
    if session_id not in per_loop:
        per_loop[session_id] = AnswerBatcher(session_id)
    return per_loop[session_id]

"""The self-paced quiz socket: parse a frame, call the service, send rendered fragments.

Protocol (what htmx's ws extension sends from the page's forms): a JSON object with
``action`` ("answer", "hint" or "next"), ``question`` and ``choice`` ids as strings,
plus htmx's ``HEADERS`` and the form's CSRF field, both ignored (the Origin check
guards the socket). Replies are HTML fragments swapped by id. Close codes: 4403 when
the attempt is not the browser's own.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from quiz import presenters, services
from quiz.models import Attempt

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
RATE_WINDOW_SECONDS = 5.0
RATE_MAX_FRAMES = 25

RESYNC_ERRORS = (services.AlreadyAnswered, services.NotCurrentQuestion, services.AttemptFinished)


class FrameError(Exception):
    """A frame the protocol cannot read; the message is shown to the student."""


def parse_frame(text_data: str | None, bytes_data: bytes | None) -> dict[str, Any]:
    if bytes_data is not None or text_data is None:
        raise FrameError("Binary messages are not accepted; send the form.")
    if len(text_data) > settings.QUIZ_MAX_FRAME_BYTES:
        raise FrameError("That message is too large.")
    try:
        data = json.loads(text_data)
    except ValueError:
        raise FrameError("That message could not be read.") from None
    if not isinstance(data, dict):
        raise FrameError("That message could not be read.")
    return data


class AttemptConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.attempt_id = self.scope["url_route"]["kwargs"]["attempt_id"]
        self.recent_frames: deque[float] = deque()
        await self.accept()
        if not await self.owns_attempt():
            logger.warning("socket refused: attempt %s is not this browser's", self.attempt_id)
            # Accept, then close: a refused handshake looks like a network error
            # to the browser, and htmx would retry it forever.
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send(text_data=presenters.render_socket_status("Live feedback connected"))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.throttled():
            await self.send(text_data=presenters.render_notice("Slow down: too many messages."))
            return
        try:
            data = parse_frame(text_data, bytes_data)
        except FrameError as error:
            logger.warning("bad frame attempt=%s: %s", self.attempt_id, error)
            await self.send(text_data=presenters.render_notice(str(error)))
            return
        try:
            html = await self.handle(data)
        except Exception:
            # Nothing reaches the ASGI server: the student gets a message, we get a trace.
            logger.exception("socket action failed attempt=%s", self.attempt_id)
            html = presenters.render_notice(
                "Something went wrong on our side; your earlier answers are safe. Try again."
            )
        await self.send(text_data=html)

    def throttled(self) -> bool:
        now = time.monotonic()
        while self.recent_frames and now - self.recent_frames[0] > RATE_WINDOW_SECONDS:
            self.recent_frames.popleft()
        self.recent_frames.append(now)
        return len(self.recent_frames) > RATE_MAX_FRAMES

    @database_sync_to_async
    def owns_attempt(self) -> bool:
        try:
            self.load_attempt()
        except services.AttemptNotFound:
            return False
        return True

    def load_attempt(self) -> Attempt:
        session = self.scope.get("session")
        return services.get_owned_attempt(
            attempt_id=self.attempt_id,
            session_key=session.session_key if session is not None else None,
            user=self.scope.get("user"),
        )

    @database_sync_to_async
    def handle(self, data: dict[str, Any]) -> str:
        action = data.get("action")
        attempt = self.load_attempt()
        render = self.fragments_renderer()
        try:
            if action == "answer":
                response = services.submit_answer(
                    attempt=attempt,
                    question_id=data.get("question", ""),
                    choice_id=data.get("choice", ""),
                )
                if attempt.quiz.is_practice:
                    return render(presenters.play_state(attempt, answered=response))
                return render(presenters.play_state(attempt), status="Answer saved.")
            if action == "hint":
                question = services.show_hint(attempt=attempt, question_id=data.get("question", ""))
                return presenters.render_hint(question, attempt=attempt)
            if action == "next":
                return render(presenters.play_state(attempt))
        except RESYNC_ERRORS as error:
            logger.warning("answer refused attempt=%s reason=%s", attempt.pk, error.code)
            answered = services.response_to(attempt=attempt, question_id=data.get("question"))
            return render(presenters.play_state(attempt, answered=answered), notice=error.message)
        except services.QuizError as error:
            logger.warning("answer refused attempt=%s reason=%s", attempt.pk, error.code)
            return presenters.render_notice(error.message)
        logger.warning("unknown action attempt=%s action=%r", attempt.pk, action)
        return presenters.render_notice("Unknown action.")

    def fragments_renderer(self) -> Callable[..., str]:
        # The forms in a fragment keep working without the socket, so they need
        # the CSRF secret; the unmasked cookie value is a valid form token.
        csrf_token = self.scope.get("cookies", {}).get(settings.CSRF_COOKIE_NAME, "")

        def render(state: presenters.PlayState, *, notice: str = "", status: str = "") -> str:
            return presenters.render_fragments(
                state, csrf_token=csrf_token, notice=notice, status=status
            )

        return render

"""What every quiz socket shares: frame limits, a rate cap and errors that never escape.

Subclasses implement `handle(data) -> html | None`; a `QuizError` they raise becomes
a notice for the client and a log line, and anything unexpected is logged with its
trace while the client hears that its answers are safe. Nothing reaches Daphne.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from quiz.services import QuizError

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
RATE_WINDOW_SECONDS = 5.0
RATE_MAX_FRAMES = 25


class FrameError(Exception):
    """A frame the protocol cannot read; the message is shown to the client."""


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


class GuardedConsumer(AsyncWebsocketConsumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent_frames: deque[float] = deque()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels' own dispatch first closes old database connections, a thread hop
        # per message: a thousand per broadcast to a room. Our ORM calls keep their
        # connection and drop it only when it broke (quiz/db.py).
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.throttled():
            logger.warning("%s throttled %s", type(self).__name__, self.scope.get("path"))
            await self.send(text_data=self.render_notice("Slow down: too many messages."))
            return
        try:
            data = parse_frame(text_data, bytes_data)
            html = await self.handle(data)
        except FrameError as error:
            logger.warning("bad frame on %s: %s", self.scope.get("path"), error)
            html = self.render_notice(str(error))
        except QuizError as error:
            logger.warning("refused on %s: %s", self.scope.get("path"), error.code)
            html = self.render_notice(error.message)
        except Exception:
            logger.exception("socket action failed on %s", self.scope.get("path"))
            html = self.render_notice(
                "Something went wrong on our side; your earlier answers are safe. Try again."
            )
        if html:
            await self.send(text_data=html)

    async def handle(self, data: dict[str, Any]) -> str | None:
        raise NotImplementedError

    def render_notice(self, message: str) -> str:
        raise NotImplementedError

    def throttled(self) -> bool:
        now = time.monotonic()
        while self.recent_frames and now - self.recent_frames[0] > RATE_WINDOW_SECONDS:
            self.recent_frames.popleft()
        self.recent_frames.append(now)
        return len(self.recent_frames) > RATE_MAX_FRAMES

    async def refuse(self, reason: str) -> None:
        """Accept, then close: a refused handshake looks like a network error to the
        browser, and htmx would retry it forever."""
        logger.warning("socket refused on %s: %s", self.scope.get("path"), reason)
        await self.close(code=CLOSE_FORBIDDEN)

    def session_key(self) -> str | None:
        session = self.scope.get("session")
        return session.session_key if session is not None else None

"""What every quiz socket shares: frame limits, a rate cap and errors that never escape.

Frames come through channels' JSON consumer (`decode_json`, then `receive_json`); the
subclasses implement `handle(frame) -> html | None`. A `QuizError` they raise becomes
a notice for the client and a log line, and anything unexpected is logged with its
trace while the client hears that its answers are safe. Nothing reaches Daphne.

Daphne closes a connection on a message over its own --websocket-max-message-size
(1 MiB by default): that guards the memory. Below it, QUIZ_MAX_FRAME_BYTES refuses a
frame with a message the student can read, and the socket stays open.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, deque
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quiz import caches, clients
from quiz.db import ConnectionKeepingDispatch
from quiz.services import QuizError

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429  # like HTTP's 429; htmx does not retry a 4xxx close
RATE_WINDOW_SECONDS = 5.0
RATE_MAX_FRAMES = 25
UNREADABLE = gettext_lazy("That message could not be read.")


class FrameError(Exception):
    """A frame the protocol cannot read; the message is shown to the client."""


# Open sockets in this process, per browser session and per address: one browser or
# one script must not hold thousands (settings.SOCKETS_PER_BROWSER, SOCKETS_PER_ADDRESS).
_open_per_browser: Counter[str] = Counter()
_open_per_address: Counter[str] = Counter()


def _forget_open_sockets() -> None:
    _open_per_browser.clear()
    _open_per_address.clear()


caches.register("quiz.open_sockets", _forget_open_sockets)


def scope_language(scope: dict[str, Any]) -> str:
    """The page's language for its socket, by LocaleMiddleware's own rule: the
    django_language cookie that set_language leaves, else Accept-Language, else
    LANGUAGE_CODE. The handshake carries both, as the page's request did."""
    request = HttpRequest()
    request.COOKIES = dict(scope.get("cookies") or {})
    for name, value in scope.get("headers") or ():
        if name.lower() == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin-1")
    return translation.get_language_from_request(request)


class GuardedConsumer(ConnectionKeepingDispatch, AsyncJsonWebsocketConsumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent_frames: deque[float] = deque()
        self.counted_as: tuple[str, str] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # The whole connection runs in the page's language: every message it handles is
        # dispatched inside this call, and the ORM calls' threads inherit it (asgiref
        # copies the context into them).
        with translation.override(scope_language(scope)):
            await super().__call__(scope, receive, send)

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        browser, address = self.session_key() or "", clients.socket_address(self.scope)
        too_many = (
            browser and _open_per_browser[browser] >= settings.SOCKETS_PER_BROWSER
        ) or _open_per_address[address] >= settings.SOCKETS_PER_ADDRESS
        if too_many:
            await self.accept()  # then close: a refused handshake is retried forever
            logger.warning(
                "socket refused on %s: too many open from browser %s or address %s",
                self.scope.get("path"),
                browser[:8] or "-",
                address,
            )
            await self.close(code=CLOSE_TOO_MANY)
            return
        if browser:
            _open_per_browser[browser] += 1
        _open_per_address[address] += 1
        self.counted_as = (browser, address)
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if self.counted_as is not None:
            browser, address = self.counted_as
            self.counted_as = None
            for counter, key in ((_open_per_browser, browser), (_open_per_address, address)):
                if key:
                    counter[key] -= 1
                    if counter[key] <= 0:
                        del counter[key]
        await super().websocket_disconnect(message)

    @classmethod
    async def decode_json(cls, text_data: str) -> dict[str, Any]:
        if len(text_data) > settings.QUIZ_MAX_FRAME_BYTES:
            raise FrameError(_("That message is too large."))
        try:
            data = json.loads(text_data)
        except ValueError:
            raise FrameError(UNREADABLE) from None
        if not isinstance(data, dict):
            raise FrameError(UNREADABLE)
        return data

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if self.throttled():
            logger.warning("%s throttled %s", type(self).__name__, self.scope.get("path"))
            await self.send(text_data=self.render_notice(_("Slow down: too many messages.")))
            return
        try:
            await self.read_frame(text_data, bytes_data, **kwargs)
        except FrameError as error:
            logger.warning("bad frame on %s: %s", self.scope.get("path"), error)
            await self.send(text_data=self.render_notice(str(error)))
        except QuizError as error:
            logger.warning("refused on %s: %s", self.scope.get("path"), error.code)
            await self.send(text_data=self.render_notice(str(error.message)))
        except Exception:
            logger.exception("socket action failed on %s", self.scope.get("path"))
            await self.send(
                text_data=self.render_notice(
                    _("Something went wrong on our side; your earlier answers are safe. Try again.")
                )
            )

    async def read_frame(
        self, text_data: str | None, bytes_data: bytes | None, **kwargs: Any
    ) -> None:
        if bytes_data is not None:
            raise FrameError(_("Binary messages are not accepted; send the form."))
        if not text_data:
            raise FrameError(UNREADABLE)  # channels' JSON consumer would raise ValueError
        await super().receive(text_data=text_data, **kwargs)  # decode_json, receive_json

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        html = await self.handle(content)
        if html:
            await self.send(text_data=html)

    async def handle(self, frame: dict[str, Any]) -> str | None:
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

"""A real WebSocket client speaking the browser's protocol (htmx's ws extension)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

import websockets

# A live player's option button: its id and its letter, after the tile's shape.
LIVE_CHOICE = re.compile(
    r'name="choice" value="(\d+)">(?:<span class="tile-shape"[^<]*</span>)?'
    r'<span class="letter" aria-hidden="true">([A-D])'
)


def live_choice(html: str, letter: str) -> str:
    """The id of the option with this letter on a live player's screen."""
    return next(pk for pk, found in LIVE_CHOICE.findall(html) if found == letter)


class Socket:
    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.received: list[str] = []

    @classmethod
    async def open(
        cls, url: str, session_key: str, headers: dict[str, str] | None = None
    ) -> Socket:
        origin = "http://" + url.split("://", 1)[1].split("/", 1)[0]
        connection = await websockets.connect(
            url,
            origin=websockets.Origin(origin),
            additional_headers={"Cookie": f"sessionid={session_key}", **(headers or {})},
            max_size=2**22,
        )
        return cls(connection)

    async def send_form(self, **fields: Any) -> None:
        """What htmx sends for a `<form ws-send>`: the fields, as strings, plus HEADERS."""
        payload: dict[str, Any] = {name: str(value) for name, value in fields.items()}
        payload["HEADERS"] = {"HX-Request": "true"}
        await self.connection.send(json.dumps(payload))

    async def wait_for(self, text: str, timeout: float = 10.0) -> str:
        """The first message (already received or arriving) that contains `text`."""
        for message in self.received:
            if text in message:
                self.received.remove(message)
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no message containing {text!r} within {timeout}s")
            message = await asyncio.wait_for(self.connection.recv(), remaining)
            if text in message:
                return message
            self.received.append(message)

    async def close(self) -> None:
        await self.connection.close()

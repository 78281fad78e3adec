"""The self-paced quiz socket: parse a frame, call the service, send rendered fragments.

Protocol (what htmx's ws extension sends from the page's forms): a JSON object with
``action`` ("answer", "hint" or "next"), ``question`` and ``choice`` ids as strings,
plus htmx's ``HEADERS`` and the form's CSRF field, both ignored (the Origin check
guards the socket). Replies are HTML fragments swapped by id. Close code 4403: the
attempt is not this browser's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings

from quiz import presenters, services
from quiz.db import database_sync_to_async
from quiz.models import Attempt
from quiz.sockets import GuardedConsumer

logger = logging.getLogger(__name__)

RESYNC_ERRORS = (services.AlreadyAnswered, services.NotCurrentQuestion, services.AttemptFinished)


class AttemptConsumer(GuardedConsumer):
    async def connect(self) -> None:
        self.attempt_id = self.scope["url_route"]["kwargs"]["attempt_id"]
        await self.accept()
        if not await self.owns_attempt():
            await self.refuse(f"attempt {self.attempt_id} is not this browser's")
            return
        await self.send(text_data=presenters.render_socket_status("Live feedback connected"))

    def render_notice(self, message: str) -> str:
        return presenters.render_notice(message)

    @database_sync_to_async
    def owns_attempt(self) -> bool:
        try:
            self.load_attempt()
        except services.AttemptNotFound:
            return False
        return True

    def load_attempt(self) -> Attempt:
        return services.get_owned_attempt(
            attempt_id=self.attempt_id,
            session_key=self.session_key(),
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
            # The page is behind (another tab, a replayed frame): resynchronise it.
            logger.warning("answer refused attempt=%s reason=%s", attempt.pk, error.code)
            answered = services.response_to(attempt=attempt, question_id=data.get("question"))
            return render(presenters.play_state(attempt, answered=answered), notice=error.message)
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

"""The self-paced quiz socket: validate a frame, call the service, send rendered fragments.

Protocol (what htmx's ws extension sends from the page's forms): a JSON object with
``action`` ("answer", "hint" or "next"; in a test also "go" and "flag", with
``flagged``), ``question`` and ``choice`` ids as strings,
plus htmx's ``HEADERS`` and the form's CSRF field, both ignored (the Origin check
guards the socket). The fields are checked by the same forms as the plain POSTs
(quiz/forms.py). Replies are HTML fragments swapped by id. Close code 4403: the
attempt is not this browser's.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from quiz import presenters, services
from quiz.db import database_sync_to_async
from quiz.forms import AnswerForm, FlagForm, QuestionForm
from quiz.models import Attempt
from quiz.sockets import GuardedConsumer

logger = logging.getLogger(__name__)

RESYNC_ERRORS = (services.AlreadyAnswered, services.NotCurrentQuestion, services.AttemptFinished)
TEST_ACTIONS = {"answer", "go", "flag"}


class AttemptConsumer(GuardedConsumer):
    attempt_id: uuid.UUID | None = None

    async def connect(self) -> None:
        await self.accept()
        try:
            self.attempt_id = uuid.UUID(self.scope["url_route"]["kwargs"]["attempt_id"])
        except ValueError:
            self.attempt_id = None
        if self.attempt_id is None or not await self.owns_attempt():
            await self.refuse(f"attempt {self.attempt_id} is not this browser's")
            return
        await self.send(text_data=presenters.render_socket_status(_("Live feedback connected")))

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
        assert self.attempt_id is not None  # connect() closed the socket otherwise
        return services.get_owned_attempt(
            attempt_id=self.attempt_id,
            session_key=self.session_key(),
            user=self.scope.get("user"),
        )

    @database_sync_to_async
    def handle(self, frame: dict[str, Any]) -> str:
        action = frame.get("action")
        attempt = self.load_attempt()
        if not attempt.quiz.is_practice and action in TEST_ACTIONS:
            return self.handle_test(attempt, str(action), frame)
        return self.handle_practice(attempt, action, frame)

    def handle_practice(self, attempt: Attempt, action: object, frame: dict[str, Any]) -> str:
        """Practice's answer, hint and next (and a test's "next", a plain redraw)."""
        render = self.fragments_renderer()
        if action == "next":
            return render(presenters.play_state(attempt))
        if action == "hint":
            question = QuestionForm(frame, attempt=attempt).validated()["question"]
            services.show_hint(attempt=attempt, question=question)
            return presenters.render_hint(question, attempt=attempt)
        if action != "answer":
            logger.warning("unknown action attempt=%s action=%r", attempt.pk, action)
            return presenters.render_notice(_("Unknown action."))
        answer = AnswerForm(frame, attempt=attempt).validated()
        try:
            response = services.submit_answer(
                attempt=attempt, question=answer["question"], choice=answer["choice"]
            )
        except RESYNC_ERRORS as error:
            # The page is behind (another tab, a replayed frame): resynchronise it.
            logger.warning("answer refused attempt=%s reason=%s", attempt.pk, error.code)
            answered = services.response_to(attempt=attempt, question=answer["question"])
            return render(presenters.play_state(attempt, answered=answered), notice=error.message)
        return render(presenters.play_state(attempt, answered=response))

    def handle_test(self, attempt: Attempt, action: str, frame: dict[str, Any]) -> str:
        """A test's answer (changeable), move or flag: the same services as its forms."""
        render = self.fragments_renderer()
        status = ""
        try:
            if action == "answer":
                answer = AnswerForm(frame, attempt=attempt).validated()
                services.change_answer(
                    attempt=attempt, question=answer["question"], choice=answer["choice"]
                )
                status = _("Answer saved.")
            elif action == "go":
                question = QuestionForm(frame, attempt=attempt).validated()["question"]
                services.go_to_question(attempt=attempt, question=question)
            else:
                cleaned = FlagForm(frame, attempt=attempt).validated()
                services.set_flag(
                    attempt=attempt, question=cleaned["question"], flagged=cleaned["flagged"]
                )
                status = _("Flagged for later.") if cleaned["flagged"] else _("Flag removed.")
        except (*RESYNC_ERRORS, services.QuizClosed) as error:
            logger.warning("test action refused attempt=%s reason=%s", attempt.pk, error.code)
            return render(presenters.play_state(attempt), notice=error.message)
        return render(presenters.play_state(attempt), status=status)

    def fragments_renderer(self) -> Callable[..., str]:
        # The forms in a fragment keep working without the socket, so they need
        # the CSRF secret; the unmasked cookie value is a valid form token.
        csrf_token = self.scope.get("cookies", {}).get(settings.CSRF_COOKIE_NAME, "")

        def render(state: presenters.PlayState, *, notice: str = "", status: str = "") -> str:
            return presenters.render_fragments(
                state, csrf_token=csrf_token, notice=notice, status=status
            )

        return render

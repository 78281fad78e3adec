"""What a student sees of an attempt, rendered by the same code for HTTP and the socket."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from quiz import services
from quiz.models import Attempt, Choice, Question, Quiz, Response


@dataclass(frozen=True)
class PlayState:
    attempt: Attempt
    question: Question | None
    number: int
    total: int
    score: services.Score
    # The answer just given to `question`; set only while its feedback is on screen.
    # In a test, the answer given to the question on screen, which may still change.
    response: Response | None = None
    # A test's questions, answered or not, flagged or not (empty in practice).
    overview: tuple[services.OverviewItem, ...] = ()

    @property
    def changeable(self) -> bool:
        """A test's answers change until it is submitted; practice keeps the first."""
        return not self.attempt.quiz.is_practice and not self.finished

    @property
    def flagged(self) -> bool:
        return any(item.current and item.flagged for item in self.overview)

    @property
    def previous(self) -> Question | None:
        return self._neighbour(-1)

    @property
    def next(self) -> Question | None:
        return self._neighbour(+1)

    def _neighbour(self, step: int) -> Question | None:
        index = self.number - 1 + step
        if self.question is None or not 0 <= index < len(self.overview):
            return None
        return self.overview[index].question

    @property
    def finished(self) -> bool:
        return self.attempt.is_finished

    @property
    def reveal(self) -> bool:
        """Practice shows the solution right after the answer; test mode never mid-quiz."""
        return self.response is not None and self.attempt.quiz.is_practice

    @property
    def correct_choice(self) -> Choice | None:
        if not self.reveal or self.question is None:
            return None
        return self.question.correct_choice

    @property
    def chosen_choice(self) -> Choice | None:
        if self.response is None or self.question is None:
            return None
        return next(
            (c for c in self.question.choices.all() if c.pk == self.response.choice_id), None
        )

    @property
    def progress_number(self) -> int:
        return self.score.answered if self.question is None else self.number


def play_state(attempt: Attempt, *, answered: Response | None = None) -> PlayState:
    """The state to show: the feedback for `answered` (practice), else the next question."""
    if not attempt.quiz.is_practice:
        return test_state(attempt)
    questions = services.questions_for(attempt)
    done = services.answered(attempt)
    question: Question | None
    if answered is not None and attempt.quiz.is_practice:
        question = next(q for q in questions if q.pk == answered.question_id)
        response = answered
    else:
        upcoming = services.present_question(attempt=attempt, done=done)
        question = next((q for q in questions if upcoming and q.pk == upcoming.pk), None)
        response = None
    number = questions.index(question) + 1 if question is not None else len(questions)
    return PlayState(
        attempt=attempt,
        question=question,
        number=number,
        total=len(questions),
        score=services.score_of(attempt, done),
        response=response,
    )


@dataclass(frozen=True)
class PreviewState:
    """A question as a student sees it, shown to its author: no attempt, nothing saved.

    It has the attributes of PlayState that the question, verdict and feedback partials
    read. `response` is never saved: it is what the picked option would have scored.
    """

    question: Question
    number: int
    total: int
    response: Response | None = None
    finished = False

    @property
    def reveal(self) -> bool:
        return self.response is not None

    @property
    def correct_choice(self) -> Choice | None:
        return self.question.correct_choice if self.reveal else None

    @property
    def chosen_choice(self) -> Choice | None:
        if self.response is None:
            return None
        return next(c for c in self.question.choices.all() if c.pk == self.response.choice_id)


def preview_state(question: Question, *, chosen: Choice | None = None) -> PreviewState:
    """The preview of `question`, answered with `chosen` when the author picked one."""
    questions = services.questions_of(question.quiz)
    # The same lettered, cached objects a student's page shows.
    shown = next(q for q in questions if q.pk == question.pk)
    response = None
    if chosen is not None:
        response = Response(question=shown, choice=chosen, is_correct=chosen.is_correct)
    return PreviewState(
        question=shown, number=questions.index(shown) + 1, total=len(questions), response=response
    )


def test_state(attempt: Attempt) -> PlayState:
    """A test: the question the student is on, with the answer they gave it so far."""
    question = services.question_on_screen(attempt=attempt)
    overview = tuple(services.overview_of(attempt))
    number = next((item.number for item in overview if item.question == question), len(overview))
    return PlayState(
        attempt=attempt,
        question=question,
        number=number,
        total=len(overview),
        score=services.score_of(attempt),
        response=services.response_to(attempt=attempt, question=question) if question else None,
        overview=overview,
    )


def render_fragments(
    state: PlayState,
    *,
    csrf_token: str = "",
    notice: str = "",
    status: str = "",
) -> str:
    """The play page's parts as out-of-band swaps, for htmx's ws extension."""
    context = {
        "state": state,
        "attempt": state.attempt,
        "oob": True,
        "notice": notice,
        "status_message": status,
    }
    if csrf_token:
        context["csrf_token"] = csrf_token
    return render_to_string("quiz/partials/play_fragments.html", context)


def render_notice(message: str) -> str:
    return render_to_string("quiz/partials/notice.html", {"notice": message, "oob": True})


def render_hint(question: Question, *, attempt: Attempt) -> str:
    return render_to_string(
        "quiz/partials/hint.html",
        {"question": question, "attempt": attempt, "hint_shown": True, "oob": True},
    )


def render_socket_status(text: str) -> str:
    return render_to_string("quiz/partials/socket_status.html", {"text": text})


def review_notice(quiz: Quiz, shows: Quiz.Review) -> str:
    """What a finished attempt's page leaves out, and until when; "" when it shows all."""
    if shows == Quiz.Review.FULL:
        return ""
    waiting = shows != quiz.review and quiz.closes_at is not None
    if waiting:
        when = date_format(timezone.localtime(quiz.closes_at), "DATETIME_FORMAT")
        zone = timezone.get_current_timezone_name()
        if quiz.review == Quiz.Review.MARKS:
            return _(
                "Which answers were right will be shown after the quiz closes, on %(when)s "
                "(%(zone)s)."
            ) % {"when": when, "zone": zone}
        return _(
            "Which answers were right, the correct answers and the solutions will be shown "
            "after the quiz closes, on %(when)s (%(zone)s)."
        ) % {"when": when, "zone": zone}
    if shows == Quiz.Review.SCORE:
        return _("Your instructor shows the score only: which answers were right stays hidden.")
    return _(
        "Your instructor shows which answers were right; "
        "the correct answers and the solutions stay hidden."
    )

"""Self-paced quiz pages. The plain-form path that works with JavaScript off."""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from quiz import presenters, selectors, services
from quiz.browser import session_key
from quiz.forms import AnswerForm, FlagForm, PreviewAnswerForm, QuestionForm, SubmitForm
from quiz.models import Attempt, Question, Quiz

logger = logging.getLogger(__name__)


def _owned_attempt(request: HttpRequest, attempt_id: uuid.UUID) -> Attempt:
    try:
        return services.get_owned_attempt(
            attempt_id=attempt_id, session_key=session_key(request), user=request.user
        )
    except services.AttemptNotFound:
        raise Http404(services.AttemptNotFound.message) from None


@require_safe
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cards = selectors.quiz_cards(Quiz.objects.published().filter(slug=slug))
    if not cards:
        raise Http404("No such quiz.")
    card = cards[0]
    quiz = card.quiz
    unfinished = (
        services.attempts_owned_by(session_key=session_key(request), user=request.user)
        .filter(quiz=quiz, finished_at__isnull=True)
        .first()
    )
    context = {
        "quiz": quiz,
        "stats": card.stats,
        "unfinished": unfinished,
        "attempts_left": services.attempts_left(
            quiz=quiz, session_key=session_key(request), user=request.user
        ),
        "closed": quiz.is_closed(timezone.now()),
    }
    return render(request, "quiz/detail.html", context)


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.published(), slug=slug)
    try:
        attempt = services.start_attempt(
            quiz=quiz, session_key=session_key(request, create=True) or "", user=request.user
        )
    except services.QuizError as refusal:
        logger.info("attempt refused quiz=%s reason=%s", quiz.slug, refusal.code)
        messages.error(request, refusal.message)
        return redirect(quiz)
    return redirect(attempt)


@require_safe
def play(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    attempt = _owned_attempt(request, attempt_id)
    answered = None
    if attempt.quiz.is_practice and "answered" in request.GET:
        feedback = QuestionForm({"question": request.GET["answered"]}, attempt=attempt)
        if feedback.is_valid():
            answered = services.response_to(
                attempt=attempt, question=feedback.cleaned_data["question"]
            )
    elif attempt.quiz.is_practice and request.GET.get("action") != "next":
        # A reload right after an answer (the socket's page keeps its address): that
        # answer's feedback stays on screen until the student presses Next.
        answered = services.current_response(attempt=attempt)
    if attempt.is_finished and answered is None:
        return redirect(attempt.get_results_url())
    state = presenters.play_state(attempt, answered=answered)
    return render(request, "quiz/play.html", {"state": state, "attempt": attempt})


def _feedback_on(attempt: Attempt, question_id: int) -> HttpResponse:
    return HttpResponseRedirect(f"{attempt.get_absolute_url()}?answered={question_id}")


@require_POST
def answer(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    attempt = _owned_attempt(request, attempt_id)
    if not attempt.quiz.is_practice:
        return _change_test_answer(request, attempt)
    try:
        answer = AnswerForm(request.POST, attempt=attempt).validated()
        response = services.submit_answer(
            attempt=attempt, question=answer["question"], choice=answer["choice"]
        )
    except services.QuizError as error:
        logger.warning("answer refused attempt=%s reason=%s", attempt.pk, error.code)
        messages.error(request, error.message)
        # A form sent twice (a double click, a resend after a lost reply): show the
        # feedback of the answer that counts, as the socket does.
        if isinstance(error, services.AlreadyAnswered) and (
            first := services.response_to(attempt=attempt, question=answer["question"])
        ):
            return _feedback_on(attempt, first.question_id)
        return redirect(attempt)
    return _feedback_on(attempt, response.question_id)


def _change_test_answer(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    try:
        answer = AnswerForm(request.POST, attempt=attempt).validated()
        services.change_answer(
            attempt=attempt, question=answer["question"], choice=answer["choice"]
        )
    except services.QuizError as error:
        logger.warning("test answer refused attempt=%s reason=%s", attempt.pk, error.code)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Answer saved."))
    return redirect(attempt)


@require_POST
def go(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    """A test's Previous, Next and numbered question buttons."""
    attempt = _owned_attempt(request, attempt_id)
    try:
        question = QuestionForm(request.POST, attempt=attempt).validated()["question"]
        services.go_to_question(attempt=attempt, question=question)
    except services.QuizError as error:
        messages.error(request, error.message)
    return redirect(attempt)


@require_POST
def flag(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    attempt = _owned_attempt(request, attempt_id)
    try:
        cleaned = FlagForm(request.POST, attempt=attempt).validated()
        services.set_flag(attempt=attempt, question=cleaned["question"], flagged=cleaned["flagged"])
    except services.QuizError as error:
        messages.error(request, error.message)
    return redirect(attempt)


@require_safe
def overview(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    """A test's questions, answered, unanswered and flagged, and its "Submit all"."""
    attempt = _owned_attempt(request, attempt_id)
    if attempt.is_finished:
        return redirect(attempt.get_results_url())
    if attempt.quiz.is_practice:
        return redirect(attempt)
    items = services.overview_of(attempt)
    context = {
        "attempt": attempt,
        "items": items,
        "unanswered": sum(not item.answered for item in items),
        "flagged": sum(item.flagged for item in items),
    }
    return render(request, "quiz/overview.html", context)


@require_POST
def submit(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    attempt = _owned_attempt(request, attempt_id)
    try:
        confirmed = SubmitForm(request.POST).validated()["confirm"]
        services.submit_attempt(attempt=attempt, confirmed=confirmed)
    except services.QuizError as error:
        messages.error(request, error.message)
        return redirect("quiz:overview", attempt_id=attempt.pk)
    return redirect(attempt.get_results_url())


@require_POST
def hint(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    attempt = _owned_attempt(request, attempt_id)
    try:
        question = QuestionForm(request.POST, attempt=attempt).validated()["question"]
        services.show_hint(attempt=attempt, question=question)
    except services.QuizError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("quiz:play", args=[attempt.pk]) + "#hint")


@require_safe
def results(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    attempt = _owned_attempt(request, attempt_id)
    if not attempt.is_finished:
        return redirect(attempt)
    responses = list(attempt.responses.all())
    now = timezone.now()
    shows = attempt.quiz.review_at(now)
    context = {
        "attempt": attempt,
        "score": services.score_of(attempt),
        # Nothing of the answers reaches the page unless the review may show it.
        "review": services.review_of(attempt) if shows != Quiz.Review.SCORE else [],
        "shows": shows,
        "Review": Quiz.Review,
        "review_notice": presenters.review_notice(attempt.quiz, shows),
        "total_ms": sum(r.time_taken_ms for r in responses),
        # A drawn set's quiz is started from its lesson's learning modes, not here.
        "may_retry": not attempt.quiz.draws_questions
        and not attempt.quiz.is_closed(now)
        and services.attempts_left(
            quiz=attempt.quiz, session_key=session_key(request), user=request.user
        )
        != 0,
    }
    return render(request, "quiz/results.html", context)


@require_safe
def my_attempts(request: HttpRequest) -> HttpResponse:
    attempts = services.with_scores(
        services.attempts_owned_by(session_key=session_key(request), user=request.user)
    )
    return render(request, "quiz/my_attempts.html", {"attempts": attempts[:200]})


@staff_member_required
def preview(request: HttpRequest, question_id: int) -> HttpResponse:
    """A question as students see it, for its author: a GET shows it, a POST of an
    option shows that option's feedback. No attempt is made and nothing is saved."""
    question = get_object_or_404(Question.objects.select_related("quiz__lesson"), pk=question_id)
    chosen = None
    if request.method == "POST":
        try:
            chosen = PreviewAnswerForm(request.POST, question=question).validated()["choice"]
        except services.QuizError as error:
            messages.error(request, error.message)
    state = presenters.preview_state(question, chosen=chosen)
    context = {"state": state, "quiz": question.quiz, "preview": True}
    return render(request, "quiz/preview.html", context)

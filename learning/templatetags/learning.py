"""What the lesson pages, the home page and a results page show of a learner: lessons/
and quiz/ know nothing of learning, their templates ask here (as for the quiz cards).

Per student, so never inside the lesson page's cached body."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from learning import selectors
from learning.models import ModeQuiz
from learning.owners import Learner
from lessons.models import Lesson
from quiz.browser import session_key
from quiz.models import Attempt

register = template.Library()


def _learner(context: template.Context) -> Learner:
    request: HttpRequest = context["request"]
    return Learner.of(user=request.user, session_key=session_key(request))


@register.inclusion_tag("learning/partials/lesson_panel.html", takes_context=True)
def learning_panel(context: template.Context, lesson: Lesson) -> dict[str, Any]:
    """The lesson's learning modes with the learner's mastery, due reviews and mistakes."""
    learner = _learner(context)
    record = selectors.lesson_record(lesson, learner)
    due = selectors.due_cards(learner).filter(question__quiz__lesson=lesson).count()
    return {
        "lesson": lesson,
        "record": record,
        "mastery": record.mastery,
        "due": due,
        "Kind": ModeQuiz.Kind,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("learning/partials/due_summary.html", takes_context=True)
def due_summary(context: template.Context) -> dict[str, Any]:
    return {"due": selectors.due_cards(_learner(context)).count()}


@register.inclusion_tag("learning/partials/run_results.html", takes_context=True)
def learning_results(context: template.Context, attempt: Attempt) -> dict[str, Any]:
    """What a finished learning-mode run adds to its results: a "Test this pattern"
    verdict, or what is still due after a review; nothing for any other attempt."""
    if not attempt.quiz.draws_questions:
        return {}
    mode = ModeQuiz.objects.filter(quiz_id=attempt.quiz_id).values_list("kind", flat=True).first()
    if mode == ModeQuiz.Kind.PATTERN:
        return {"mastery": selectors.attempt_mastery(attempt), "lesson": attempt.quiz.lesson}
    if mode == ModeQuiz.Kind.REVIEW:
        return {"still_due": selectors.due_cards(_learner(context)).count()}
    return {}

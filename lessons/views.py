from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from lessons import selectors
from lessons.models import Lesson


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    lessons = selectors.with_difficulty_mix(selectors.published_lessons())
    return render(request, "lessons/index.html", {"lessons": lessons})


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug, published=True)
    # Read only when the page's cached body is missing (templates/lessons/detail.html).
    quizzes = SimpleLazyObject(
        lambda: selectors.with_difficulty_mix(selectors.published_quizzes(lesson))
    )
    return render(
        request,
        "lessons/detail.html",
        {"lesson": lesson, "sections": lesson.sections.all(), "quizzes": quizzes},
    )

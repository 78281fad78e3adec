from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lessons.models import Lesson


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    lessons = Lesson.objects.published().order_by("category", "title")
    return render(request, "lessons/index.html", {"lessons": lessons})


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.published(), slug=slug)
    return render(
        request,
        "lessons/detail.html",
        {"lesson": lesson, "sections": lesson.sections.all()},
    )

"""The labs a lesson section can end with: lessons/ knows their names only, its template
asks here (`{% lab_panel section.lab lesson=lesson %}`)."""

from __future__ import annotations

import logging

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from lab import presenters
from lessons.models import Lesson, Section

logger = logging.getLogger(__name__)
register = template.Library()

PANELS = {Section.Lab.CONCURRENCY: "lab/partials/panel.html"}


@register.simple_tag
def lab_panel(name: str, lesson: Lesson | None = None) -> SafeString:
    """The panel, the same for every visitor: the lesson's body is cached as one."""
    panel = PANELS.get(name)  # type: ignore[call-overload]  # a Lab value, or a stray name
    if panel is None:
        logger.warning("no lab panel named %r", name)
        return SafeString("")
    context = {**presenters.panel_context(), "lesson_slug": lesson.slug if lesson else ""}
    return SafeString(render_to_string(panel, context))

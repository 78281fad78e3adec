"""The lab's pages: a run the server measures for a browser without JavaScript, and a run
the browser measured, drawn. Both render the panel's result partial."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from lab import presenters, services
from lab.endpoints import Refusals, who
from lab.forms import BrowserRunForm, RunForm

logger = logging.getLogger(__name__)
# A crowd turned away is a line now and then, not a line a request.
limited_runs = Refusals(logging.WARNING, "lab run rate limit hit from", logger)
refused_runs = Refusals(logging.INFO, "lab run refused:", logger)


def _page_context(form: RunForm, **extra: Any) -> dict[str, Any]:
    cleaned = form.cleaned_data if form.is_valid() else {}
    slug = cleaned.get("lesson")
    lesson_url = (
        reverse("lessons:detail", kwargs={"slug": slug}) if slug else reverse("lessons:index")
    )
    return {
        **presenters.panel_context(),
        "requests": cleaned.get("requests"),
        "lesson_slug": slug or "",
        "lesson_url": lesson_url,
        **extra,
    }


def _first_error(form: RunForm) -> str:
    return str(next(iter(form.errors.values()))[0])


@never_cache
@require_safe
async def run(request: HttpRequest) -> HttpResponse:
    """Measure a run here, sending the requests to this server's own endpoints."""
    form = RunForm(request.GET)
    page = sync_to_async(render)
    if not form.is_valid():
        logger.info("lab run refused: %s", form.errors.get_json_data())
        context = _page_context(form, error=_first_error(form))
        return await page(request, "lab/result.html", context, status=400)
    limited = await sync_to_async(is_ratelimited)(
        request, group="lab.run", key="ip", rate=settings.RATELIMIT_LAB_RUNS, increment=True
    )
    if limited:
        limited_runs.note(who(request))
        error = _(
            "This address started more runs than %(rate)s; wait a minute and run it again."
        ) % {"rate": settings.RATELIMIT_LAB_RUNS}
        response = await page(
            request, "lab/result.html", _page_context(form, error=error), status=429
        )
        response["Retry-After"] = "60"
        return response
    try:
        measured = await services.measure_on_server(
            requests=form.cleaned_data["requests"],
            # The socket this request came in on (Daphne's; None under WSGI or a Unix socket).
            server=getattr(request, "scope", {}).get("server"),
            host=request.get_host(),
        )
    except services.LabRefusal as refusal:
        with translation.override(settings.LANGUAGE_CODE):  # logs stay in English
            refused_runs.note(str(refusal.message))
        context = _page_context(form, error=str(refusal.message))
        response = await page(request, "lab/result.html", context, status=503)
        response["Retry-After"] = "5"
        return response
    context = _page_context(form, **presenters.result_context(measured))
    return await page(request, "lab/result.html", context)


@never_cache
@require_safe
def result(request: HttpRequest) -> HttpResponse:
    """Draw a run the browser measured: the partial for lab.js, the page for a link."""
    form = BrowserRunForm(request.GET)
    partial = request.htmx  # type: ignore[attr-defined]  # django_htmx's middleware
    if not form.is_valid():
        logger.warning("lab: a browser's timings refused: %s", form.errors.get_json_data())
        context = _page_context(form, error=_first_error(form))
        template = "lab/partials/error.html" if partial else "lab/result.html"
        return render(request, template, context, status=400)
    context = _page_context(form, **presenters.result_context(form.run()))
    template = "lab/partials/result.html" if partial else "lab/result.html"
    return render(request, template, context)

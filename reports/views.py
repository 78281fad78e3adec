"""The instructors' report pages and CSV downloads: staff only, read only.

Quiz-level pages need the Instructors group's read permissions on answers (every
instructor has them, live/roles.py); a live session's report, which names players
beside their scores, is for those who may run that session: its host, instructors
allowed to control any session, and superusers (live.services.is_host).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from live import services as live_services
from live.models import LiveSession
from quiz.models import Quiz
from reports import charts, exports, selectors, sessions
from reports.forms import AnalysisForm
from reports.overview import MIN_RESPONSES_FOR_HARDEST, quiz_overview

READ_ANSWERS = ("quiz.view_response", "live.view_liveanswer")


def reader_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Staff (else the admin's sign-in) who may read answers (else 403)."""
    return staff_member_required(permission_required(READ_ANSWERS, raise_exception=True)(view))


def _csv(rows: Iterable[Iterable[exports.Cell]], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _session(request: HttpRequest, pk: int) -> LiveSession:
    session = get_object_or_404(LiveSession.objects.select_related("quiz", "host"), pk=pk)
    if not live_services.is_host(session=session, actor=request.user):
        raise PermissionDenied(_("Only the session's host can read its report."))
    return session


@reader_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/overview.html",
        {
            "summaries": quiz_overview(),
            "min_responses": MIN_RESPONSES_FOR_HARDEST,
        },
    )


@reader_required
def quiz_analysis(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz, slug=slug)
    form = AnalysisForm(request.GET)
    source, sort = form.choice()
    result = selectors.item_analysis(quiz=quiz, source=source, sort=sort)
    context: dict[str, Any] = {
        "form": form,
        "result": result,
        "facility_chart": charts.facility_bars(result.questions),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/analysis.html", context)


@reader_required
def quiz_analysis_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    quiz = get_object_or_404(Quiz, slug=slug)
    source, sort = AnalysisForm(request.GET).choice()
    result = selectors.item_analysis(quiz=quiz, source=source, sort=sort)
    return _csv(exports.analysis_rows(result), f"{quiz.slug}-item-analysis-{source}.csv")


@reader_required
def quiz_responses_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    quiz = get_object_or_404(Quiz, slug=slug)
    source = AnalysisForm(request.GET).choice()[0]
    return _csv(
        exports.response_rows(quiz=quiz, source=source), f"{quiz.slug}-responses-{source}.csv"
    )


@staff_member_required
def session_report(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    report = sessions.session_report(session=session)
    return render(
        request,
        "reports/session.html",
        {"report": report, "facility_chart": charts.facility_bars(report.analysis.questions)},
    )


@staff_member_required
def session_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    session = _session(request, pk)
    name = f"{slugify(session.quiz.slug)}-live-{session.join_code}-{session.pk}.csv"
    return _csv(exports.session_rows(session), name)

"""The quiz admin's "Import questions" and "Export questions" pages.

QuizAdmin.get_urls wraps each in the admin site's `admin_view` (staff login, CSRF,
no caching). The upload is parsed and shown; what is confirmed is the same text, kept
in the session, parsed and checked again under the quiz's lock: the preview's verdict is
never trusted on its own.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from quiz.interchange.formats import FORMATS, Format
from quiz.interchange.forms import ImportForm
from quiz.interchange.model import InterchangeError, ParseResult, Problem
from quiz.interchange.services import (
    Action,
    ImportPlan,
    ImportRefused,
    export_questions,
    import_questions,
    plan_import,
)
from quiz.models import Quiz

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

IMPORT_PERMISSIONS = ["quiz.add_question", "quiz.change_question", "quiz.add_choice",
                      "quiz.change_choice", "quiz.delete_choice"]  # fmt: skip


def _session_key(quiz: Quiz) -> str:
    return f"question_import:{quiz.pk}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _quiz(model_admin: ModelAdmin[Quiz], request: HttpRequest, object_id: str) -> Quiz:
    quiz = model_admin.get_object(request, object_id)
    if quiz is None:
        raise Http404("No such quiz.")
    return quiz


def _importable(model_admin: ModelAdmin[Quiz], request: HttpRequest, object_id: str) -> Quiz:
    quiz = _quiz(model_admin, request, object_id)
    if not (
        model_admin.has_change_permission(request, quiz)
        and request.user.has_perms(IMPORT_PERMISSIONS)
    ):
        raise PermissionDenied
    return quiz


def _parse(chosen: Format, text: str) -> ParseResult:
    try:
        return chosen.parse(text)
    except InterchangeError as error:
        return ParseResult(errors=[Problem("the file", str(error))])


def _render(
    model_admin: ModelAdmin[Quiz], request: HttpRequest, quiz: Quiz, template: str, **extra: Any
) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": quiz,
        "quiz": quiz,
        "change_url": reverse("admin:quiz_quiz_change", args=[quiz.pk]),
        "crumb": _("Import questions"),
        **extra,
    }
    return TemplateResponse(request, f"admin/quiz/quiz/{template}", context)


def _preview(
    model_admin: ModelAdmin[Quiz], request: HttpRequest, plan: ImportPlan, **extra: Any
) -> TemplateResponse:
    return _render(
        model_admin,
        request,
        plan.quiz,
        "import_preview.html",
        title=_("Import questions into %(quiz)s: preview") % {"quiz": plan.quiz},
        plan=plan,
        created=plan.of(Action.CREATE),
        changed=plan.of(Action.CHANGE),
        unchanged=plan.of(Action.UNCHANGED),
        **extra,
    )


def import_upload(
    model_admin: ModelAdmin[Quiz], request: HttpRequest, object_id: str
) -> HttpResponse:
    quiz = _importable(model_admin, request, object_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        chosen, name, text = form.validated()
        plan = plan_import(quiz=quiz, parsed=_parse(chosen, text))
        if not plan.ok:
            return _preview(model_admin, request, plan, file_name=name, format=chosen)
        request.session[_session_key(quiz)] = {"format": chosen.name, "name": name, "text": text}
        return _preview(
            model_admin, request, plan, file_name=name, format=chosen, digest=_digest(text)
        )
    return _render(
        model_admin,
        request,
        quiz,
        "import_form.html",
        title=_("Import questions into %(quiz)s") % {"quiz": quiz},
        form=form,
        formats=FORMATS.values(),
    )


def import_confirm(
    model_admin: ModelAdmin[Quiz], request: HttpRequest, object_id: str
) -> HttpResponse:
    quiz = _importable(model_admin, request, object_id)
    upload_url = reverse("admin:quiz_quiz_import", args=[quiz.pk])
    pending = request.session.get(_session_key(quiz))
    if request.method != "POST" or not pending:
        return HttpResponseRedirect(upload_url)
    if request.POST.get("digest") != _digest(pending["text"]):
        messages.warning(request, _("That preview is out of date (another file was uploaded)."))
        return HttpResponseRedirect(upload_url)
    chosen = FORMATS[pending["format"]]
    try:
        plan = import_questions(quiz=quiz, parsed=_parse(chosen, pending["text"]))
    except ImportRefused as refused:
        return _preview(
            model_admin, request, refused.plan, file_name=pending["name"], format=chosen
        )
    del request.session[_session_key(quiz)]
    messages.success(
        request,
        _(
            "Imported %(name)s: %(created)s questions created, %(changed)s changed, "
            "%(unchanged)s unchanged, %(skipped)s skipped."
        )
        % {
            "name": pending["name"],
            "created": len(plan.of(Action.CREATE)),
            "changed": len(plan.of(Action.CHANGE)),
            "unchanged": len(plan.of(Action.UNCHANGED)),
            "skipped": len(plan.skipped),
        },
    )
    return HttpResponseRedirect(reverse("admin:quiz_quiz_change", args=[quiz.pk]))


def export_page(
    model_admin: ModelAdmin[Quiz], request: HttpRequest, object_id: str
) -> HttpResponse:
    quiz = _quiz(model_admin, request, object_id)
    if not model_admin.has_view_permission(request, quiz):
        raise PermissionDenied
    return _render(
        model_admin,
        request,
        quiz,
        "export.html",
        title=_("Export the questions of %(quiz)s") % {"quiz": quiz},
        crumb=_("Export questions"),
        formats=FORMATS.values(),
    )


def export_download(
    model_admin: ModelAdmin[Quiz], request: HttpRequest, object_id: str, format_name: str
) -> HttpResponse:
    quiz = _quiz(model_admin, request, object_id)
    if not model_admin.has_view_permission(request, quiz):
        raise PermissionDenied
    chosen = FORMATS.get(format_name)
    if chosen is None:
        raise Http404("No such format.")
    response = HttpResponse(
        export_questions(quiz=quiz, file_format=chosen), content_type=chosen.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}{chosen.extension}"'
    return response

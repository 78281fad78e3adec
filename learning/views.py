"""Learners' pages: the learning modes' starts, progress, review, and accounts.

Accounts are Django's own auth views (no django-allauth: no social login is wanted and
the built-in views do sign-in, sign-out and password reset). Signing in or up moves what
the browser did as a visitor into the account: the session key it had is read before
Django's login() cycles it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import FormView
from django_ratelimit.decorators import ratelimit

from learning import selectors, services
from learning.forms import SignUpForm
from learning.models import ModeQuiz
from learning.owners import Learner
from lessons.models import Lesson
from quiz.browser import session_key
from quiz.services import QuizError

if TYPE_CHECKING:
    _FormView = FormView[SignUpForm]
else:  # generic in django-stubs only
    _FormView = FormView


def learner_of(request: HttpRequest, *, create: bool = False) -> Learner:
    return Learner.of(user=request.user, session_key=session_key(request, create=create))


def login_rate(group: str, request: HttpRequest) -> str:
    return settings.RATELIMIT_LOGIN


def _too_many(request: HttpRequest) -> bool:
    if getattr(request, "limited", False):
        messages.error(request, _("Too many tries from here; wait a minute and try again."))
        return True
    return False


@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """GET: what the mode is, with its Start button; POST: start it.

    The lesson page links here rather than carrying the form itself: a form's CSRF
    token sets a cookie, and a page that sets one is no longer shared between
    cookie-less readers (make run-split's page cache, tests/test_split.py)."""
    lesson = get_object_or_404(Lesson.objects.published(), slug=slug)
    if kind not in ModeQuiz.Kind.values:
        raise Http404("No such learning mode.")
    if request.method != "POST":
        mode = ModeQuiz.Kind(kind)
        return render(
            request,
            "learning/start.html",
            {"lesson": lesson, "mode": mode, "size": services.PATTERN_TEST_SIZE},
        )
    try:
        attempt = services.start_mode(
            lesson=lesson, kind=ModeQuiz.Kind(kind), learner=learner_of(request, create=True)
        )
    except QuizError as refusal:
        messages.info(request, refusal.message)
        return redirect(lesson)
    return redirect(attempt)


@require_safe
def progress(request: HttpRequest) -> HttpResponse:
    rows = selectors.progress(learner_of(request))
    return render(request, "learning/progress.html", {"rows": rows})


@require_safe
def review(request: HttpRequest) -> HttpResponse:
    due = selectors.due_by_lesson(learner_of(request))
    lessons = Lesson.objects.published().filter(pk__in=due).order_by("category", "title")
    rows = [(lesson, due[lesson.pk]) for lesson in lessons]
    return render(
        request, "learning/review.html", {"rows": rows, "total": sum(n for _l, n in rows)}
    )


@method_decorator(ratelimit(key="ip", rate=login_rate, method="POST", block=False), name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "learning/sign_in.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _too_many(request):
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        visitor = self.request.session.session_key  # login() gives the session a new key
        response = super().form_valid(form)
        services.adopt_visitor_data(session_key=visitor, user=form.get_user())
        return response


@method_decorator(ratelimit(key="ip", rate=login_rate, method="POST", block=False), name="dispatch")
class SignUpView(_FormView):
    template_name = "learning/sign_up.html"
    form_class = SignUpForm
    success_url = reverse_lazy("learning:progress")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _too_many(request):
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: SignUpForm) -> HttpResponse:
        visitor = self.request.session.session_key  # login() gives the session a new key
        user = form.save()
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        services.adopt_visitor_data(session_key=visitor, user=user)
        messages.success(
            self.request,
            _("Welcome, %(name)s: your progress is kept here.") % {"name": user.username},
        )
        return super().form_valid(form)


class SignOutView(auth_views.LogoutView):
    next_page = "lessons:index"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "learning/password_reset_form.html"
    email_template_name = "learning/email/password_reset.txt"
    subject_template_name = "learning/email/password_reset_subject.txt"
    success_url = reverse_lazy("learning:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "learning/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "learning/password_reset_confirm.html"
    success_url = reverse_lazy("learning:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "learning/password_reset_complete.html"

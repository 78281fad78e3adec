from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_ratelimit.decorators import ratelimit

admin.site.site_header = gettext_lazy("quizsite authoring")
admin.site.site_title = "quizsite"


def login_rate(group: str, request: HttpRequest) -> str:
    return settings.RATELIMIT_LOGIN


@ratelimit(key="ip", rate=login_rate, method="POST", block=False)
def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's own login, with password guessing slowed to a crawl."""
    if getattr(request, "limited", False):
        return HttpResponse(
            _("Too many sign-in attempts; wait a minute and try again."),
            status=429,
            content_type="text/plain",
        )
    return admin.site.login(request, extra_context)


@require_safe
def language(request: HttpRequest) -> HttpResponse:
    """The language switch's page: Django's set_language form, on a page of its own
    (templates/base.html links here). set_language checks `next` before it follows it."""
    return render(request, "language.html", {"next": request.GET.get("next", "/")})


urlpatterns = [
    path("admin/login/", admin_login, name="admin_login"),
    path("language/", language, name="language"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language, the language switch
    path("", include("quiz.urls")),
    path("", include("live.urls")),
    path("", include("lab.urls")),
    path("instructor/", include("reports.urls")),
    path("", include("learning.urls")),
    path("", include("lessons.urls")),
]

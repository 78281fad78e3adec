from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from live import services
from live.models import LiveAnswer, LiveSession, Player
from quiz.admin import QuizAdmin
from quiz.models import Quiz

# The quiz app knows nothing of the live classroom: its quiz admin is extended here.
admin.site.unregister(Quiz)


@admin.register(Quiz)
class LiveQuizAdmin(QuizAdmin):
    list_display = [*QuizAdmin.list_display, "run_live"]
    readonly_fields = ["run_live"]
    actions = ["start_live_session"]

    # The live column, field and action only for those who may host (live/roles.py).
    def get_list_display(self, request: HttpRequest) -> list[Any]:
        shown = list(super().get_list_display(request))
        return shown if services.can_host(request.user) else [f for f in shown if f != "run_live"]

    def get_readonly_fields(self, request: HttpRequest, obj: Quiz | None = None) -> list[str]:
        shown = list(super().get_readonly_fields(request, obj))
        return shown if services.can_host(request.user) else []

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not services.can_host(request.user):
            actions.pop("start_live_session", None)
        return actions

    @admin.display(description=gettext_lazy("Live classroom"))
    def run_live(self, quiz: Quiz) -> str:
        if quiz._state.adding:
            return "Save the quiz first."
        url = f"{reverse('live:index')}?quiz={quiz.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Run it live…"))

    @admin.action(description=gettext_lazy("Start a live session for the selected quiz"))
    def start_live_session(
        self, request: HttpRequest, queryset: QuerySet[Quiz]
    ) -> HttpResponseRedirect | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one quiz to run live."), messages.WARNING)
            return None
        try:
            session = services.create_session(quiz=queryset.get(), host=request.user)
        except services.LiveError as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return None
        return HttpResponseRedirect(session.get_absolute_url())


class PlayerInline(admin.TabularInline):
    model = Player
    extra = 0
    fields = ["nickname", "score", "streak", "kicked", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ["join_code", "quiz", "host", "state", "created_at", "ended_at"]
    list_filter = ["state", "quiz"]
    search_fields = ["join_code", "quiz__title", "players__nickname"]
    readonly_fields = [
        "report",
        "version",
        "question_opened_at",
        "question_deadline",
        "created_at",
    ]
    inlines = [PlayerInline]

    @admin.display(description=gettext_lazy("Report"))
    def report(self, session: LiveSession) -> str:
        if session._state.adding:
            return "-"
        # By URL name: the reports app reads live's models, live never imports it.
        url = reverse("reports:session", kwargs={"pk": session.pk})
        return format_html(
            '<a href="{}">{}</a>', url, _("Session report (per player and per question)")
        )


@admin.register(LiveAnswer)
class LiveAnswerAdmin(admin.ModelAdmin):
    list_display = ["player", "question", "is_correct", "points", "elapsed_ms", "answered_at"]
    list_filter = ["player__session", "is_correct"]
    list_select_related = ["player", "question"]

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import URLPattern, path

from quiz.interchange import admin_views as interchange
from quiz.models import Attempt, Choice, Question, Quiz, Response, validate_options


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        validate_options(
            [
                (form.cleaned_data.get("text", ""), bool(form.cleaned_data.get("is_correct")))
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
        )

    @transaction.atomic
    def save_existing_objects(self, commit: bool = True) -> list[Any]:
        if not commit:
            return super().save_existing_objects(commit)
        self.changed_objects, self.deleted_objects = [], []
        kept_forms = []
        for form in self.initial_forms:
            if form.instance.pk is None:
                continue
            if form in self.deleted_forms:
                self.deleted_objects.append(form.instance)
                self.delete_existing(form.instance, commit=True)
            else:
                kept_forms.append(form)
        Choice.objects.filter(pk__in=[form.instance.pk for form in kept_forms]).park()
        saved = []
        for form in kept_forms:
            if form.has_changed():
                self.changed_objects.append((form.instance, form.changed_data))
            saved.append(self.save_existing(form, form.instance, commit=True))
        return saved


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 4
    fields = ["order", "text", "is_correct", "feedback"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["short_prompt", "quiz", "order", "difficulty"]
    list_display_links = ["short_prompt"]
    list_filter = ["quiz", "difficulty", "quiz__lesson"]
    search_fields = ["prompt", "code", "choices__text"]
    list_select_related = ["quiz"]
    ordering = ["quiz", "order"]
    inlines = [ChoiceInline]
    fieldsets = [
        (None, {"fields": ["quiz", "order", "difficulty", "prompt", ("code", "language")]}),
        (
            "Solution",
            {
                "fields": [
                    "solution_steps",
                    "final_answer",
                    "quick_check",
                    "hint",
                    "common_mistakes",
                ]
            },
        ),
    ]

    @admin.display(description="Prompt")
    def short_prompt(self, question: Question) -> str:
        return question.prompt if len(question.prompt) <= 80 else question.prompt[:79] + "…"


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "prompt", "difficulty"]
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "lesson", "mode", "question_count", "published"]
    list_filter = ["mode", "published", "lesson"]
    search_fields = ["title", "description", "lesson__title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any) -> Any:
            return self.admin_site.admin_view(
                lambda *args, **kwargs: function(self, *args, **kwargs)
            )

        return [
            path("<path:object_id>/import/", view(interchange.import_upload),
                 name="quiz_quiz_import"),
            path("<path:object_id>/import/confirm/", view(interchange.import_confirm),
                 name="quiz_quiz_import_confirm"),
            path("<path:object_id>/export/", view(interchange.export_page),
                 name="quiz_quiz_export"),
            path("<path:object_id>/export/<str:format_name>/", view(interchange.export_download),
                 name="quiz_quiz_export_download"),
            *super().get_urls(),
        ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        queryset: QuerySet[Quiz] = super().get_queryset(request)
        return queryset.select_related("lesson").annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, quiz: Quiz) -> int:
        return int(getattr(quiz, "question_total", 0))  # annotated by get_queryset


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    can_delete = False
    readonly_fields = (
        "question",
        "choice",
        "is_correct",
        "time_taken_ms",
        "hint_used",
        "answered_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "quiz", "user", "started_at", "finished_at"]
    list_filter = ["quiz", "finished_at"]
    readonly_fields = [
        "quiz",
        "user",
        "session_key",
        "started_at",
        "finished_at",
        "current_question",
        "question_shown_at",
        "hint_shown",
    ]
    inlines = [ResponseInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

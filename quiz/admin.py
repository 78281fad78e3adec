from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy

from quiz.interchange import admin_views as interchange
from quiz.models import Attempt, Choice, Question, Quiz, Response, validate_options


class LabelledRowsFormSet(BaseInlineFormSet):
    """An inline table names its inputs only by its column headings, which a screen reader
    in forms mode does not read: each input is named "<column>, row N" (axe's `label`)."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("aria-label", f"{field.label or name}, {row}")


class LabelledDateTimeMixin:
    """The admin's date and time boxes for one field share one <label> without a `for`
    (a MultiWidget has no single id): each box is named "<field>: date" and ": time"."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and isinstance(formfield.widget, AdminSplitDateTime):
            date, time = formfield.widget.widgets
            date.attrs["aria-label"] = f"{formfield.label}: date"
            time.attrs["aria-label"] = f"{formfield.label}: time"
        return formfield


class ChoiceForm(forms.ModelForm):
    """An option's row: its order may be left blank (the formset numbers it), and its two
    texts are small boxes, so that the row fits a 1366 px screen."""

    class Meta:
        model = Choice
        fields = ["order", "text", "is_correct", "feedback"]
        widgets = {
            "order": forms.NumberInput(attrs={"class": "choice-order", "min": 0}),
            "text": forms.Textarea(attrs={"rows": 2, "cols": 36}),
            "feedback": forms.Textarea(attrs={"rows": 2, "cols": 36}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = "Left blank: after the others."


class ChoiceFormSet(LabelledRowsFormSet):
    def clean(self) -> None:
        self._number_blank_orders()
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

    def _number_blank_orders(self) -> None:
        """An option without an order goes after the numbered ones, in the rows' order,
        before the duplicate check: the server's half of up/down (static/js/choice_order.js)."""
        rows = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and (form in self.initial_forms or form.has_changed())
            and not form.cleaned_data.get("DELETE")
        ]
        taken = [
            form.cleaned_data["order"]
            for form in rows
            if form.cleaned_data.get("order") is not None
        ]
        following = max(taken, default=0) + 1
        for form in rows:
            if form.cleaned_data.get("order") is None and "order" not in form.errors:
                form.cleaned_data["order"] = form.instance.order = following
                following += 1

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
    form = ChoiceForm
    formset = ChoiceFormSet
    extra = 4
    fields = ["order", "text", "is_correct", "feedback"]

    class Media:
        js = ["js/choice_order.js"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["short_prompt", "quiz", "order", "difficulty"]
    list_display_links = ["short_prompt"]
    list_filter = ["quiz", "difficulty", "quiz__lesson"]
    search_fields = ["prompt", "code", "choices__text"]
    list_select_related = ["quiz"]
    ordering = ["quiz", "order"]
    inlines = [ChoiceInline]
    # Adds "Preview as a student" to the change page's tools.
    change_form_template = "admin/quiz/question/change_form.html"
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

    @admin.display(description=gettext_lazy("Prompt"))
    def short_prompt(self, question: Question) -> str:
        return question.prompt if len(question.prompt) <= 80 else question.prompt[:79] + "…"


class QuestionInline(admin.TabularInline):
    model = Question
    formset = LabelledRowsFormSet
    extra = 0
    fields = ["order", "prompt", "difficulty"]
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(LabelledDateTimeMixin, admin.ModelAdmin):
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

    @admin.display(description=gettext_lazy("Questions"), ordering="question_total")
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

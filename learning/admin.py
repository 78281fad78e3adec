"""Learners' review cards and the lessons' mode quizzes, for instructors to look at:
both are written by the answers and the learning modes, never by hand."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from learning.models import ModeQuiz, ReviewCard


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReviewCard)
class ReviewCardAdmin(ReadOnlyAdmin):
    list_display = ("owner", "user", "question", "due", "last_rating", "reviews")
    list_filter = ("last_rating", "question__quiz__lesson")
    list_select_related = ("user", "question__quiz")
    search_fields = ("user__username",)
    date_hierarchy = "due"


@admin.register(ModeQuiz)
class ModeQuizAdmin(ReadOnlyAdmin):
    list_display = ("lesson", "kind", "quiz")
    list_select_related = ("lesson", "quiz")

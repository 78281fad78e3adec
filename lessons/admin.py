from django.contrib import admin

from lessons.models import Lesson, Section


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = [
        "order",
        "heading",
        "body",
        ("code", "language"),
        "caption",
        ("list_style", "items"),
        "table",
        "definitions",
        ("callout_tone", "callout_title"),
        "callout_text",
        "lab",
    ]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "impact", "reading_minutes", "published", "updated_at"]
    list_filter = ["published", "category", "impact"]
    search_fields = ["title", "summary", "sections__heading", "sections__body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]

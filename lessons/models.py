from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.highlight import highlight_code


class LessonQuerySet(models.QuerySet["Lesson"]):
    def published(self) -> LessonQuerySet:
        return self.filter(published=True)


class Lesson(models.Model):
    class Impact(models.TextChoices):
        LOW = "low", _("Low impact")
        MEDIUM = "medium", _("Medium impact")
        HIGH = "high", _("High impact")

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=80)
    summary = models.TextField(blank=True)
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.MEDIUM)
    reading_minutes = models.PositiveSmallIntegerField(default=5)
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:detail", kwargs={"slug": self.slug})

    def touch(self) -> None:
        """Move updated_at, which keys the cached rendering of the lesson page's body."""
        self.updated_at = timezone.now()
        Lesson.objects.filter(pk=self.pk).update(updated_at=self.updated_at)


def touch_lessons(*lesson_ids: int | None) -> None:
    """Lesson.touch() by id: for rows that may be on their way out with a delete."""
    Lesson.objects.filter(pk__in=[pk for pk in lesson_ids if pk]).update(updated_at=timezone.now())


def validate_table(value: object) -> None:
    if value in (None, {}):
        return
    if not isinstance(value, dict) or not isinstance(value.get("columns"), list):
        raise ValidationError('A table is {"columns": [...], "rows": [[...], ...]}.')
    width = len(value["columns"])
    for row in value.get("rows", []):
        if not isinstance(row, list) or len(row) != width:
            raise ValidationError(f"Every table row needs {width} cells, one per column.")


def validate_definitions(value: object) -> None:
    if not value:
        return
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and {"term", "text"} <= item.keys() for item in value
    ):
        raise ValidationError('Definitions are [{"term": ..., "text": ...}, ...].')


def validate_items(value: object) -> None:
    if value and (not isinstance(value, list) or not all(isinstance(i, str) for i in value)):
        raise ValidationError("List items are a list of strings.")


class Section(models.Model):
    """One part of a lesson page; every part but the heading is optional."""

    class ListStyle(models.TextChoices):
        ORDERED = "ordered", "Numbered"
        UNORDERED = "unordered", "Bulleted"

    class Tone(models.TextChoices):
        GAIN = "gain", "Gain"
        COST = "cost", "Cost"
        WARNING = "warning", "Warning"
        INFO = "info", "Info"

    class Lab(models.TextChoices):
        """Hands-on panels a section can end with; the lab app renders them."""

        CONCURRENCY = "concurrency", "Measure it: blocking and non-blocking requests"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Plain text; a blank line starts a paragraph.")
    code = models.TextField(blank=True)
    language = models.CharField(max_length=40, blank=True, default="python")
    code_html = models.TextField(blank=True, editable=False)
    caption = models.TextField(blank=True)
    list_style = models.CharField(
        max_length=10, choices=ListStyle.choices, default=ListStyle.UNORDERED
    )
    items = models.JSONField(default=list, blank=True, validators=[validate_items])
    table = models.JSONField(default=dict, blank=True, validators=[validate_table])
    definitions = models.JSONField(default=list, blank=True, validators=[validate_definitions])
    callout_tone = models.CharField(max_length=10, choices=Tone.choices, blank=True)
    callout_title = models.CharField(max_length=120, blank=True)
    callout_text = models.TextField(blank=True)
    lab = models.CharField(
        max_length=40,
        choices=Lab.choices,
        blank=True,
        help_text="A hands-on panel shown after this section.",
    )

    class Meta:
        ordering = ["lesson", "order"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "order"], name="unique_section_order"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson}: {self.heading}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code_html = highlight_code(self.code, self.language)
        super().save(*args, **kwargs)
        self.lesson.touch()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


# post_delete fires for each row of a queryset delete too (the admin's "delete selected").
@receiver(post_delete, sender=Section)
def section_deleted(sender: type[Section], instance: Section, **kwargs: object) -> None:
    touch_lessons(instance.lesson_id)

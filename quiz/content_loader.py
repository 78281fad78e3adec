"""Load lessons and their quizzes from the readable files in content/.

Idempotent: records are matched on natural keys (lesson slug, section order, quiz
slug, question order, choice order) and updated in place. Nothing that students
answered is ever deleted: questions and choices missing from a file are left alone.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from lessons.models import Lesson, Section
from quiz.models import Choice, Question, Quiz, validate_options

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)

CONTENT_DIR = Path(settings.BASE_DIR) / "content"


class ContentError(ValueError):
    pass


def content_files() -> list[Path]:
    return sorted(CONTENT_DIR.glob("*.yaml"))


@transaction.atomic
def load_content_file(path: Path) -> Counter[str]:
    """Create or update everything in one file; returns counts of rows created."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "lesson" not in data:
        raise ContentError(f"{path}: expected a top-level 'lesson' mapping.")
    created: Counter[str] = Counter()
    lesson = _load_lesson(data["lesson"], created)
    for quiz_data in data.get("quizzes", []):
        _load_quiz(lesson, quiz_data, created)
    logger.info("loaded %s: created %s", path.name, dict(created) or "nothing")
    return created


def _upsert(model: type[M], created: Counter[str], lookup: dict[str, Any], **fields: Any) -> M:
    obj, was_created = model._default_manager.update_or_create(**lookup, defaults=fields)
    if was_created:
        created[model.__name__] += 1
    return obj


def _load_lesson(data: dict[str, Any], created: Counter[str]) -> Lesson:
    lesson = _upsert(
        Lesson,
        created,
        {"slug": data["slug"]},
        title=data["title"],
        category=data.get("category", ""),
        summary=data.get("summary", ""),
        impact=data.get("impact", Lesson.Impact.MEDIUM),
        reading_minutes=data.get("reading_minutes", 5),
        published=data.get("published", True),
    )
    sections = data.get("sections", [])
    for order, section in enumerate(sections, start=1):
        lab = section.get("lab", "")
        if lab not in ("", *Section.Lab.values):
            raise ContentError(
                f"section {section['heading']!r}: unknown lab {lab!r}; "
                f"known: {', '.join(Section.Lab.values)}."
            )
        callout = section.get("callout") or {}
        listing = section.get("list") or {}
        _upsert(
            Section,
            created,
            {"lesson": lesson, "order": order},
            heading=section["heading"],
            body=section.get("body", ""),
            code=section.get("code", ""),
            language=section.get("language", "python"),
            caption=section.get("caption", ""),
            list_style=listing.get("style", Section.ListStyle.UNORDERED),
            items=listing.get("items", []),
            table=section.get("table") or {},
            definitions=section.get("definitions") or [],
            callout_tone=callout.get("tone", ""),
            callout_title=callout.get("title", ""),
            callout_text=callout.get("text", ""),
            lab=lab,
        )
    # Sections are content only (nothing refers to them), so the file is the truth.
    if lesson.sections.filter(order__gt=len(sections)).delete()[0]:
        lesson.touch()
    return lesson


def _load_quiz(lesson: Lesson, data: dict[str, Any], created: Counter[str]) -> Quiz:
    quiz = _upsert(
        Quiz,
        created,
        {"slug": data["slug"]},
        lesson=lesson,
        title=data["title"],
        description=data.get("description", ""),
        mode=data.get("mode", Quiz.Mode.PRACTICE),
        order=data.get("order", 0),
        published=data.get("published", True),
    )
    for order, question_data in enumerate(data.get("questions", []), start=1):
        fields = question_fields(question_data)
        question = _upsert(Question, created, {"quiz": quiz, "order": order}, **fields)
        _load_choices(question, question_data.get("choices", []), created)
    return quiz


def question_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A question's model fields from its entry in a content file: the schema the
    content files and the YAML question import (quiz/interchange/yaml_format.py) share."""
    return {
        "prompt": data["prompt"],
        "code": data.get("code", ""),
        "language": data.get("language", "python"),
        "difficulty": data["difficulty"],
        "hint": data.get("hint", ""),
        "solution_steps": "\n\n".join(
            f"{step['title']}\n{step.get('text', '')}".strip()
            for step in data.get("solution_steps", [])
        ),
        "final_answer": data.get("final_answer", ""),
        "quick_check": data.get("quick_check", ""),
        "common_mistakes": "\n".join(data.get("common_mistakes", [])),
    }


def check_options(where: str, choices: list[dict[str, Any]]) -> None:
    """A content file's choices, checked by the rule the admin uses."""
    try:
        validate_options([(c.get("text", ""), bool(c.get("correct"))) for c in choices])
    except ValidationError as invalid:
        raise ContentError(f"{where}: {invalid.messages[0]}") from None


def _load_choices(question: Question, choices: list[dict[str, Any]], created: Counter[str]) -> None:
    check_options(str(question), choices)
    existing = {choice.order: choice for choice in question.choices.all()}
    # Park the current rows so a moved correct mark never collides mid-update.
    question.choices.park()
    for order, choice_data in enumerate(choices, start=1):
        if order not in existing:
            created["Choice"] += 1
        choice = existing.pop(order, None) or Choice(question=question)
        choice.order = order
        choice.text = choice_data["text"]
        choice.is_correct = bool(choice_data.get("correct"))
        choice.feedback = choice_data.get("feedback", "") if not choice.is_correct else ""
        choice.save()
    # Choices the file does not list (added in the admin) go back to their own order.
    for extra in existing.values():
        extra.save(update_fields=["order"])

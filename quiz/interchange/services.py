"""Importing parsed questions into a quiz, and exporting a quiz's questions.

The matching rule: a parsed question updates the quiz's question with the same prompt
and the same code sample (whitespace aside, case counts); any other is appended after
the quiz's last question. Nothing is saved unless every question passes (one
transaction); the plan that `plan_import` shows is computed again under the quiz's row
lock by `import_questions`, so a preview never vouches for a file twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from quiz.interchange.formats import Format
from quiz.interchange.model import ParsedQuestion, ParseResult, Problem, Skipped, from_question
from quiz.models import Choice, Difficulty, Question, Quiz, validate_options


class Action(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PlannedQuestion:
    parsed: ParsedQuestion
    action: Action
    existing: Question | None = None
    changed_fields: tuple[str, ...] = ()

    @property
    def changed_labels(self) -> list[str]:
        """The changed fields as the admin's form names them ("solution steps")."""
        return [
            "options" if name == "choices" else name.replace("_", " ")
            for name in self.changed_fields
        ]


@dataclass
class ImportPlan:
    quiz: Quiz
    items: list[PlannedQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def of(self, action: Action) -> list[PlannedQuestion]:
        return [item for item in self.items if item.action == action]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        counts = [
            f"{len(self.of(Action.CREATE))} to create",
            f"{len(self.of(Action.CHANGE))} to change",
            f"{len(self.of(Action.UNCHANGED))} unchanged",
            f"{len(self.skipped)} skipped",
        ]
        return ", ".join(counts) + (f", {len(self.errors)} errors" if self.errors else "")


class ImportRefused(ValueError):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("; ".join(str(problem) for problem in plan.errors))
        self.plan = plan


def match_key(prompt: str, code: str) -> tuple[str, str]:
    return " ".join(prompt.split()), " ".join(code.split())


# Field lengths the database enforces: checked first so an error names the question.
LIMITS = {"quick_check": 300, "language": 40}
CHOICE_TEXT_LIMIT = 500


def _problems(parsed: ParsedQuestion) -> list[str]:
    problems = []
    if not parsed.prompt.strip():
        problems.append("the question has no text.")
    try:
        validate_options([(option.text, option.correct) for option in parsed.options])
    except ValidationError as invalid:
        problems.extend(invalid.messages)
    if parsed.difficulty is not None and parsed.difficulty not in Difficulty.values:
        problems.append(
            f"unknown difficulty {parsed.difficulty!r}; known: {', '.join(Difficulty.values)}."
        )
    fields = parsed.fields()
    problems.extend(
        f"the {name.replace('_', ' ')} is longer than {limit} characters."
        for name, limit in LIMITS.items()
        if len(fields.get(name, "")) > limit
    )
    problems.extend(
        f"option {number} is longer than {CHOICE_TEXT_LIMIT} characters."
        for number, option in enumerate(parsed.options, start=1)
        if len(option.text) > CHOICE_TEXT_LIMIT
    )
    return problems


def _choice_rows(parsed: ParsedQuestion) -> list[tuple[str, bool, str]]:
    return [(o.text, o.correct, "" if o.correct else o.feedback) for o in parsed.options]


def _differences(parsed: ParsedQuestion, question: Question) -> tuple[str, ...]:
    changed = [name for name, value in parsed.fields().items() if getattr(question, name) != value]
    current = [(c.text, c.is_correct, c.feedback) for c in question.choices.order_by("order")]
    if current != _choice_rows(parsed):
        changed.append("choices")
    return tuple(changed)


def plan_import(*, quiz: Quiz, parsed: ParseResult) -> ImportPlan:
    """What importing `parsed` into `quiz` would do, and every reason it cannot."""
    plan = ImportPlan(quiz=quiz, skipped=list(parsed.skipped), notes=list(parsed.notes))
    plan.errors.extend(parsed.errors)
    existing: dict[tuple[str, str], Question] = {}
    for question in quiz.questions.order_by("order"):
        existing.setdefault(match_key(question.prompt, question.code), question)
    seen: dict[tuple[str, str], str] = {}
    for item in parsed.questions:
        key = match_key(item.prompt, item.code)
        if key in seen:
            plan.errors.append(Problem(item.where, f"the same question as at {seen[key]}."))
            continue
        seen[key] = item.where
        if problems := _problems(item):
            plan.errors.extend(Problem(item.where, problem) for problem in problems)
            continue
        match = existing.get(key)
        if match is None:
            plan.items.append(PlannedQuestion(item, Action.CREATE))
            continue
        changed = _differences(item, match)
        if removed := _answered_choices_removed(match, len(item.options)):
            plan.errors.append(
                Problem(item.where, f"options answered by students would be removed: {removed}.")
            )
            continue
        action = Action.CHANGE if changed else Action.UNCHANGED
        plan.items.append(PlannedQuestion(item, action, match, changed))
    if not plan.items and not plan.errors:
        plan.errors.append(Problem("the file", "no multiple-choice question to import."))
    return plan


def _answered_choices_removed(question: Question, kept: int) -> str:
    """An update keeps the first `kept` options by order; answered ones after them block it."""
    extra = question.choices.order_by("order")[kept:]
    return ", ".join(repr(c.text) for c in extra if c.responses.exists())


@transaction.atomic
def import_questions(*, quiz: Quiz, parsed: ParseResult) -> ImportPlan:
    """Create and update the questions in `parsed`, all or none (ImportRefused)."""
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    plan = plan_import(quiz=quiz, parsed=parsed)
    if not plan.ok:
        raise ImportRefused(plan)
    next_order = (quiz.questions.aggregate(last=Max("order"))["last"] or 0) + 1
    for item in plan.items:
        if item.action == Action.UNCHANGED:
            continue
        fields = item.parsed.fields()
        if item.existing is None:
            question = Question(quiz=quiz, order=next_order, difficulty=Difficulty.MEDIUM)
            next_order += 1
        else:
            question = item.existing
        for name, value in fields.items():
            setattr(question, name, value)
        question.full_clean()
        question.save()
        _write_choices(question, _choice_rows(item.parsed))
    return plan


def _write_choices(question: Question, rows: list[tuple[str, bool, str]]) -> None:
    existing = list(question.choices.order_by("order"))
    # Park the current rows so a moved correct mark never collides mid-update.
    question.choices.park()
    for order, (text, correct, feedback) in enumerate(rows, start=1):
        choice = existing[order - 1] if order <= len(existing) else Choice(question=question)
        choice.order, choice.text, choice.is_correct, choice.feedback = (
            order,
            text,
            correct,
            feedback,
        )
        choice.save()
    # Unanswered options the file no longer lists (plan_import refused answered ones).
    for extra in existing[len(rows) :]:
        extra.delete()


def export_questions(*, quiz: Quiz, file_format: Format) -> str:
    questions = quiz.questions.order_by("order").prefetch_related("choices")
    return file_format.write(quiz, [from_question(question) for question in questions])

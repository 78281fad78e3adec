"""What every format parses into, before anything touches the database.

A field that is None is one the format cannot carry: an import leaves it as it is on a
question it updates (and uses the model's default on a new one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quiz.models import Question

# How the site's solution travels in a format's one "general feedback" text: the steps
# as paragraphs, then these two labelled paragraphs (docs/import-export.md).
ANSWER_LABEL = "Answer: "
QUICK_CHECK_LABEL = "Quick check: "


class InterchangeError(ValueError):
    """A file that cannot be read at all (not UTF-8, not well-formed XML, entities)."""


@dataclass(frozen=True)
class ParsedOption:
    text: str
    correct: bool
    # The site shows an option's feedback only to a student who picked it wrongly.
    feedback: str = ""


@dataclass(frozen=True)
class ParsedQuestion:
    where: str  # "line 12" (GIFT, YAML) or '<question type="multichoice"> #3' (XML)
    prompt: str
    options: tuple[ParsedOption, ...]
    title: str = ""
    code: str = ""
    language: str = ""
    difficulty: str | None = None
    hint: str | None = None
    solution_steps: str | None = None
    final_answer: str | None = None
    quick_check: str | None = None
    common_mistakes: tuple[str, ...] | None = None

    def fields(self) -> dict[str, str]:
        """The Question fields this question carries, as the model stores them."""
        carried: dict[str, str | None] = {
            "prompt": self.prompt,
            "code": self.code,
            "difficulty": self.difficulty,
            "hint": self.hint,
            "solution_steps": self.solution_steps,
            "final_answer": self.final_answer,
            "quick_check": self.quick_check,
            "common_mistakes": (
                None if self.common_mistakes is None else "\n".join(self.common_mistakes)
            ),
        }
        if self.code:
            # Without code a language means nothing: the question keeps its own.
            carried["language"] = self.language
        return {name: value for name, value in carried.items() if value is not None}

    @property
    def general_feedback(self) -> str:
        return solution_text(
            self.solution_steps or "", self.final_answer or "", self.quick_check or ""
        )


@dataclass(frozen=True)
class Skipped:
    """An item of a type the site has no equivalent for, listed instead of imported."""

    kind: str  # "essay", "matching", "multichoice with several correct answers"...
    where: str
    reason: str = ""


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    # Things read and deliberately ignored ("category $course$/top/Week 1").
    notes: list[str] = field(default_factory=list)


def solution_text(steps: str, final_answer: str, quick_check: str) -> str:
    paragraphs = [p.strip() for p in steps.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if final_answer:
        paragraphs.append(ANSWER_LABEL + final_answer)
    if quick_check:
        paragraphs.append(QUICK_CHECK_LABEL + quick_check)
    return "\n\n".join(paragraphs)


def split_solution(text: str) -> tuple[str, str, str]:
    """(solution_steps, final_answer, quick_check) from a general feedback text."""
    steps, final_answer, quick_check = [], "", ""
    for paragraph in (p.strip() for p in text.replace("\r\n", "\n").split("\n\n")):
        if paragraph.startswith(ANSWER_LABEL):
            final_answer = paragraph.removeprefix(ANSWER_LABEL).strip()
        elif paragraph.startswith(QUICK_CHECK_LABEL):
            quick_check = paragraph.removeprefix(QUICK_CHECK_LABEL).strip()
        elif paragraph:
            steps.append(paragraph)
    return "\n\n".join(steps), final_answer, quick_check


def from_question(question: Question, where: str = "") -> ParsedQuestion:
    """A saved question in the same shape, for the writers."""
    return ParsedQuestion(
        where=where or f"question {question.order}",
        title=title_of(question.prompt),
        prompt=question.prompt,
        code=question.code,
        language=question.language,
        options=tuple(
            ParsedOption(
                text=choice.text,
                correct=choice.is_correct,
                feedback="" if choice.is_correct else choice.feedback,
            )
            for choice in question.choices.order_by("order")
        ),
        difficulty=question.difficulty,
        hint=question.hint,
        solution_steps=question.solution_steps,
        final_answer=question.final_answer,
        quick_check=question.quick_check,
        common_mistakes=tuple(question.mistakes),
    )


TITLE_LENGTH = 60


def title_of(prompt: str) -> str:
    """A question's name in Moodle (required there, absent here): its prompt's start."""
    line = " ".join(prompt.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"

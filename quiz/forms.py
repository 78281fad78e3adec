"""What a student may send, checked at the edge: the same form for a POST and a socket frame.

A view binds `request.POST`, a consumer the frame's JSON object; both get back model
instances (or a refusal fit to show the student) and hand only those to the services.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quiz import services
from quiz.ids import parse_pk
from quiz.models import Attempt, Choice, Question

Data = Any  # request.POST, request.GET or a socket frame's object


class IdField(forms.Field):
    """A primary key as a client sends it, in a form field, a frame or a URL parameter."""

    default_error_messages: ClassVar[dict[str, Any]] = {"invalid": _("That is not an id.")}

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        pk = parse_pk(value)
        if pk is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return pk


class ActionForm(forms.Form):
    """One action's input. `refusals` names the refusal each field's error becomes."""

    refusals: ClassVar[dict[str, type[services.QuizError]]] = {}

    def validated(self) -> dict[str, Any]:
        """The cleaned data, or the refusal for the first field in error, with its message."""
        if self.is_valid():
            return self.cleaned_data
        field = next(iter(self.errors))
        raise self.refusals.get(field, services.QuizError)(str(self.errors[field][0]))


def id_of(refusal: type[services.QuizError], *, required: bool = True) -> IdField:
    """An id field whose every error is `refusal`'s message."""
    messages = {"invalid": refusal.message, "required": refusal.message}
    return IdField(required=required, error_messages=messages)


class QuestionForm(ActionForm):
    """A question of this attempt's quiz: the hint button, the feedback page's ?answered=."""

    question = id_of(services.UnknownQuestion)
    refusals: ClassVar[dict[str, type[services.QuizError]]] = {"question": services.UnknownQuestion}

    def __init__(self, data: Data, *, attempt: Attempt) -> None:
        super().__init__(data)
        self.attempt = attempt

    def clean_question(self) -> Question:
        pk = self.cleaned_data["question"]
        # The quiz's questions are cached per process: no query to check an id.
        question = next((q for q in services.questions_for(self.attempt) if q.pk == pk), None)
        if question is None:
            raise ValidationError(services.UnknownQuestion.message, code="unknown")
        return question


class AnswerForm(QuestionForm):
    """An option of one of this attempt's questions."""

    choice = id_of(services.UnknownChoice)
    refusals: ClassVar[dict[str, type[services.QuizError]]] = {
        "question": services.UnknownQuestion,
        "choice": services.UnknownChoice,
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        question, pk = cleaned.get("question"), cleaned.get("choice")
        if question is not None and "choice" not in self.errors:
            choice: Choice | None = next((c for c in question.choices.all() if c.pk == pk), None)
            if choice is None:
                self.add_error("choice", services.UnknownChoice.message)
            else:
                cleaned["choice"] = choice
        return cleaned


class FlagForm(QuestionForm):
    """A test question flagged to come back to (`flagged` on), or its flag cleared."""

    flagged = forms.BooleanField(required=False)


class SubmitForm(ActionForm):
    """ "Submit all": only with the box ticked that says the answers become final."""

    confirm = forms.BooleanField(required=False)


class PreviewAnswerForm(ActionForm):
    """The option an author picks in a question's preview: one of that question's."""

    choice = id_of(services.UnknownChoice)
    refusals: ClassVar[dict[str, type[services.QuizError]]] = {"choice": services.UnknownChoice}

    def __init__(self, data: Data, *, question: Question) -> None:
        super().__init__(data)
        self.question = question

    def clean_choice(self) -> Choice:
        pk = self.cleaned_data["choice"]
        choice = next((c for c in self.question.choices.all() if c.pk == pk), None)
        if choice is None:
            raise ValidationError(services.UnknownChoice.message, code="unknown")
        return choice

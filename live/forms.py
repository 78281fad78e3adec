"""What hosts and players may send, checked at the edge: one form per action, the same for
a plain POST and a socket frame (quiz/forms.py explains the pattern)."""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from live import services
from live.models import NICKNAME_MAX_LENGTH, LiveSession, is_join_code
from quiz.forms import ActionForm, id_of
from quiz.models import Quiz
from quiz.services import QuizError


class LiveSessionForm(forms.ModelForm):
    """A new session: the timer's bounds and defaults are the model's."""

    class Meta:
        model = LiveSession
        fields = [
            "quiz",
            "seconds_per_question",
            "speed_scoring",
            "streak_bonus",
            "instant_verdicts",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quiz = self.fields["quiz"]
        assert isinstance(quiz, forms.ModelChoiceField)
        quiz.queryset = Quiz.objects.published()


# Control, format (zero-width, direction overrides) and private-use characters:
# invisible or unpredictable on the projector, they would let a blank name through or
# a second "Ada" that looks like the first. The two joiners stay where a name needs
# them: ZWJ inside an emoji sequence (👩‍🚀), ZWNJ between two letters of a script that
# writes with it (Persian, the Indic scripts), never between ASCII letters.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})
ZWNJ, ZWJ = "\u200c", "\u200d"
MAX_STACKED_MARKS = 3  # enough for any script's accents, not for a name that overgrows its row


def _kept(text: str, index: int) -> bool:
    char = text[index]
    if unicodedata.category(char) not in _DROPPED_CATEGORIES:
        return True
    if char not in (ZWNJ, ZWJ) or not 0 < index < len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    if char == ZWJ:  # between two symbols, not letters, spaces or invisible characters
        return all(
            not (near.isalnum() or near.isspace())
            and unicodedata.category(near) not in _DROPPED_CATEGORIES
            for near in (before, after)
        )
    return before.isalpha() and after.isalpha() and not (before.isascii() or after.isascii())


def clean_nickname(nickname: object) -> str:
    """The nickname as the projector shows it, or a ValidationError saying what is wrong."""
    # NFKC first: full-width and other compatibility look-alikes become the plain letter.
    text = unicodedata.normalize("NFKC", str(nickname or ""))
    text = "".join(char for index, char in enumerate(text) if _kept(text, index))
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationError(_("Type a nickname."), code="blank")
    stacked = 0
    for char in cleaned:
        stacked = stacked + 1 if unicodedata.category(char) in {"Mn", "Me"} else 0
        if stacked > MAX_STACKED_MARKS:
            raise ValidationError(_("That nickname has too many accents on one letter."))
    if len(cleaned) > NICKNAME_MAX_LENGTH:
        raise ValidationError(
            _("Nicknames are at most %(limit)s characters.") % {"limit": NICKNAME_MAX_LENGTH}
        )
    return cleaned


class NicknameField(forms.Field):
    def to_python(self, value: object) -> str:
        return clean_nickname(value)


class JoinCodeField(forms.CharField):
    """The code on the big screen, typed with or without spaces."""

    def to_python(self, value: object) -> str:
        return "".join(str(value or "").split())

    def validate(self, value: str) -> None:
        if not is_join_code(value):
            raise ValidationError(services.SessionNotFound.message, code="not_a_code")


class JoinForm(ActionForm):
    code = JoinCodeField()
    nickname = NicknameField()
    refusals: ClassVar[dict[str, type[QuizError]]] = {
        "code": services.SessionNotFound,
        "nickname": services.NicknameInvalid,
    }

    def clean_code(self) -> LiveSession:
        try:
            return services.get_open_session(self.cleaned_data["code"])
        except services.SessionNotFound as missing:
            raise ValidationError(missing.message, code="not_found") from None


class HostActionForm(ActionForm):
    """A host's button: start, next, reveal, end, or kick with the player's id."""

    action = forms.TypedChoiceField(
        choices=services.HostAction.choices,
        coerce=services.HostAction,
        error_messages={
            "invalid_choice": gettext_lazy("Unknown host action."),
            "required": gettext_lazy("Unknown host action."),
        },
    )
    player = id_of(services.PlayerNotFound, required=False)
    refusals: ClassVar[dict[str, type[QuizError]]] = {
        "action": services.LiveError,
        "player": services.PlayerNotFound,
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == services.HostAction.KICK and cleaned.get("player") is None:
            self.add_error("player", services.PlayerNotFound.message)
        return cleaned


class LiveAnswerForm(ActionForm):
    """A player's answer: two ids. Whether they name the open question and one of its
    options is decided under the session's lock (services.submit_answers)."""

    question = id_of(services.UnreadableAnswer)
    choice = id_of(services.UnreadableAnswer)
    refusals: ClassVar[dict[str, type[QuizError]]] = {
        "question": services.UnreadableAnswer,
        "choice": services.UnreadableAnswer,
    }

"""What a learner may send the lab, checked at the edge: how many requests, and what the
browser measured."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lab.bounds import DEFAULT_REQUESTS, MAX_REQUESTS
from lab.measure import Endpoint, MeasuredBy, Outcome, Run, Series, Timing

# Lazy: the fields' messages are set once, at import; each error reads in its reader's
# language.
REQUESTS_MESSAGE = lazy(
    lambda: (
        gettext("Choose a whole number of requests from 1 to %(most)s.") % {"most": MAX_REQUESTS}
    ),
    str,
)()
# Ten minutes: far beyond any run, yet no float a client sends can be absurd.
LONGEST_MS = 600_000.0
FIELDS_PER_TIMING = 6
_OUTCOMES = frozenset(outcome.value for outcome in Outcome)


class RunForm(forms.Form):
    requests = forms.IntegerField(
        min_value=1,
        max_value=MAX_REQUESTS,
        initial=DEFAULT_REQUESTS,
        error_messages={
            "required": REQUESTS_MESSAGE,
            "invalid": REQUESTS_MESSAGE,
            "min_value": REQUESTS_MESSAGE,
            "max_value": REQUESTS_MESSAGE,
        },
    )
    # The lesson the panel was on, for the link back to it.
    lesson = forms.SlugField(required=False, max_length=50)


def _milliseconds(text: str, *, optional: bool = False) -> float | None:
    if optional and text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValidationError("A timing is not a number.", code="invalid") from None
    if not math.isfinite(value) or not 0 <= value <= LONGEST_MS:
        raise ValidationError("A timing is out of range.", code="invalid")
    return value


class TimingsField(forms.CharField):
    """One endpoint's requests as lab.js sends them: `start,sent,end,queued,waited,outcome`
    for each, separated by `;`, in milliseconds (queued and waited may be empty)."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _("These timings are not what the lab's page sends."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_REQUESTS * 80, **kwargs)

    def to_python(self, value: Any) -> tuple[Timing, ...]:  # type: ignore[override]
        text = super().to_python(value)
        entries = text.split(";") if text else []
        if not 1 <= len(entries) <= MAX_REQUESTS:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return tuple(self._timing(entry) for entry in entries)

    def _timing(self, entry: str) -> Timing:
        parts = entry.split(",")
        if len(parts) != FIELDS_PER_TIMING or parts[5] not in _OUTCOMES:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        start, sent, end = (_milliseconds(part) or 0.0 for part in parts[:3])
        if end < start:
            raise ValidationError("A request cannot end before it starts.", code="invalid")
        return Timing(
            start_ms=start,
            sent_ms=min(max(sent, start), end),  # rounding may nudge it out of line
            end_ms=end,
            queued_ms=_milliseconds(parts[3], optional=True),
            waited_ms=_milliseconds(parts[4], optional=True),
            outcome=Outcome(parts[5]),
        )


class BrowserRunForm(RunForm):
    """A run the learner's browser measured (static/js/lab.js), to be drawn by the server."""

    protocol = forms.RegexField(r"^[a-z0-9./-]{0,16}\Z", required=False)
    sync = TimingsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["async"] = TimingsField()  # a keyword: no class attribute can hold it

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        requests = cleaned.get("requests")
        for name in ("sync", "async"):
            if name in cleaned and requests is not None and len(cleaned[name]) != requests:
                self.add_error(name, gettext("Expected %(count)s timings.") % {"count": requests})
        return cleaned

    def run(self) -> Run:
        data = self.cleaned_data
        return Run(
            requests=data["requests"],
            sync=Series(Endpoint.SYNC, data["sync"]),
            async_=Series(Endpoint.ASYNC, data["async"]),
            measured_by=MeasuredBy.BROWSER,
            protocol=data.get("protocol") or "",
        )

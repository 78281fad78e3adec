"""The analysis page's GET controls: which answers, in which order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.selectors import Sort, Source


class AnalysisForm(forms.Form):
    source = forms.ChoiceField(label=_("Answers from"), choices=Source.choices, required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=Sort.choices, required=False)

    def choice(self) -> tuple[Source, Sort]:
        """The chosen source and order; the defaults for anything missing or unknown
        (a bookmark from an older version still opens)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        source = data.get("source") or Source.ALL
        sort = data.get("sort") or Sort.HARDEST
        return Source(source), Sort(sort)

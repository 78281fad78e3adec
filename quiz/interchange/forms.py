from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from quiz.interchange.formats import FORMATS, Format, decode, format_for_filename
from quiz.interchange.model import InterchangeError

FROM_EXTENSION = ""


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Question file",
        help_text="GIFT (.gift.txt, .txt), Moodle XML (.xml) or the content files' YAML (.yaml).",
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[(FROM_EXTENSION, "From the file's extension")]
        + [(name, each.label) for name, each in FORMATS.items()],
        required=False,
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        limit = settings.QUESTION_IMPORT_MAX_BYTES
        # Checked on the size the upload handler counted, before a byte is parsed.
        if upload.size is None or upload.size > limit:
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(limit)}; split the question bank."
            )
        try:
            chosen = cleaned.get("format") or FROM_EXTENSION
            cleaned["chosen"] = (
                FORMATS[chosen] if chosen else format_for_filename(upload.name or "")
            )
            cleaned["text"] = decode(upload.read())
        except InterchangeError as error:
            raise forms.ValidationError(f"{str(error)[0].upper()}{str(error)[1:]}") from None
        return cleaned

    def validated(self) -> tuple[Format, str, str]:
        """(format, file name, text) of a valid form."""
        upload = self.cleaned_data["file"]
        return self.cleaned_data["chosen"], upload.name or "", self.cleaned_data["text"]

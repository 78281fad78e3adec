from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quiz.interchange.formats import FORMATS
from quiz.interchange.services import export_questions
from quiz.models import Quiz


class Command(BaseCommand):
    help = "Write a quiz's questions as GIFT, Moodle XML or YAML, to stdout or a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("quiz", help="The quiz's slug.")
        parser.add_argument("--format", dest="format_name", choices=list(FORMATS), required=True)
        parser.add_argument("--output", type=Path, help="A file to write (default: stdout).")

    def handle(
        self, *args: Any, quiz: str, format_name: str, output: Path | None, **options: Any
    ) -> None:
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"no quiz with the slug {quiz!r}.")
        text = export_questions(quiz=target, file_format=FORMATS[format_name])
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{output}: {error}") from None
        self.stderr.write(f"Wrote {target.questions.count()} questions to {output}.")

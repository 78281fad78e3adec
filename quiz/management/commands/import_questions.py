from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quiz.interchange.formats import FORMATS, decode, format_for_filename
from quiz.interchange.model import InterchangeError
from quiz.interchange.services import (
    Action,
    ImportPlan,
    ImportRefused,
    import_questions,
    plan_import,
)
from quiz.models import Quiz


class Command(BaseCommand):
    help = (
        "Import multiple-choice questions from a GIFT, Moodle XML or YAML file into a quiz: "
        "all of them or, on any error, none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiz", required=True, help="The quiz's slug.")
        parser.add_argument(
            "--format",
            dest="format_name",
            choices=list(FORMATS),
            help="Default: from the file's extension.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the preview and save nothing."
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        quiz: str,
        format_name: str | None,
        dry_run: bool,
        **options: Any,
    ) -> None:
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"no quiz with the slug {quiz!r}.")
        try:
            chosen = FORMATS[format_name] if format_name else format_for_filename(file.name)
            parsed = chosen.parse(decode(file.read_bytes()))
        except (OSError, InterchangeError) as error:
            raise CommandError(f"{file}: {error}") from None
        if dry_run:
            plan = plan_import(quiz=target, parsed=parsed)
            self._print(plan)
            if not plan.ok:
                raise CommandError(f"{file}: nothing would be saved. {_errors(plan)}")
            return
        try:
            plan = import_questions(quiz=target, parsed=parsed)
        except ImportRefused as refused:
            self._print(refused.plan)
            raise CommandError(f"{file}: nothing saved. {_errors(refused.plan)}") from None
        self._print(plan)
        self.stdout.write(f"Imported into {target.slug}: {plan.summary()}.")

    def _print(self, plan: ImportPlan) -> None:
        labels = {Action.CREATE: "create", Action.CHANGE: "change", Action.UNCHANGED: "unchanged"}
        for item in plan.items:
            changed = f" ({', '.join(item.changed_fields)})" if item.changed_fields else ""
            prompt = " ".join(item.parsed.prompt.split())[:70]
            self.stdout.write(f"{labels[item.action]:>9}  {item.parsed.where}: {prompt}{changed}")
        for skipped in plan.skipped:
            self.stdout.write(f"{'skip':>9}  {skipped.where}: {skipped.kind}")
        for note in plan.notes:
            self.stdout.write(f"{'note':>9}  {note}")
        for problem in plan.errors:
            self.stderr.write(f"{'error':>9}  {problem}")
        self.stdout.write(plan.summary())


def _errors(plan: ImportPlan) -> str:
    shown = "; ".join(str(problem) for problem in plan.errors[:3])
    more = f" (and {len(plan.errors) - 3} more)" if len(plan.errors) > 3 else ""
    return f"{len(plan.errors)} errors: {shown}{more}"

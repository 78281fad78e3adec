from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quiz.content_loader import ContentError, content_files, load_content_file


class Command(BaseCommand):
    help = "Create or update lessons and quizzes from content/*.yaml. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="Files to load (default: content/*.yaml)"
        )

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        for path in paths or content_files():
            try:
                created = load_content_file(path)
            except (OSError, ContentError, KeyError) as error:
                raise CommandError(f"{path}: {error}") from error
            summary = ", ".join(f"{n} {name}" for name, n in sorted(created.items()))
            self.stdout.write(f"{path.name}: {'created ' + summary if summary else 'up to date'}")

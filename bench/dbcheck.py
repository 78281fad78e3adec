"""Read back what a benchmark's clients were told was saved, and print it as JSON.

    python bench/dbcheck.py live --session 1 --question 6
    python bench/dbcheck.py attempts --ids-file attempts.json

Uses the database of DATABASE_URL, like bench/prepare.py. An answer counts as
kept only if the client saw its acknowledgement AND it is in the database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")


def live_answers(session_id: int, question_id: int) -> dict[str, object]:
    from live.models import LiveAnswer

    rows = LiveAnswer.objects.filter(
        player__session_id=session_id, question_id=question_id
    ).values_list("player__nickname", flat=True)
    return {"answered": sorted(rows)}


def attempt_responses(ids: list[str]) -> dict[str, object]:
    from django.db.models import Count

    from quiz.models import Attempt

    counts = dict(
        Attempt.objects.filter(pk__in=ids).annotate(n=Count("responses")).values_list("pk", "n")
    )
    return {"responses": {str(pk): n for pk, n in counts.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    live = sub.add_parser("live")
    live.add_argument("--session", type=int, required=True)
    live.add_argument("--question", type=int, required=True)
    attempts = sub.add_parser("attempts")
    attempts.add_argument("--ids-file", type=Path, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    if args.what == "live":
        result = live_answers(args.session, args.question)
    else:
        result = attempt_responses(json.loads(args.ids_file.read_text()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

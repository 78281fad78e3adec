"""The learner's pages against the lesson page, for a student with 1,000 answers.

    .venv/bin/python bench/learner_pages.py                  # 5 runs of 200 requests each
    .venv/bin/python bench/learner_pages.py --runs 3 --requests 50

In process, through django.test.Client (the whole middleware stack, the templates,
the queries; no network, no server), on a fresh SQLite file with the seed content and
DEBUG off. One signed-in student has answered the lesson's 8 questions 125 times each
(1,000 answers: 125 practice attempts and 125 test attempts, their review cards moved
answer by answer as the answer path does). Each run times REQUESTS GETs of each page,
the three pages taking turns request by request so the machine's drift falls on all
of them, and reports each page's median; the ratios progress/lesson and review/lesson
are given per run and as the median and the range over the runs. The issue's bound:
both within 1.5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = Path(tempfile.mkdtemp(prefix="learner-bench-")) / "bench.sqlite3"
os.environ.update(
    DJANGO_SETTINGS_MODULE="quizsite.settings",
    DATABASE_URL=f"sqlite:///{DATABASE}",
    DEBUG="0",
    SECRET_KEY="learner-bench-only",  # a throwaway database
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="0",
    SESSION_COOKIE_SECURE="0",
    CSRF_COOKIE_SECURE="0",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from learning.models import ReviewCard  # noqa: E402
from quiz.models import Attempt, Quiz, Response  # noqa: E402

PAGES = {
    "lesson": "/lessons/asgi-vs-wsgi/",
    "progress": "/progress/",
    "review": "/review/",
}
ROUNDS = 125  # x 8 questions = 1,000 answers


def prepare() -> User:
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    student = User.objects.create_user("student", password="unused pass phrase")
    quizzes = list(Quiz.objects.filter(lesson__slug="asgi-vs-wsgi").order_by("order"))
    for round_number in range(ROUNDS):
        for quiz in quizzes:
            attempt = Attempt.objects.create(quiz=quiz, user=student, finished_at=timezone.now())
            for question in quiz.questions.order_by("order"):
                choices = list(question.choices.order_by("order"))
                # Right three times in four, in a pattern that shifts with the round.
                right = (round_number + question.order) % 4 != 0
                choice = next(c for c in choices if c.is_correct == right)
                # Through create(), so each answer moves its review card as in production.
                Response.objects.create(
                    attempt=attempt,
                    question=question,
                    choice=choice,
                    is_correct=right,
                    score=int(right),
                    time_taken_ms=4_000 + 1_000 * (question.order % 5),
                    hint_used=question.order == 3 and round_number % 2 == 0,
                )
    assert Response.objects.filter(attempt__user=student).count() == 1_000
    # Some of them due now, as a student coming back after a while would find them.
    ReviewCard.objects.filter(user=student, question__order__lte=2).update(due=timezone.now())
    return student


def one_run(client: Client, requests: int) -> dict[str, float]:
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(requests):
        for name, url in PAGES.items():
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    return {name: statistics.median(values) for name, values in timings.items()}


# DEBUG off without collectstatic: static URLs as in development (no manifest).
@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="per page and run")
    args = parser.parse_args()
    student = prepare()
    client = Client()
    client.force_login(student)
    one_run(client, 10)  # warm the caches (templates, the lesson body, the questions)
    progress_ratios, review_ratios = [], []
    print(
        f"{'run':>3} {'lesson ms':>10} {'progress ms':>12} {'review ms':>10} "
        f"{'progress/lesson':>16} {'review/lesson':>14}"
    )
    for run in range(1, args.runs + 1):
        medians = one_run(client, args.requests)
        progress_ratios.append(medians["progress"] / medians["lesson"])
        review_ratios.append(medians["review"] / medians["lesson"])
        print(
            f"{run:>3} {medians['lesson'] * 1000:>10.2f} {medians['progress'] * 1000:>12.2f} "
            f"{medians['review'] * 1000:>10.2f} {progress_ratios[-1]:>16.2f} "
            f"{review_ratios[-1]:>14.2f}"
        )
    for name, ratios in (("progress/lesson", progress_ratios), ("review/lesson", review_ratios)):
        print(
            f"{name}: median {statistics.median(ratios):.2f}, "
            f"range {min(ratios):.2f} to {max(ratios):.2f} over {args.runs} runs"
        )


if __name__ == "__main__":
    main()

"""Create what a benchmark or a multi-process test needs, and print it as JSON.

    python bench/prepare.py live --players 1000 [--seconds 20] [--quiz SLUG]
    python bench/prepare.py attempts --students 500 [--quiz SLUG]

Uses the database of DATABASE_URL, like the servers it will talk to. Every browser
session is a real Django session row, so the servers authenticate the sockets the
same way they authenticate a browser.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")


def browser_session(**data: object) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session.update(data)
    session.create()
    return session.session_key


def staff_session() -> tuple[Any, str]:
    """An instructor with a random password nobody knows, signed in in a new session."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from live.roles import instructors_group

    user = get_user_model().objects.create_user(
        f"host-{secrets.token_hex(4)}", password=secrets.token_urlsafe(24), is_staff=True
    )
    user.groups.add(instructors_group())
    key = browser_session(
        **{
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    return user, key


def prepare_live(players: int, seconds: int, quiz_slug: str) -> dict[str, object]:
    from live import services
    from quiz.models import Quiz

    user, host_key = staff_session()
    session = services.create_session(
        quiz=Quiz.objects.get(slug=quiz_slug), host=user, seconds_per_question=seconds
    )
    keys = []
    for number in range(players):
        key = browser_session(player=True)
        services.join(session=session, nickname=f"player{number}", session_key=key)
        keys.append(key)
    return {"code": session.join_code, "session_id": session.pk, "host": host_key, "players": keys}


def prepare_attempts(students: int, quiz_slug: str) -> dict[str, object]:
    from quiz import services
    from quiz.models import Quiz

    quiz = Quiz.objects.get(slug=quiz_slug)
    questions = [
        {"question": q.pk, "correct": next(c.pk for c in q.choices.all() if c.is_correct)}
        for q in services.questions_of(quiz)
    ]
    attempts = []
    for _ in range(students):
        key = browser_session(student=True)
        attempt = services.start_attempt(quiz=quiz, session_key=key, user=None)
        attempts.append({"session": key, "attempt": str(attempt.pk)})
    return {"attempts": attempts, "questions": questions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    live = sub.add_parser("live")
    live.add_argument("--players", type=int, default=10)
    live.add_argument("--seconds", type=int, default=20)
    live.add_argument("--quiz", default="asgi-vs-wsgi-performance")
    attempts = sub.add_parser("attempts")
    attempts.add_argument("--students", type=int, default=10)
    attempts.add_argument("--quiz", default="asgi-vs-wsgi-practice")
    args = parser.parse_args()

    import django

    django.setup()
    if args.what == "live":
        result = prepare_live(args.players, args.seconds, args.quiz)
    else:
        result = prepare_attempts(args.students, args.quiz)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

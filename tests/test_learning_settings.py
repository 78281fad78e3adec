"""Password-reset email: the console by default, SMTP when the environment names a
server. Settings are read once per process, so each case loads them in a fresh one."""

from __future__ import annotations

import json
from typing import Any

from tests.test_settings import environment, run

EMAIL_VARIABLES = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "DEFAULT_FROM_EMAIL",
)
PROBE = (
    "import json; from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {EMAIL_VARIABLES!r}}}))"
)


def email_settings(**variables: str) -> dict[str, Any]:
    env = {k: v for k, v in environment(**variables).items() if k not in EMAIL_VARIABLES}
    env.update(variables)
    result = run(["-c", f"import django; django.setup(); {PROBE}"], env)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_without_a_server_emails_go_to_the_console() -> None:
    loaded = email_settings()
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_an_smtp_server_from_the_environment_with_implicit_tls() -> None:
    loaded = email_settings(
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="465",
        EMAIL_HOST_USER="quiz",
        EMAIL_HOST_PASSWORD="from-the-vault",
        EMAIL_USE_SSL="1",
        DEFAULT_FROM_EMAIL="quizsite <quiz@example.org>",
    )
    assert loaded == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "quiz",
        "EMAIL_HOST_PASSWORD": "from-the-vault",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,
        "DEFAULT_FROM_EMAIL": "quizsite <quiz@example.org>",
    }


def test_smtp_uses_starttls_by_default() -> None:
    loaded = email_settings(EMAIL_HOST="smtp.example.org")
    assert (loaded["EMAIL_PORT"], loaded["EMAIL_USE_TLS"], loaded["EMAIL_USE_SSL"]) == (
        587,
        True,
        False,
    )

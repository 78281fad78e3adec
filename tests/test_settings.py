"""Settings come from the environment; production refuses unsafe defaults.

Each case loads quizsite.settings in a fresh interpreter, because settings are read
once per process and the test process already has its own.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import subprocess
import sys
from typing import Any

from tests.conftest import ROOT

# Every variable quizsite/settings.py reads; the parent's values must not leak in.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "DATABASE_POOL",
    "DATABASE_POOL_MIN_SIZE",
    "DATABASE_POOL_MAX_SIZE",
    "REDIS_URL",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "BEHIND_PROXY",
    "LOG_LEVEL",
}

PROBE = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
layer = settings.CHANNEL_LAYERS["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": settings.CSRF_TRUSTED_ORIGINS,
    "ENGINE": database["ENGINE"],
    "NAME": str(database["NAME"]),
    "HOST": database.get("HOST"),
    "PORT": database.get("PORT"),
    "USER": database.get("USER"),
    "POOL": database.get("OPTIONS", {}).get("pool"),
    "CONN_MAX_AGE": database["CONN_MAX_AGE"],
    "LAYER": layer["BACKEND"],
    "LAYER_HOSTS": layer.get("CONFIG", {}).get("hosts"),
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "RATELIMIT_IP_META_KEY": getattr(settings, "RATELIMIT_IP_META_KEY", None),
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def environment(**variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "quizsite.settings"
    env.update(variables)
    return env


def production(**variables: str) -> dict[str, str]:
    """The production environment as README.md documents it ("Production in short")."""
    documented = {
        "DEBUG": "0",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "quiz.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://quiz.example.org",
        "DATABASE_URL": "postgres://quiz:unused@db.example.org:5432/quizsite",
        "REDIS_URL": "redis://cache.example.org:6379/0",
    }
    return environment(**{**documented, **variables})


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def loaded_settings(env: dict[str, str]) -> dict[str, Any]:
    result = run(["-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def reported_ids(output: str) -> list[str]:
    return re.findall(r"\(([a-z_]+\.[A-Z]\d+)\)", output)


# Production -----------------------------------------------------------------------------


def test_deploy_check_passes_with_the_production_environment() -> None:
    result = deploy_check(production())

    # Any warning id listed here is something settings must fix or deliberately silence.
    assert reported_ids(result.stdout + result.stderr) == []
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_passes_when_the_operator_opts_into_hsts_preload() -> None:
    result = deploy_check(production(SECURE_HSTS_PRELOAD="1"))

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_passes_behind_a_tls_terminating_proxy() -> None:
    result = deploy_check(production(BEHIND_TLS_PROXY="1", SECURE_HSTS_PRELOAD="1"))

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_flags_a_short_secret_key() -> None:
    result = deploy_check(production(SECRET_KEY="too-short", SECURE_HSTS_PRELOAD="1"))

    assert result.returncode != 0
    assert "security.W009" in reported_ids(result.stdout + result.stderr)


def test_production_turns_on_secure_cookies_https_redirect_and_a_year_of_hsts() -> None:
    loaded = loaded_settings(production())

    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == ["quiz.example.org"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://quiz.example.org"]
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert loaded["SECURE_PROXY_SSL_HEADER"] is None
    assert loaded["STATICFILES_BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_production_trusts_the_forwarded_proto_header_only_behind_a_tls_proxy() -> None:
    loaded = loaded_settings(production(BEHIND_TLS_PROXY="1"))

    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_rate_limits_count_clients_by_the_proxys_x_real_ip_only_when_told() -> None:
    assert loaded_settings(production())["RATELIMIT_IP_META_KEY"] is None
    assert loaded_settings(production(BEHIND_TLS_PROXY="1"))["RATELIMIT_IP_META_KEY"] is None
    loaded = loaded_settings(production(BEHIND_PROXY="1"))
    assert loaded["RATELIMIT_IP_META_KEY"] == "quiz.clients.client_ip"


def test_production_allows_no_host_unless_told() -> None:
    env = production()
    del env["ALLOWED_HOSTS"]

    assert loaded_settings(env)["ALLOWED_HOSTS"] == []


# Secret key ------------------------------------------------------------------------------


def test_settings_refuse_to_load_with_debug_off_and_no_secret_key() -> None:
    env = production()
    del env["SECRET_KEY"]

    result = run(["-c", PROBE], env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_empty_secret_key_counts_as_missing_in_production() -> None:
    result = run(["manage.py", "check"], production(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_secret_key_comes_from_the_environment() -> None:
    key = random_secret_key()

    assert loaded_settings(production(SECRET_KEY=key))["SECRET_KEY"] == key


def test_development_runs_without_a_secret_key_on_a_key_flagged_as_insecure() -> None:
    loaded = loaded_settings(environment())

    assert loaded["DEBUG"] is True
    assert loaded["SECRET_KEY"].startswith("django-insecure-")
    assert "localhost" in loaded["ALLOWED_HOSTS"]


# Database -------------------------------------------------------------------------------


def test_a_postgres_database_url_selects_the_postgresql_engine() -> None:
    loaded = loaded_settings(
        environment(DATABASE_URL="postgres://quiz:pw@db.example.org:5433/quizsite")
    )

    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["NAME"] == "quizsite"
    assert loaded["HOST"] == "db.example.org"
    assert loaded["PORT"] == 5433
    assert loaded["USER"] == "quiz"


def test_without_a_database_url_the_site_uses_the_sqlite_file_beside_the_code() -> None:
    loaded = loaded_settings(environment())

    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"] == str(ROOT / "db.sqlite3")


# Connection pool ------------------------------------------------------------------------

POSTGRES_URL = "postgres://quiz:pw@db.example.org:5432/quizsite"


def test_postgresql_connections_come_from_djangos_pool() -> None:
    loaded = loaded_settings(environment(DATABASE_URL=POSTGRES_URL))

    assert loaded["POOL"] == {"min_size": 2, "max_size": 20, "timeout": 10}
    assert loaded["CONN_MAX_AGE"] == 0


def test_the_pool_size_is_read_from_the_environment() -> None:
    loaded = loaded_settings(
        environment(
            DATABASE_URL=POSTGRES_URL, DATABASE_POOL_MIN_SIZE="4", DATABASE_POOL_MAX_SIZE="50"
        )
    )

    assert loaded["POOL"] == {"min_size": 4, "max_size": 50, "timeout": 10}


def test_the_pool_can_be_turned_off() -> None:
    loaded = loaded_settings(environment(DATABASE_URL=POSTGRES_URL, DATABASE_POOL="0"))

    assert loaded["POOL"] is None


def test_persistent_connections_replace_the_pool_for_a_wsgi_only_deployment() -> None:
    loaded = loaded_settings(environment(DATABASE_URL=POSTGRES_URL, CONN_MAX_AGE="60"))

    assert loaded["POOL"] is None
    assert loaded["CONN_MAX_AGE"] == 60


def test_sqlite_has_no_pool() -> None:
    assert loaded_settings(environment())["POOL"] is None


# Channel layer --------------------------------------------------------------------------


def test_a_redis_url_selects_the_redis_channel_layer() -> None:
    loaded = loaded_settings(environment(REDIS_URL="redis://cache.example.org:6379/2"))

    assert loaded["LAYER"] == "channels_redis.core.RedisChannelLayer"
    assert loaded["LAYER_HOSTS"] == ["redis://cache.example.org:6379/2"]


def test_without_a_redis_url_the_site_uses_the_in_memory_channel_layer() -> None:
    loaded = loaded_settings(environment())

    assert loaded["LAYER"] == "quiz.layers.SweepingInMemoryChannelLayer"

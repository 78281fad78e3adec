"""quizsite settings: one file, read from the environment.

The defaults are for a laptop: DEBUG on, a SQLite file and the in-memory channel
layer. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and, to scale out,
DATABASE_URL (PostgreSQL) and REDIS_URL (channels-redis). See README.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used with DEBUG on; `check --deploy` flags the prefix.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Daphne first: its runserver replaces Django's, so development serves ASGI too.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "lessons",
    "quiz",
    "live",
    "lab",
    "reports",
    "learning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's documented order): the
    # django_language cookie (set by set_language), else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "quizsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

ASGI_APPLICATION = "quizsite.asgi.application"
WSGI_APPLICATION = "quizsite.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # The ASGI server writes from several threads; IMMEDIATE plus WAL
        # avoids "database is locked" on concurrent answers.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: the browser tests' server process must see it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_db.sqlite3")}
elif DATABASES["default"]["CONN_MAX_AGE"] == 0 and os.environ.get("DATABASE_POOL", "1") == "1":
    # Under Daphne a persistent connection would stay with each of HTTP_THREADS request
    # threads and every socket thread; Django's psycopg pool is the way to stop opening
    # one per request (docs/performance.md). A process's requests and its sockets'
    # calls (which hand theirs back after each call, quiz/db.py) share its max_size
    # connections; one that finds none free waits up to the timeout, then fails with a
    # clear error.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "20")),
        "timeout": 10,
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1500, "expiry": 10},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "quiz.layers.SweepingInMemoryChannelLayer"}}

# The cache holds rate-limit counters (join codes, admin login). One process: its
# memory is shared by all its requests. Several processes: they share Redis.
# (django_ratelimit stays out of INSTALLED_APPS: its check refuses LocMemCache even
# for the one-process default, where it is correct.)
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "quizsite",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered page fragments keyed by the content's version (see templates/lessons/): each
# process keeps its own, which under ASGI also spares a cache connection per request.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# Join attempts with a wrong code, per address: six digits are guessable by brute
# force; a class that types its code right is never counted.
RATELIMIT_JOIN = os.environ.get("RATELIMIT_JOIN", "30/m")
# New players in one room per address: one machine cannot flood a room with names. A
# school behind one NAT address that joins faster needs more.
RATELIMIT_JOIN_ROOM = os.environ.get("RATELIMIT_JOIN_ROOM", "120/m")
# Players in one room; the join page refuses the next with a clear message.
LIVE_MAX_PLAYERS = int(os.environ.get("LIVE_MAX_PLAYERS", "2500"))
# Open sockets per browser session and per address, per server process (a tab has one).
SOCKETS_PER_BROWSER = int(os.environ.get("SOCKETS_PER_BROWSER", "20"))
SOCKETS_PER_ADDRESS = int(os.environ.get("SOCKETS_PER_ADDRESS", "2500"))
RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10/m")
# The lesson's "Measure it" lab (lab/), per client: requests to its two endpoints (a
# browser's run sends up to 20 to each, so 480 a minute is 12 runs of 20), and runs the
# server measures for a browser without JavaScript (each sends its own requests, not
# counted again).
RATELIMIT_LAB_REQUESTS = os.environ.get("RATELIMIT_LAB_REQUESTS", "480/m")
RATELIMIT_LAB_RUNS = os.environ.get("RATELIMIT_LAB_RUNS", "12/m")
# Behind a reverse proxy every request comes from the proxy's address: the limits key on
# the client's, which the proxy sets in X-Real-IP (docs/deploy.md), replacing any sent.
# Opt-in: behind a proxy that passes a client's own X-Real-IP on, a guesser could pick
# a new address for every try.
if env_bool("BEHIND_PROXY", default=False):
    RATELIMIT_IP_META_KEY = "quiz.clients.client_ip"  # quiz.clients.PROXY_KEY

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is the default and the source language; locale/ holds the translations
# (README: "Languages"). A visitor's choice is the django_language cookie.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "learning:progress"

# Password reset emails: printed to the console unless an SMTP server is named.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
# STARTTLS unless implicit TLS is asked for: Django refuses both at once.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "quizsite <noreply@localhost>")

# Sessions identify anonymous students' attempts; keep them for a school term. Read from
# the cache (Redis when several processes share it) before the database: every page
# and every socket of a student or a player reads its session.
SESSION_ENGINE = "quizsite.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 120
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: htmx, its ws extension and our own JS are
# static files, and htmx's indicator <style> is switched off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading commits the domain to browsers' HSTS lists: opt-in, and then the
    # deploy check's reminder about it (W021) is noise.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How often a live socket rejoins its groups and checks it missed nothing (after a
# Redis restart, say).
LIVE_HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))
# Threads per process that run HTTP requests' Django code (quizsite/handlers.py): how
# many requests may wait on I/O at once.
HTTP_THREADS = int(os.environ.get("HTTP_THREADS", "64"))

# The lab's own caps, per process (with `make run-scaled` each process has its own):
# requests waiting for or held by its one synchronous worker (40 x 200 ms: the last
# waits 8 s), async waits at once, and server-measured runs at once. Beyond them a
# request is turned away at once with 503, so a crowd pressing Run queues nothing
# behind the lesson and quiz pages.
LAB_SYNC_QUEUE = int(os.environ.get("LAB_SYNC_QUEUE", "40"))
LAB_ASYNC_LIMIT = int(os.environ.get("LAB_ASYNC_LIMIT", "100"))
LAB_SERVER_RUNS = int(os.environ.get("LAB_SERVER_RUNS", "2"))

# Socket frames larger than this are refused with an error, unread.
QUIZ_MAX_FRAME_BYTES = 64 * 1024
# Question files uploaded to the admin's import (quiz/interchange/): refused above this
# size before they are read, so a huge file is never parsed.
QUESTION_IMPORT_MAX_BYTES = int(os.environ.get("QUESTION_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # A line per request the lab's server-measured runs send to this server itself.
        "httpx": {"level": "WARNING"},
    },
}

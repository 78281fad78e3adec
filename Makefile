# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run run-scaled run-split test lint install install-dev lock migrate content superuser audit clean bench bench-smoke screenshots messages
WORKERS ?= 2
PAGE_WORKERS ?= 2
PAGE_CACHE ?= 1

help:
	@echo "make run      serve the site with Daphne on http://$(HOST):$(PORT) (SQLite, in-memory layer)"
	@echo "make test     ruff, mypy and the whole test suite (unit, consumer, browser) with coverage"
	@echo "make run-scaled  WORKERS Daphne processes on one port (needs DATABASE_URL=postgres://... and REDIS_URL)"
	@echo "make run-split   nginx: pages to PAGE_WORKERS gunicorn workers, /ws/ to WORKERS Daphne processes (the same, and nginx);"
	@echo "                 anonymous readers share a page for PAGE_CACHE seconds (0: off)"
	@echo "make superuser  create an instructor account (asks for the password; see README for --noinput)"
	@echo "make lock     re-compile requirements.txt and requirements-dev.txt from the .in files (uv)"
	@echo "make audit    pip-audit the pinned requirements (needs internet access)"
	@echo "make bench    every benchmark (~30 min; PostgreSQL, Redis, wrk), see docs/performance.md"
	@echo "make bench-smoke  the benchmarks' smoke test (~1 min)"
	@echo "make screenshots  redraw the README's pictures in docs/ from a real run (Chromium)"
	@echo "make messages  refresh locale/*/LC_MESSAGES/django.po from the code and compile the .mo files (gettext)"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The lock files pin every package, transitive ones too, with hashes: pip installs
# exactly what was locked (--require-hashes is what pip switches to by itself when a
# file has hashes; it is spelled out). A changed lock file reinstalls.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Re-lock after editing requirements.in or requirements-dev.in (the direct
# dependencies): uv resolves for Python 3.11 on every platform (--universal) and
# writes every package with the hashes of all its files. requirements-dev.in has
# `-c requirements.txt`, so the runtime lock comes first and the dev lock keeps its
# exact versions. Pins already in a lock are kept; `make lock LOCK_ARGS=--upgrade`
# (or LOCK_ARGS="--upgrade-package NAME") moves transitive packages too.
# uv comes with requirements-dev.txt; UV=/path/to/uv uses another.
UV ?= $(BIN)/uv
LOCK_ARGS ?=
UV_COMPILE = $(UV) pip compile --quiet --generate-hashes --python-version 3.11 --universal \
	--custom-compile-command "make lock" $(LOCK_ARGS)

lock: | $(VENV)/.installed-dev
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

# The same options as tests/test_i18n.py's check that the catalogue is up to date.
MAKEMESSAGES := --no-obsolete --no-location --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests

messages: install
	$(BIN)/python manage.py makemessages --all $(MAKEMESSAGES)
	$(BIN)/python manage.py compilemessages --ignore=.venv

migrate: install
	$(BIN)/python manage.py migrate --noinput

content: migrate
	$(BIN)/python manage.py load_content

run: content
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/ after 'make superuser')"
	$(BIN)/daphne -b $(HOST) -p $(PORT) --websocket_connect_timeout 30 quizsite.asgi:application

run-scaled: content
	$(BIN)/python -m deploy.scaled --host $(HOST) --port $(PORT) --workers $(WORKERS)

run-split: content
	$(BIN)/python -m deploy.scaled --host $(HOST) --port $(PORT) --workers $(WORKERS) --page-workers $(PAGE_WORKERS) --page-cache $(PAGE_CACHE)

superuser: migrate
	$(BIN)/python manage.py createsuperuser

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Coverage of the test process ([tool.coverage.*] in pyproject.toml; the Daphne
# servers the browser tests start are not measured). The floor, fail_under there, is
# for the whole suite: a run of some tests (PYTEST_ARGS=tests/test_x.py) reports
# coverage without it. A bare --cov takes the packages from pyproject.toml; it must be
# followed by an option, or it takes the next word (a test file) for the package.
COV_ARGS = --cov --cov-report=term-missing:skip-covered $(if $(strip $(PYTEST_ARGS)),--cov-fail-under=0)

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(COV_ARGS) $(PYTEST_ARGS)

bench: install-dev
	@command -v wrk >/dev/null 2>&1 || echo "wrk not found (apt-get install wrk): HTTP benchmarks use the slower Python generator"
	$(BIN)/python bench/run_all.py

# The README's pictures, from a real run in Chromium (docs/screenshots.py).
screenshots: install-dev
	$(BIN)/python docs/screenshots.py

bench-smoke: install-dev
	$(BIN)/python -m pytest tests/test_bench_smoke.py

audit: install-dev
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit -r requirements.txt

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.* htmlcov

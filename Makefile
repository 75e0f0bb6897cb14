# The regional MOU governance service. `make help` lists the targets.
# Two commands matter: `make run` (set up everything and start on 127.0.0.1:8000) and `make test`.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
BENCH_ROWS ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/riia_bench
BENCH_PAGE_SECONDS ?= 20
# Seconds of the mixed load (dashboards, breach requests, the placement API, uploads) on BENCH_ROWS
# placements and again on twice as many; 0 skips it. It needs BENCH_REDIS_URL for its Celery worker.
BENCH_LOAD_SECONDS ?= 60
BENCH_PAGES_DATABASE_URL ?= $(DATABASE_URL)
# The benchmark recompute's placements (empty: 1,000,000, or 10 x BENCH_ROWS below 100,000) and the
# Redis its freshness run's real Celery worker reads.
BENCH_RECOMPUTE_ROWS ?=
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0

# Debug (and so the development secret key and the demo users) only for what runs on a developer's
# machine: the settings refuse to start without DJANGO_DEBUG=true unless given production settings.
migrate setup run test worker beat: export DJANGO_DEBUG ?= true

.DEFAULT_GOAL := help
.PHONY: help setup run test lint format worker beat browser static migrate bench bench-load bench-pages clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/.built: node_modules/.installed static/scss/app.scss
	rm -rf static/build && mkdir -p static/build
	node_modules/.bin/sass --no-source-map --quiet-deps --style=compressed --load-path=node_modules \
		static/scss/app.scss static/build/app.css
	cp -R node_modules/govuk-frontend/dist/govuk/assets static/build/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/
	cp node_modules/plotly.js-dist-min/plotly.min.js static/build/
	touch $@

static: static/build/.built ## Build GOV.UK Frontend and our styles into static/build

migrate: $(VENV)/.installed ## Apply database migrations
	$(MANAGE) migrate --noinput

setup: $(VENV)/.installed static migrate ## Install everything and load reference data
	$(MANAGE) load_reference_data

run: setup ## Set up, load demo data and start the app on http://127.0.0.1:8000
	$(MANAGE) demo
	$(MANAGE) runserver 127.0.0.1:8000

browser: ## Install Debian's Chromium for the browser tests when it is missing (needs root and apt)
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is not installed and cannot be installed here: browser tests will be skipped (and fail under CI=true)."; fi

test: $(VENV)/.installed static browser ## Set up and run the whole test suite
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: $(VENV)/.installed ## Start a Celery worker (needs REDIS_URL)
	$(VENV)/bin/celery -A riia worker -Q celery,recompute --loglevel=info

beat: $(VENV)/.installed ## Start Celery beat (needs REDIS_URL)
	$(VENV)/bin/celery -A riia beat --loglevel=info

# Production-like settings for the bench and the gunicorn it starts: debug off, secrets made for this run.
bench: $(VENV)/.installed ## Time 100,000-row uploads through the API against raw COPY, pages, a mixed load (PostgreSQL; BENCH_ROWS=, BENCH_PAGE_SECONDS=, BENCH_LOAD_SECONDS=, BENCH_DATABASE_URL=)
	@DATABASE_URL="$(BENCH_DATABASE_URL)" REDIS_URL= DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=127.0.0.1 \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	RIIA_REGISTRATION_HMAC_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
		$(MANAGE) bench --rows $(BENCH_ROWS) --page-seconds $(BENCH_PAGE_SECONDS) --redis-url "$(BENCH_REDIS_URL)" \
		--load-seconds $(BENCH_LOAD_SECONDS) $(if $(BENCH_RECOMPUTE_ROWS),--recompute-rows $(BENCH_RECOMPUTE_ROWS))

# Only the mixed load (on BENCH_ROWS placements, then twice as many), in databases of its own.
bench-load: $(VENV)/.installed ## Only the mixed load, in databases named after BENCH_DATABASE_URL's (BENCH_ROWS=, BENCH_LOAD_SECONDS=, BENCH_REDIS_URL=)
	@DATABASE_URL="$(BENCH_DATABASE_URL)" REDIS_URL= DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=127.0.0.1 \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	RIIA_REGISTRATION_HMAC_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
		$(MANAGE) bench --load-only --rows $(BENCH_ROWS) --load-seconds $(BENCH_LOAD_SECONDS) --redis-url "$(BENCH_REDIS_URL)"

# Only the page bench, on a database that already has data (e.g. `make migrate` + `manage.py demo`).
bench-pages: $(VENV)/.installed ## Only the page bench, on the populated database BENCH_PAGES_DATABASE_URL names (BENCH_PAGE_SECONDS=)
	@DATABASE_URL="$(BENCH_PAGES_DATABASE_URL)" REDIS_URL= DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=127.0.0.1 \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	RIIA_REGISTRATION_HMAC_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
		$(MANAGE) bench --pages-only --page-seconds $(BENCH_PAGE_SECONDS)

clean: ## Remove the virtualenv, node modules, built assets and the embedded database
	rm -rf $(VENV) node_modules static/build staticfiles var

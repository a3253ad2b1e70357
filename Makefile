# Wraparound: `make run` starts the whole app with demo data, as users see it (gunicorn, debug
# pages off, static files by WhiteNoise); `make dev` the same under runserver with debug pages on;
# `make test` runs every test.
# Each sets up whatever is missing first (virtualenv, Python and npm packages, front-end build,
# embedded PostgreSQL and Redis under .data/ unless DATABASE_URL / REDIS_URL are set).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
FRONTEND := static/dist/app.css

.PHONY: run dev test lint setup frontend migrate demo collectstatic services stop clean

setup: $(STAMP) $(FRONTEND)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(FRONTEND): node_modules/.package-lock.json frontend/build.mjs $(shell find frontend -type f)
	npm run --silent build

frontend: $(FRONTEND)

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# STATIC_ROOT (staticfiles/), which WhiteNoise serves when debug is off; only changed files copy.
collectstatic: setup
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: demo collectstatic
	$(PY) scripts/run.py

dev: demo
	$(PY) scripts/run.py --dev

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Test files run in parallel, one test database per worker (test_wraparound_gw0, _gw1, ...);
# TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto

test: setup lint
	$(PY) scripts/check_browser.py
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile

services: $(STAMP)
	$(PY) -m config.embedded start

stop:
	$(PY) -m config.embedded stop

clean: stop
	rm -rf .data static/dist staticfiles

# Performance at scale (docs/performance.md): loads 1,000,000 cases into its own database
# `wraparound_bench` once (reused while the scale is unchanged), then measures. BENCH_SCALE=0.01
# for a quick run; BENCH_ARGS="--reload --explain" to rebuild and keep the query plans.
BENCH_SCALE ?= 1.0
.PHONY: bench
bench: setup
	$(PY) -m bench.run --scale $(BENCH_SCALE) $(BENCH_ARGS)

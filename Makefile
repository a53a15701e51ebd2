# Waypoint: the few verbs a newcomer needs.
#   make run       embedded default (SQLite, eager tasks) with demo data on http://127.0.0.1:8000
#   make test      the test suite on the embedded default; PYTEST_ARGS="tests/infra -x" to narrow
#   make test-pg   the same suite on PostgreSQL + Redis (the CI leg)
#   make worker    a Celery worker (needs REDIS_URL)
#   make messages  extract and compile Spanish translations
#   make screenshots  retake the README's screenshots (docs/screenshots/) with Chromium
#   make bench     page, job and load benchmarks on PostgreSQL + Redis (bench/README.md); make bench-db seeds their database

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM := $(shell command -v chromium)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

.PHONY: run test test-pg worker messages check-chromium bench bench-db screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: pip runs again only when a requirements file changes.
$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

run: $(VENV)/.installed-runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Browser tests need Debian's chromium. Locally they are skipped (and we say so);
# in CI (CI=true) a missing browser is a failure, never a silent skip.
check-chromium:
	@if [ -n "$(CHROMIUM)" ]; then \
		echo "make: browser tests (tests/e2e) will run with $(CHROMIUM)"; \
	elif [ "$$CI" = "true" ]; then \
		echo "make: ERROR: chromium is missing and CI=true: browser tests cannot be skipped in CI" >&2; \
		exit 1; \
	else \
		echo "make: WARNING: chromium is missing: browser tests (tests/e2e) will be SKIPPED (apt-get install chromium)"; \
	fi

test: $(VENV)/.installed-dev check-chromium
	@echo "make: database=$${DATABASE_URL:-sqlite (embedded default)} broker=$${REDIS_URL:-none (eager tasks)}"
	$(PY) -m pytest $(PYTEST_ARGS)

test-pg:
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(MAKE) test

worker: $(VENV)/.installed-runtime
	@if [ -z "$$REDIS_URL" ]; then \
		echo "make: REDIS_URL is not set: without a broker tasks run eagerly in the web process, so there is nothing for a worker to do" >&2; \
		exit 1; \
	fi
	$(VENV)/bin/celery -A config worker -l info

messages: $(VENV)/.installed-runtime
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages -l es --ignore=.venv

# README screenshots: the demo on a scratch SQLite database, served on a spare port, photographed by Chromium.
SHOTS_DB := /tmp/waypoint-screenshots.sqlite3
SHOTS_PORT ?= 8765
screenshots: $(VENV)/.installed-dev
	rm -f $(SHOTS_DB)
	DATABASE_URL=sqlite:///$(SHOTS_DB) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(SHOTS_DB) $(PY) manage.py seed_demo > /dev/null
	DATABASE_URL=sqlite:///$(SHOTS_DB) $(PY) manage.py runserver --noreload 127.0.0.1:$(SHOTS_PORT) > /dev/null 2>&1 & \
		server=$$!; trap 'kill $$server' EXIT; sleep 4; \
		WAYPOINT_BASE_URL=http://127.0.0.1:$(SHOTS_PORT) $(PY) docs/screenshots/take.py

# Benchmarks (bench/README.md): not tests, never part of `make test`. Their own database and Redis db.
BENCH_DB ?= waypoint_bench
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/5
BENCH_STUDENTS ?= 10000
BENCH_LOAD_SECONDS ?= 60

bench-db: $(VENV)/.installed-runtime
	dropdb --if-exists -h 127.0.0.1 -U postgres $(BENCH_DB)
	createdb -h 127.0.0.1 -U postgres $(BENCH_DB)
	DATABASE_URL=$(BENCH_PG_URL) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_PG_URL) $(PY) manage.py seed_district --students $(BENCH_STUDENTS) --seed 1

bench: $(VENV)/.installed-runtime
	DATABASE_URL=$(BENCH_PG_URL) $(PY) -m bench.pages
	DATABASE_URL=$(BENCH_PG_URL) $(PY) -m bench.jobs
	DATABASE_URL=$(BENCH_PG_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m bench.load.run --duration $(BENCH_LOAD_SECONDS)

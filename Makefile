# Pathways — a newcomer needs two commands: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
RUN_STAMP  := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test lint format bench serve-prod loadtest clean-store browser

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(RUN_STAMP): requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(TEST_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

## run: install, create the store with demo data when it is empty, serve on http://$(HOST):$(PORT)
## with sign-in OFF (a local demo); `make run PATHWAYS_AUTH=on` to sign in (add a user first, see README).
## Plain http on 127.0.0.1, so cookies are not HTTPS-only (see docs/SECURITY.md).
PATHWAYS_AUTH ?= off
run: $(RUN_STAMP)
	$(PY) -m dashboard init --demo --if-empty
	@echo "Serving the demo store with sign-in $(PATHWAYS_AUTH) (PATHWAYS_AUTH=$(PATHWAYS_AUTH))."
	@echo "To sign in: $(PY) -m dashboard users add NAME --role admin, then make run PATHWAYS_AUTH=on"
	PATHWAYS_AUTH=$(PATHWAYS_AUTH) PATHWAYS_SECURE_COOKIES=off $(PY) -m dashboard serve --host $(HOST) --port $(PORT)

## test: every test, browser tests included (SQLite always; PostgreSQL too when TEST_DATABASE_URL is set)
test: $(TEST_STAMP) browser
	$(PY) -m pytest

browser:
	@scripts/ensure-chromium.sh

## lint: ruff, ruff format --check, mypy on dashboard/
lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy dashboard

format: $(TEST_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## bench: national-scale stores (SQLite and PostgreSQL), timed through HTTP; updates docs/PERFORMANCE.md
bench: $(TEST_STAMP)
	$(PY) scripts/bench.py

## serve-prod: gunicorn with several workers against DATABASE_URL (PostgreSQL) and REDIS_URL; with REDIS_URL set,
## a Celery worker runs the exports (PDF, PNG, board packs) beside it
WORKERS ?= 4
serve-prod: $(RUN_STAMP)
	$(PY) -m dashboard init
	@if [ -n "$$REDIS_URL" ]; then \
		$(VENV)/bin/celery -A app.celery_app worker --concurrency 2 --loglevel WARNING & \
	fi; \
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --timeout 120 app:server

## loadtest: 50 simulated users for 60 s against a running server on http://$(HOST):$(PORT) (127.0.0.1 only)
## With sign-in on, each user signs in as LOADTEST_USER / LOADTEST_PASSWORD (an account you add with `users add`).
loadtest: $(TEST_STAMP)
	$(VENV)/bin/locust -f scripts/locustfile.py --headless --users 50 --spawn-rate 10 --run-time 60s \
		--host http://$(HOST):$(PORT) --only-summary

clean-store:
	rm -f data/pathways.db data/pathways.db-wal data/pathways.db-shm

## screenshots: the README's pictures (overview, drill-down, presentation) from the app on a fresh demo store
.PHONY: screenshots
screenshots: $(TEST_STAMP) browser
	$(PY) scripts/screenshots.py

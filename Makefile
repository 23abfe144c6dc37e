# capintra — everyday commands. Every target is idempotent: a second run installs nothing.
#   make run     demo server on http://127.0.0.1:5000 (CAPINTRA_DEMO=1)
#   make test    test suite, in parallel (PYTEST_ARGS="-k foo -x" to pass options)
#   make lint    ruff check + format check + import contracts (lint-imports)
# See `make help`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
PYTEST_ARGS ?=
# One worker more than cores: the browser tests mostly wait on Chromium and the server.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
BENCH_ARGS  ?=
LOAD_ARGS   ?=
NPM         ?= npm

# Debian packages: Chromium for the browser tests, Pango for WeasyPrint (PDF orders),
# and fonts (apt-ensure skips Recommends, which is where Chromium gets them).
SYSTEM_PACKAGES ?= chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation
BENCH_PACKAGES  ?= wrk

FLASK := $(BIN)/flask --app capintra

VENDOR_FILES := static/vendor/htmx.min.js \
                static/vendor/bootstrap.min.css \
                static/vendor/bootstrap.min.css.map

.PHONY: help venv assets system-deps db run test bench load lint clean

help:
	@echo "Cibles : venv assets system-deps db run test bench load lint clean"
	@echo "  make run                 serveur de démonstration sur http://127.0.0.1:5000"
	@echo "  make test PYTEST_ARGS=…  tests (options pytest dans PYTEST_ARGS)"
	@echo "  make load LOAD_ARGS=…    test de charge (PostgreSQL, gunicorn, locust ; --minutes 2)"
	@echo "  make lint                ruff check + ruff format --check + lint-imports"

# --- Python -----------------------------------------------------------------------------
venv: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled whenever pyproject.toml is newer than the stamp.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

# --- Front-end files (htmx, Bootstrap CSS) -------------------------------------------
assets: $(VENDOR_FILES)

# npm ci from the lock; npm install only when there is no lock yet.
node_modules/.installed: package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then $(NPM) ci --no-audit --no-fund; \
	else $(NPM) install --no-audit --no-fund; fi
	touch $@

$(VENDOR_FILES) &: node_modules/.installed scripts/vendor.sh
	sh scripts/vendor.sh
	touch $(VENDOR_FILES)

# --- System packages (apt) ----------------------------------------------------------------
system-deps:
	@sh scripts/apt-ensure.sh $(SYSTEM_PACKAGES)

# --- Demo database ------------------------------------------------------------------------
# seed-demo writes instance/demo-accounts.txt; its presence means the demo data is there.
db: venv
	CAPINTRA_DEMO=1 $(FLASK) init-db
	if [ ! -f "$${CAPINTRA_INSTANCE_PATH:-instance}/demo-accounts.txt" ]; then CAPINTRA_DEMO=1 $(FLASK) seed-demo; fi
	@echo ""
	@echo "Comptes de démonstration (rôle, identifiant, mot de passe) :"
	@CAPINTRA_DEMO=1 $(FLASK) demo-accounts
	@echo ""

# --- Serve --------------------------------------------------------------------------------
# Bind address and workers: CAPINTRA_BIND (127.0.0.1:5000), CAPINTRA_WORKERS (2).
run: venv assets system-deps db
	@echo "capintra : http://$${CAPINTRA_BIND:-127.0.0.1:5000} (Ctrl+C pour arrêter)"
	export CAPINTRA_DEMO=1; exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# --- Checks -------------------------------------------------------------------------------
# In parallel (pytest-xdist): PYTEST_WORKERS=0 runs in one process. On PostgreSQL each
# worker has its own schema of the test database (tests/conftest.py).
test: venv assets system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15 $(PYTEST_ARGS)

bench: venv assets
	@sh scripts/apt-ensure.sh $(BENCH_PACKAGES)
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

# The load test (tools/load/run.py): 40 simulated users on 50,000 demo households, under
# gunicorn (4 workers) on PostgreSQL, for LOAD_ARGS="--minutes N" (2 by default). As root
# it installs and starts PostgreSQL (scripts/pg-ensure.sh); its database capintra_load
# (or CAPINTRA_LOAD_DATABASE_URL) is reset at every run.
load: venv assets
	sh scripts/pg-ensure.sh capintra_load
	$(BIN)/python tools/load/run.py $(LOAD_ARGS)

# lint-imports: the layers' contracts (pyproject.toml [tool.importlinter]); the test suite
# runs them too (tests/test_architecture.py).
lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

# Never touches instance/ (database, secret key, uploads).
clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache .hypothesis *.egg-info

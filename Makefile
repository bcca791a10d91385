# ContractFlow — developer entry points.
#
#   make run               embedded mode (SQLite, eager Celery) on http://127.0.0.1:5000
#   make test              unit and component tests (no external services)
#   make test-integration  tests against the real PostgreSQL and RabbitMQ
#   make test-e2e          browser tests in Debian's Chromium
#   make smoke-distributed gunicorn + celery worker + beat on PostgreSQL/RabbitMQ
#   make lint              ruff check, ruff format --check, mypy, lint-imports
#   make clean             remove everything the targets above built
#
# Set-up steps are stamp-based: `make venv` and `make frontend` do nothing
# when their inputs (pyproject.toml, package.json, package-lock.json, the build
# script) have not changed since the last successful run. The stamps live inside
# the folders they describe, so deleting .venv or webui/static/vendor is enough
# to force a rebuild.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.contractflow-installed

NODE_STAMP := node_modules/.contractflow-installed
VENDOR_DIR := webui/static/vendor
VENDOR_STAMP := $(VENDOR_DIR)/.contractflow-built
NPM_LOCK := $(wildcard package-lock.json)

HOST ?= 127.0.0.1
PORT ?= 5000

# Playwright (a dev dependency) must never fetch a browser of its own: the e2e
# tests drive Debian's /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Root runs apt-get directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv frontend translations run test test-integration test-e2e lint smoke-distributed clean chromium fonts

help:
	@sed -n '3,10p' Makefile | sed 's/^# \{0,1\}//'

# --- set-up -------------------------------------------------------------------

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	@touch $@

frontend: $(VENDOR_STAMP)

# Compiled message catalogs (.mo) are build output; the .po files are the source.
translations: venv
	$(BIN)/pybabel compile --statistics -d webui/translations

$(NODE_STAMP): package.json $(NPM_LOCK)
	@if [ -f package-lock.json ]; then \
		npm ci --no-audit --no-fund; \
	else \
		npm install --no-audit --no-fund; \
	fi
	@touch $@

# Our own entry modules are inputs too: editing one rebuilds the bundles.
FRONTEND_SOURCES := $(shell find webui/frontend -type f 2>/dev/null)

$(VENDOR_STAMP): $(NODE_STAMP) $(FRONTEND_SOURCES)
	npm run --silent build
	@touch $@

# --- run ----------------------------------------------------------------------

run: venv frontend translations
	$(BIN)/contractflow init-db
	$(BIN)/contractflow demo
	CONTRACTFLOW_DEMO=1 $(BIN)/contractflow run --host $(HOST) --port $(PORT)

# --- tests --------------------------------------------------------------------

# The unit tests render templates that link /static/vendor/htmx.min.js but do
# not need the file, so they do not build the front end.
test: venv translations fonts
	$(BIN)/pytest tests --ignore=tests/integration --ignore=tests/e2e -q

# Needs PostgreSQL and RabbitMQ; the tests create and drop their own database
# (TEST_DATABASE_URL, TEST_BROKER_URL — see tests/integration).
test-integration: venv translations
	$(BIN)/pytest tests/integration -q

# The PDF renditions of contract templates embed Noto CJK; the tests read them back
# with pdftotext (poppler-utils).
fonts:
	@if [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || ! command -v pdftotext >/dev/null; then \
		echo "Installing Debian's fonts-noto-cjk and poppler-utils (for contract PDFs)"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk poppler-utils; \
	fi

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium (for the e2e tests)"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi

test-e2e: venv frontend translations chromium
	$(BIN)/pytest tests/e2e -q

smoke-distributed: venv frontend translations
	bash scripts/smoke_distributed.sh

# --- quality ------------------------------------------------------------------

# Runs all four checks and fails if any of them failed. lint-imports checks the import
# contracts in pyproject.toml ([tool.importlinter]; see docs/architecture.md).
lint: venv
	@status=0; \
	echo '$$ ruff check .';          $(BIN)/ruff check . || status=1; \
	echo '$$ ruff format --check .'; $(BIN)/ruff format --check . || status=1; \
	echo '$$ mypy';                  $(BIN)/mypy || status=1; \
	echo '$$ lint-imports';          $(BIN)/lint-imports --no-cache --no-logo || status=1; \
	exit $$status

# --- clean --------------------------------------------------------------------

# Keeps instance/ (your local SQLite database and stored files).
clean:
	rm -rf $(VENV) node_modules $(VENDOR_DIR) webui/static/dist build dist *.egg-info \
		.pytest_cache .mypy_cache .ruff_cache .make-stamps celerybeat-schedule*
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

# Rapport: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres test-fast lint format install bench clean ci screenshots

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

# axe-core for the browser tests' accessibility audit (tests/browser/axe.py), pinned in
# package-lock.json. Without npm a developer's browser audit skips; with CI=true it is an error.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund && touch $(NODE_STAMP); \
	elif [ "$$CI" = "true" ]; then \
	  echo "npm is required with CI=true (axe-core for the browser tests)"; exit 1; \
	else \
	  echo "npm not found: the accessibility audit in the browser tests will skip (apt-get install npm)"; \
	fi

install: $(STAMP) $(NODE_STAMP)

run: install
	$(BIN)/rapport migrate --no-input
	$(BIN)/rapport demo
	@echo "Starting web server on http://$(HOST):$(PORT)/ and the background worker (Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/rapport worker & \
	  $(BIN)/rapport serve --host $(HOST) --port $(PORT)

# Two pytest-xdist workers per core, each with its own test database, Chromium and servers on
# free ports; `worksteal` keeps a worker busy while another runs a long browser or fuzz test.
# A third of the suite's time is waiting (browsers, servers, Redis, the worker killed and
# restarted): with one worker per core CI's SQLite stage used 1.4 of 2 cores (1,360 s of CPU in
# 995 s, session 14); with two per core the cores stay busy. Serial: make test PYTEST_WORKERS=0.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
test: install
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The same suite on a throwaway PostgreSQL cluster on loopback (started and removed by the script).
test-postgres: install
	.ci/with-postgres $(MAKE) --no-print-directory test

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not integration and not fuzz and not bench" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy rapport tests $(wildcard bench) scripts
	$(BIN)/lint-imports
	$(BIN)/vulture

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every page of the demo desk at 1440 and 390 px, as each persona sees it (var/screenshots/).
screenshots: install
	$(BIN)/python scripts/screenshots.py

bench: install
	$(BIN)/python bench/views.py

# What CI runs: installs chromium/PostgreSQL if missing (needs root), lint, tests on both databases.
ci:
	CI=true bash .ci/run

clean:
	rm -rf $(VENV) var/ .mypy_cache .ruff_cache node_modules

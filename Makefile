# lumbo: the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run test lint bench bench-service install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PY) -m pip install --quiet -e '.[vision,web]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PY) -m pip install --quiet -e '.[vision,web,dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: create .venv, install, and start the web service on the embedded SQLite default;
## on first run it creates a demo clinician and a demo patient (the example intake) and prints
## the URL and how to sign in. `lumbo demo` still assesses and plans the example in the terminal.
run: install
	$(BIN)/lumbo serve --demo --with-worker

## make lint: ruff + strict mypy.
lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## make test: install dev extras, lint, then the whole suite.
test: install-dev lint
	$(BIN)/pytest -n 2 --dist worksteal -q

## make bench: speed and memory figures, measured in one run. The service load test runs on SQLite
## and on the PostgreSQL server named by LUMBO_BENCH_DATABASE_URL (default: the local server).
LUMBO_BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
bench: install-dev
	LUMBO_BENCH_DATABASE_URL='$(LUMBO_BENCH_DATABASE_URL)' $(PY) bench/run_all.py

## make bench-service: only the service load test (SQLite and PostgreSQL, about 4 minutes); its
## figures are saved to artifacts/bench_service.json, from which
## `python scripts/gen_perf_table.py artifacts/bench_service.json` regenerates the README table.
bench-service: install-dev
	LUMBO_BENCH_DATABASE_URL='$(LUMBO_BENCH_DATABASE_URL)' $(PY) bench/bench_service.py --json artifacts/bench_service.json

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .mypy_cache .pytest_cache .ruff_cache

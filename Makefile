# Pingyi — the two commands a fresh machine needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PINGYI_HOME ?= $(CURDIR)/var

.PHONY: run test lint types unit test-sqlite test-postgres bench setup clean messages demo

$(STAMP): requirements.lock pyproject.toml
	@scripts/system-deps
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

setup: $(STAMP)
	@$(BIN)/pingyi manage compilemessages -v 0 --ignore '.venv' >/dev/null 2>&1 || true
	@$(BIN)/pingyi manage migrate -v 0
	@$(BIN)/pingyi manage collectstatic --noinput -v 0

# Builds the two-year demo of seed 001, prints its results, then serves the admin.
run: setup
	@$(BIN)/pingyi demo --out $(PINGYI_HOME)/demo
	@$(BIN)/pingyi demo-account
	@echo "Serving the admin on http://127.0.0.1:8000/admin/  (Ctrl-C to stop)"
	@$(BIN)/pingyi manage runserver 127.0.0.1:8000 --noreload

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy src

test-sqlite: $(STAMP)
	PINGYI_TEST_DATABASE_URL= $(BIN)/pytest

test-postgres: $(STAMP)
	@if [ -n "$$PINGYI_TEST_DATABASE_URL" ]; then \
	  echo "== the suite again on $$PINGYI_TEST_DATABASE_URL"; $(BIN)/pytest; \
	else echo "PINGYI_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; fi

test: lint types test-sqlite test-postgres

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache

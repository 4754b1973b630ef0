# Pingyi — the two commands a fresh machine needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PINGYI_HOME ?= $(CURDIR)/var

.PHONY: messages test-deps run serve test test-fast lint types test-sqlite test-postgres bench setup clean bundle

$(STAMP): requirements.lock pyproject.toml
	@scripts/system-deps
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

# The message catalogs (Chinese first, English second), compiled from the .po files.
messages: $(STAMP)
	@cd src/pingyi && ../../$(BIN)/pingyi manage compilemessages -v 0

setup: messages
	@$(BIN)/pingyi init
	@$(BIN)/pingyi manage migrate -v 0
	@$(BIN)/pingyi manage collectstatic --noinput -v 0

# Builds the two-year demo of seed 001, prints its results, then serves the admin.
run: setup
	@$(BIN)/pingyi demo --out $(PINGYI_HOME)/demo
	@$(BIN)/pingyi demo-account
	@echo "Serving on http://127.0.0.1:8000/ — staff pages /staff/, ballot page /v/, admin /admin/ (Ctrl-C to stop)"
	@$(BIN)/pingyi worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/pingyi manage runserver 127.0.0.1:8000 --noreload

# The production server: gunicorn, several workers, static files by WhiteNoise; beside it
# `pingyi worker`, which runs the background jobs (codes, imports, reports).
# Uses Redis on 127.0.0.1:6379 for the rate limits when it answers (else PINGYI_CACHE_URL).
# Starts only: installing, migrating and collecting static files is `make setup`'s job, and
# serve refuses (exit 2) when that has not been done. (deploy/ has the systemd units.)
serve:
	@scripts/serve-ready "$(BIN)"
	@if [ -z "$$PINGYI_CACHE_URL" ] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then \
	  export PINGYI_CACHE_URL=redis://127.0.0.1:6379/0; fi; \
	echo "Serving on http://$${PINGYI_BIND:-127.0.0.1:8000}/ (cache: $${PINGYI_CACHE_URL:-per process})"; \
	$(BIN)/pingyi worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py pingyi.wsgi:application

# The offline install (issue 13; README, "离线安装 / offline install"): one archive,
# dist/pingyi-bundle-VERSION-cpXY-PLATFORM.tar.gz, with the wheels of the run-time packages of
# requirements.lock (from PyPI or pip's cache) and Pingyi's own, a Python to run them, the
# Chinese font, deploy/ and install.sh. Built on the machine kind it is for (Debian 12, x86-64).
bundle: $(STAMP)
	@scripts/system-deps patchelf
	@$(BIN)/python scripts/bundle.py --out dist

# lint-imports: the import contracts in pyproject.toml ([tool.importlinter]): rules/ and
# inputs/ import no Django, the packages sit in their layers.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy src

# What the suite drives besides Python: a real Chromium, pdftoppm to look at PDFs,
# zbarimg to scan the QR codes printed on the token sheets back, nginx in front of gunicorn
# (deploy/nginx), pg_dump/pg_restore for the backup tests on PostgreSQL, a Redis of the
# tests' own (never the shared one on 6379), and patchelf and ip for the offline bundle's test
# (built with `make bundle`, installed in a network namespace of its own).
test-deps:
	@scripts/system-deps chromium poppler-utils zbar-tools nginx postgresql-client redis-server \
	  patchelf iproute2

# The suite runs on every core (pytest-xdist, PYTEST_WORKERS=1 for one process): each worker
# has its own test database (tests/settings.py), PINGYI_HOME and ports; the tests that must not
# share the machine with another are grouped (xdist_group) and run one after the other.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-sqlite: messages test-deps
	PINGYI_TEST_DATABASE_URL= $(PYTEST)

# The edit loop: everything but the tests marked slow (browsers, live servers), on SQLite.
test-fast: messages
	PINGYI_TEST_DATABASE_URL= $(PYTEST) -m "not slow"

test-postgres: messages test-deps
	@if [ -n "$$PINGYI_TEST_DATABASE_URL" ]; then \
	  echo "== the suite again on $$PINGYI_TEST_DATABASE_URL"; $(PYTEST); \
	else echo "PINGYI_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; fi

test: lint types test-sqlite test-postgres

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var dist build .mypy_cache .ruff_cache

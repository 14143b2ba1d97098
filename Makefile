# Two commands for a new user: `make run` (the portal with demo data) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test test-fast test-browser test-js setup services services-fast lint screenshot bench

run: $(VENV)/.runtime node_modules/.installed
	$(PY) app.py $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

# The suite in two halves: test-fast is everything but tests/browser/ and needs no Chromium;
# test-browser drives Debian's Chromium. `make test` runs both in one pytest run, as CI does (one
# demo seeded for both halves).
test: $(VENV)/.dev node_modules/.installed services
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.dev node_modules/.installed services-fast
	$(PY) -m pytest --ignore=tests/browser $(PYTEST_ARGS)

test-browser: $(VENV)/.dev node_modules/.installed services
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

# The front end's unit tests alone (node's test runner); test-fast and test run them too (tests/js/test_node.py).
test-js:
	node --test tests/js/

setup: $(VENV)/.dev node_modules/.installed

# PostGIS, Chromium and CJK fonts through apt when running as root and missing; PostgreSQL started.
services:
	bash scripts/test-services.sh

services-fast:
	bash scripts/test-services.sh --no-browser

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

screenshot: $(VENV)/.dev node_modules/.installed
	$(PY) -m scripts.screenshot

bench: $(VENV)/.dev node_modules/.installed
	$(PY) -m scripts.bench.route
	$(PY) -m scripts.bench.grids
	$(PY) -m scripts.bench.coverage
	$(PY) -m scripts.bench.report
	$(PY) -m scripts.bench.portal
	$(PY) -m scripts.bench.mvt_encode
	$(PY) -m scripts.bench.notify

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

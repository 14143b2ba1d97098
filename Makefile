# Two commands for a new user: `make run` (the portal with demo data) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test test-js setup services lint screenshot bench

run: $(VENV)/.runtime node_modules/.installed
	$(PY) app.py $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

test: $(VENV)/.dev node_modules/.installed services
	$(PY) -m pytest $(PYTEST_ARGS)

# The front end's unit tests alone (node's test runner); `make test` runs them too (tests/js/test_node.py).
test-js:
	node --test tests/js/

setup: $(VENV)/.dev node_modules/.installed

# PostGIS, Chromium and CJK fonts through apt when running as root and missing; PostgreSQL started.
services:
	bash scripts/test-services.sh

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

# The README's two commands: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast db demo clean

run: $(VENV)/.runtime db
	$(FLASK) demo --if-empty
	PODIUM_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

OIDC := tests/support/oidc
# Tests run on JOBS pytest-xdist workers, each with its own PostgreSQL database. The tests on real parts
# (tests/browser, tests/realworld: gunicorn, nginx, fixed Redis databases, a browser) must not run two at
# once: the workers leave them out and a second, serial run takes only them. Exit status 5 (nothing
# selected, e.g. PYTEST_ARGS names only one side) counts as success unless both runs had nothing.
JOBS ?= 2
PYTEST := $(PY) -m pytest --durations=15

# Everything, as CI runs it (.ci/run).
test: $(VENV)/.dev $(OIDC)/node_modules/.package-lock.json
	parallel=0; serial=0; \
	$(PYTEST) -n $(JOBS) $(PYTEST_ARGS) || parallel=$$?; \
	$(PYTEST) --real-parts-only $(PYTEST_ARGS) || serial=$$?; \
	if [ $$parallel -eq 5 ] && [ $$serial -eq 5 ]; then exit 5; fi; \
	[ $$parallel -eq 5 ] && parallel=0; [ $$serial -eq 5 ] && serial=0; \
	exit $$(( parallel ? parallel : serial ))

# The quick inner loop: in parallel, without the browser journeys and the tests on real parts; no npm
# (the OpenID Connect sign-in tests skip, saying why, when tests/support/oidc has no node_modules).
test-fast: $(VENV)/.dev
	$(PYTEST) -n $(JOBS) --ignore=tests/browser --ignore=tests/realworld $(PYTEST_ARGS)

# The test suite's OpenID Connect provider (Node's oidc-provider, pinned in its package-lock.json).
$(OIDC)/node_modules/.package-lock.json: $(OIDC)/package-lock.json
	cd $(OIDC) && npm ci --no-audit --no-fund

db: $(VENV)/.runtime
	$(FLASK) db upgrade

demo: $(VENV)/.runtime db
	$(FLASK) demo

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

clean:
	rm -rf $(VENV) instance/podium.sqlite

# The README's two commands: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test db demo clean

run: $(VENV)/.runtime db
	$(FLASK) demo --if-empty
	PODIUM_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

OIDC := tests/support/oidc

test: $(VENV)/.dev $(OIDC)/node_modules/.package-lock.json
	$(PY) -m pytest $(PYTEST_ARGS)

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

# Two commands: `make run` (set up, seed the demo, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST := $(BIN)/pytest
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run setup test lint check test-sqlite test-postgres test-browser test-ops bench soak messages wagtail-messages format seed

setup: $(VENV)/.installed var/.system-deps node_modules/axe-core/axe.min.js

var/.system-deps: scripts/system-deps
	@mkdir -p var
	scripts/system-deps
	@touch $@

var/.browser-deps: var/.system-deps
	EXTRA_DEBS=chromium scripts/system-deps
	@touch $@

# The loopback production stack (scripts/with-stack): Redis and nginx besides PostgreSQL.
var/.stack-deps: var/.system-deps
	EXTRA_DEBS="redis-server nginx-light" scripts/system-deps
	@touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is required (found %s); install it or set PYTHON=python3.12" % sys.version.split()[0])'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	@touch $@

run: setup
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo --if-empty
	@echo "物业治理 demo at http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)"
	$(MANAGE) runserver 127.0.0.1:8000

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

test-sqlite: setup
	$(PYTEST) -m "not browser" -n 2 -q

test-postgres: setup
	scripts/with-postgres $(PYTEST) -m "not browser" -n 2 -q

test-browser: setup var/.browser-deps
	$(PYTEST) -m browser -q

# Two app instances, replica, Redis, worker and nginx: the short soak, the two-host cache.
test-ops: setup var/.stack-deps
	scripts/with-stack $(PYTEST) -m stack -q

test: setup var/.browser-deps lint check test-sqlite test-postgres test-browser test-ops

bench: setup
	EXTRA_DEBS=wrk scripts/system-deps
	scripts/with-postgres $(BIN)/python bench/run.py

# Load and fault test (bench/soak.py): SOAK_CLIENTS (50), SOAK_SECONDS (60), SOAK_FAULTS.
soak: setup var/.stack-deps
	scripts/with-stack $(BIN)/python bench/soak.py

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l en -l zh_Hans --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests
	scripts/source-catalog locale/zh_Hans/LC_MESSAGES/django.po
	$(MANAGE) compilemessages --ignore=.venv
	$(MAKE) wagtail-messages

# Our Chinese for Wagtail's, Django's and django-axes' strings that ship untranslated.
wagtail-messages:
	msgfmt -c -o locale/upstream/zh_Hans/LC_MESSAGES/django.mo locale/upstream/zh_Hans/LC_MESSAGES/django.po

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

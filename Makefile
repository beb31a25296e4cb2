# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install system-deps npm-deps migrate seed worker lint typecheck security loadtest bench lock clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

# WeasyPrint needs Pango and fonts from the system; install them when missing and we are root.
system-deps:
	@bash scripts/system-deps.sh

setup: system-deps install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py credentials_keygen --if-missing
	$(PY) manage.py seal_keygen --if-missing
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_seed_referentials
	@# Its account lines go to var/demo-accounts.tsv, which `make run` shows once, as a table.
	@if $(PY) manage.py help seed_demo >/dev/null 2>&1; then $(PY) manage.py seed_demo >/dev/null; \
	  echo "Comptes de démonstration : $${CQPM_VAR_DIR:-var}/demo-accounts.tsv"; fi

# Absolute links (e-mails, QR codes) point at this very server, for the demo documents too.
run: export SITE_URL ?= http://$(HOST):$(PORT)
# The demo serves as a deployment would: French error pages, static files by whitenoise.
run: export DEBUG ?= false
run: setup
	@bash scripts/run.sh $(HOST) $(PORT)

# axe-core for the accessibility checks of the browser journey (tests/browser/).
npm-deps:
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund

test: system-deps install npm-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# mypy with django-stubs on the files listed in pyproject.toml ([tool.mypy]); cache in var/mypy.
typecheck: install
	$(PY) -m mypy

# Static security gates; findings that are not real problems are explained in SECURITY.md.
# PIP_AUDIT_STRICT=1 also fails when a dependency could not be audited (see SECURITY.md).
security: install
	$(VENV)/bin/bandit -c pyproject.toml -r . -q
	$(VENV)/bin/pip-audit -r requirements.lock --vulnerability-service pypi --no-deps --disable-pip \
	  --progress-spinner off $(if $(filter 1,$(PIP_AUDIT_STRICT)),--strict) \
	  $(shell sed -n 's/^- `\(\(PYSEC\|GHSA\|CVE\)-[^`]*\)`.*/--ignore-vuln \1/p' SECURITY.md)

# 50 users for LOADTEST_DURATION against gunicorn + PostgreSQL; writes loadtest/REPORT.md.
loadtest: install
	@bash scripts/loadtest.sh

bench: setup
	$(PY) scripts/bench_pages.py
	$(PY) scripts/bench.py
	$(PY) scripts/bench_documents.py
	$(PY) scripts/bench_deliberation.py
	$(PY) scripts/bench_imports.py
	$(PY) scripts/bench_scale.py
	$(PY) scripts/bench_stats.py
	$(PY) scripts/bench_credentials.py
	$(PY) scripts/bench_api.py
	$(PY) scripts/bench_cdc.py

# Re-resolve the pinned set from pyproject.toml (needs the package index).
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet --upgrade pip
	var/lockenv/bin/pip install --quiet ".[dev]"
	var/lockenv/bin/pip freeze --exclude cqpm-campaigns > requirements.lock
	rm -rf var/lockenv

clean:
	rm -rf $(VENV) var

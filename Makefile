# One entry point for a fresh machine: `make run` serves the portal, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# xstatic-bootstrap builds from an sdist that needs pkg_resources (setuptools<82).
PIP_INSTALL := PIP_CONSTRAINT=constraints-build.txt $(VENV)/bin/pip install --disable-pip-version-check -q

.PHONY: run test lint audit format browser migrate seed clean

# The portal's settings fail closed (DEBUG off, SECRET_KEY required): the development targets
# turn DEBUG on for their own commands only.
DEV := DEBUG=true

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(VENV)/bin/activate requirements.txt constraints-build.txt
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.runtime
	$(DEV) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEV) $(PY) manage.py seed_demo

run: seed
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: $(VENV)/.dev browser
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check --preview --select PLC2701 --exclude tests,bench .
	$(MAKE) audit

# Known vulnerabilities in the pinned runtime requirements (needs PyPI) and bandit over the
# portal's code (configuration: [tool.bandit] in pyproject.toml).
audit: $(VENV)/.dev
	PIP_CONSTRAINT=constraints-build.txt $(VENV)/bin/pip-audit -r requirements.txt --progress-spinner off
	$(VENV)/bin/bandit -q -c pyproject.toml -r .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .mypy_cache .ruff_cache

# deliberation: `make run` to try it, `make test` to test it. Needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: what production runs (requirements.lock) and what development adds on top
# (requirements-dev.lock: tests, browser driver, linters, pip-tools).
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# No machine-local lines in the locks (index URLs, find-links): pip's own config supplies them.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --strip-extras \
	--no-emit-index-url --no-emit-find-links
HOST ?= 127.0.0.1
PORT ?= 8000
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: install install-dev browser run test screenshots lint format messages lock clean

# Re-install only when the dependency files changed (a changed lock reinstalls).
$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	# Built in isolation with pyproject's build requirements: a new venv's setuptools (65) cannot
	# build an editable wheel without the wheel package, which the runtime lock does not carry.
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $(DEV_STAMP)

# Compile translations with Babel (pure Python: no GNU gettext needed on a fresh machine).
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

# What production installs: the runtime lock only (no test tools).
install: $(STAMP) $(MO_FILES)

# Development: the runtime lock plus pytest, Playwright, ruff and pip-tools (requirements-dev.lock).
install-dev: $(DEV_STAMP) $(MO_FILES)

# What `make run` chose goes to var/local.env, so that `manage.py` in a second shell acts on the
# same instance with nothing to set (the environment still overrides it).
# Links in mails (written by the worker, outside any request) point at the address make run
# serves unless SITE_URL says otherwise; a wildcard HOST is reached on the loopback address.
RUN_SITE_URL := http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: export SITE_URL := $(or $(SITE_URL),$(RUN_SITE_URL))
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python -m deliberation.localenv
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo
	@echo "  deliberation runs at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password for all: demo-passwort-2026):"
	@echo "    buergerin  (citizen)    moderation  (moderator)    arbeitskreis  (working group)"
	@echo "  The worker beside it sends the e-mails (printed here while EMAIL_HOST is unset)."
	@echo "  Stop both with Ctrl+C."
	@echo
	DEBUG=$${DEBUG:-1} $(BIN)/python -m deliberation.supervise $(HOST) $(PORT)

# The whole suite. DEBUG=1 here only relaxes production-only settings (HTTPS redirects, the
# required SECRET_KEY); pytest-django runs the tests themselves with DEBUG off.
test: install-dev browser
	DEBUG=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

# The README's pictures in docs/screenshots/ (tracked files: made on request, not by `make test`).
screenshots: install-dev browser
	DEBUG=1 $(BIN)/python -m pytest tests/e2e/test_screenshots.py --screenshots -q

# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract interface strings into the .po files (needs GNU gettext, for developers only).
messages: install-dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l de -l en --no-obsolete --ignore=.venv --ignore=var

# Refresh both locks after changing dependencies in pyproject.toml: the runtime lock from the
# project's dependencies, the dev lock from the dev extra held to the runtime lock's pins.
lock: $(DEV_STAMP)
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements.lock -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var

# `make run` and `make test` work on a fresh machine with Python 3.12+ and nothing else installed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SANDBOX_PORT ?= 8001
# The newest Python 3.12+ on the PATH (.python-version pins 3.13 for pyenv users).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: run run-prod test setup lint check-deploy browser clean lock

run: setup
	@$(PY) manage.py migrate --noinput -v 0
# The demo logins wait in DEMO_LOGINS for the `ready` process, which prints them with the URL once the web
# server answers. The ports win over .env (which the processes read themselves; honcho must not load it over
# them), so `PORT=9000 SANDBOX_PORT=9001 make run` stays one consistent setup.
	@logins="$$($(PY) manage.py load_demo)" && $(PY) manage.py load_demo_campaign && \
	PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) EXOTEL_API_URL=http://127.0.0.1:$(SANDBOX_PORT) \
	PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) DEMO_LOGINS="$$logins" \
	$(VENV)/bin/honcho start -f Procfile -e /dev/null

# Production settings and processes on this machine: PostgreSQL on 127.0.0.1:5432 (database exotel_prod, or
# DATABASE_URL), gunicorn, two workers, the scheduler and the sandbox as Exotel, on plain http://127.0.0.1.
run-prod: $(VENV)/.installed
	PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) $(PY) scripts/run_prod.py

# One pytest worker per CPU (pytest-xdist): the suite is CPU-bound, and CI runs it twice within its time.
test: setup browser
	$(PY) -m pytest -q -n auto $(PYTEST_ARGS)

setup: $(VENV)/.installed .env

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.13, python3.12 or python3)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# requirements-dev.txt is the whole set (the app's packages and the tools), each file checked against its
# hash; wheels only, since building a source release would fetch its build tools unchecked.
$(VENV)/.installed: $(VENV)/bin/python requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --only-binary :all: \
		-r requirements-dev.txt
	touch $@

# requirements*.in -> requirements*.txt with every dependency and the hashes of all its files, valid on Python
# 3.12+ and any platform (--universal). The pins already in the .txt files stay unless the .in files need
# otherwise; upgrade one with `make lock LOCK_ARGS="--upgrade-package NAME"`. uv lives in its own venv.
LOCK_VENV := .venv-lock
UV_VERSION := 0.13.9
LOCK_ARGS ?=
UV_COMPILE = $(LOCK_VENV)/bin/uv pip compile --quiet --universal --python-version 3.12 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_ARGS)

lock: $(LOCK_VENV)/.uv-$(UV_VERSION)
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

$(LOCK_VENV)/.uv-$(UV_VERSION):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.13, python3.12 or python3)."; exit 1; }
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

.env: | $(VENV)/bin/python
	$(PY) scripts/write_dev_env.py

# Browser tests drive Debian's Chromium; never a browser download.
browser:
	@bash scripts/ensure_chromium.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: setup
	DJANGO_SETTINGS_MODULE=exotel_dashboard.production ENV_FILE= SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	EXOTEL_SID=check EXOTEL_API_KEY=check EXOTEL_API_TOKEN=check PUBLIC_BASE_URL=https://calls.example.in \
	ALLOWED_HOSTS=calls.example.in $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles

# The project's index of commands. Needs only python3.11, git and make.
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_SYSTEM_CERTS := 1

.PHONY: help install browser run test lint typecheck unit integration e2e bench bench-quick faults fmt generate contracts clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml devstack/pyproject.toml ops/pyproject.toml
	$(UV) sync --frozen --all-packages
	@touch $@

install: $(VENV)/.synced  ## create .venv from uv.lock

# The browser tests drive Debian's Chromium, never a downloaded one; CI runs as root.
CHROMIUM := /usr/bin/chromium
browser:  ## install Debian's chromium for the browser tests when it is missing (needs root)
	@test -x $(CHROMIUM) || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

run: install  ## start the embedded system: broker, database, SMTP sink and the four services
	$(VENV)/bin/python -m digitalwell_devstack

test: install browser lint typecheck  ## lint, type-check and run every test against a real broker and database
	$(VENV)/bin/pytest

unit: install  ## only the fast tests without I/O
	$(VENV)/bin/pytest tests/unit

lint: install  ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install  ## mypy --strict
	$(VENV)/bin/mypy shared/src services/intake/src services/council/src services/forum/src services/notify/src devstack/src ops/src

fmt: install  ## format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

generate: install  ## write contracts/, docker-compose.yml, deploy/base and the README's settings table from the code
	$(VENV)/bin/digitalwell generate

contracts: generate  ## the same: the contracts are generated with everything else

bench: install  ## every benchmark against the running system (`make run`): one table, each figure beside the raw store rate
	$(VENV)/bin/python -m benchmarks

bench-quick: install  ## every benchmark with tiny counts against a stack of its own (what `make test` checks; no thresholds)
	$(VENV)/bin/python -m benchmarks --quick --own-stack

faults: install  ## fault suite: kill -9, outages, restarts under load; a table per trial; fails on loss or doubling
	$(VENV)/bin/python -m tests.faults.suite --logs data/faults-logs

clean:  ## remove the environment (keeps data/)
	rm -rf $(VENV) $(TOOLS)

# Two commands do all the set-up: `make start` and `make test`.
# Embedded PostgreSQL and Redis are used unless DATABASE_URL / REDIS_URL are set.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

ARGS ?=

.PHONY: start test test-faults test-slow contract lint install messages bench clean-data chromium manage

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

start: $(STAMP)
	$(PY) -m devstack start

test: $(STAMP) lint chromium
	$(PY) -m devstack run -- $(PY) -m pytest -m "not contract and not slow" $(PYTEST_ARGS)

# The slow tests (marked `slow`): the fault tests (tests/faults: a worker killed, Redis and PostgreSQL
# restarted, on servers they start themselves), the install test and the backup round trips.
test-slow: $(STAMP)
	$(PY) -m devstack run -- $(PY) -m pytest -m "slow and not contract" $(PYTEST_ARGS)

# The broker fault tests alone (a worker killed mid-run, Redis restarted; part of test-slow too).
test-faults: $(STAMP)
	$(PY) -m devstack run -- $(PY) -m pytest -m faults $(PYTEST_ARGS)

# The school API against its OpenAPI document for every role (schemathesis, tests/contract): several
# minutes, so not part of `make test`; CI runs both.
contract: $(STAMP)
	$(PY) -m devstack run -- $(PY) -m pytest -m contract tests/contract $(PYTEST_ARGS)

# Browser tests drive Debian's chromium; Playwright's own browser download cannot work offline.
# They also need a Chinese font (fonts-wqy-microhei), installed here when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser tests need chromium: sudo apt-get install chromium"; exit 1; fi; }
	@# The pages are in Chinese: without a CJK font Chromium draws no glyphs, and layout checks fail.
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing a Chinese font (fonts-wqy-microhei) for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	  else echo "The browser tests need a Chinese font: sudo apt-get install fonts-wqy-microhei"; exit 1; fi; }

# Ruff's rules and formatting, and the layering contracts in pyproject.toml ([tool.importlinter]).
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Any manage.py command, with the database, keys and settings of `make start` (devstack run):
#   make manage ARGS="api_token --school demo1 --username secretary"
manage: $(STAMP)
	$(PY) -m devstack manage $(ARGS)

# Refresh the zh-hans catalog after changing user-facing strings (needs gettext), then translate it.
messages: $(STAMP)
	$(PY) -m devstack run -- $(PY) manage.py makemessages -l zh_Hans --ignore '.venv/*' --ignore '.data/*' --ignore 'tests/*' --ignore 'bench/*' --no-location
	$(PY) -m devstack run -- $(PY) manage.py compilemessages -l zh_Hans --ignore '.venv/*'

bench: $(STAMP)
	$(PY) -m devstack run -- $(PY) bench/provision.py
	$(PY) -m devstack run -- $(PY) bench/care.py
	$(PY) -m devstack run -- $(PY) bench/load.py
	$(PY) -m devstack run -- $(PY) bench/load_mixed.py
	$(PY) -m devstack run -- $(PY) bench/district.py

clean-data:
	rm -rf .data

# Justsend Panel: `make run` starts the whole panel, `make test` runs the whole test suite,
# `make faults` the fault suite, `make bench` / `make bench-smoke` the benchmarks.
# Both create .venv on first use and reinstall only when a requirements file changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test faults bench bench-smoke clean-var

run: $(VENV)/.installed
	$(PY) manage.py runpanel

test: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# PostgreSQL + Redis with real web, worker, beat and sandbox processes, under faults
# (DATABASE_URL's server when set, else a throwaway cluster; always its own redis-server).
faults: $(VENV)/.installed-dev
	$(PY) -m faults $(FAULTS_ARGS)

# Every benchmark at full size on PostgreSQL; figures appended to docs/benchmarks.md.
bench: $(VENV)/.installed-dev
	$(PY) -m bench

# Every benchmark at ~10,000 rows: fails when a benchmark breaks (CI runs it).
bench-smoke: $(VENV)/.installed-dev
	$(PY) -m bench --smoke

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

clean-var:
	rm -rf var/broker var/test-runs

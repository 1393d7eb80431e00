# One-command entry points. With no virtualenv or conda env active, every target first builds
# .venv from requirements.lock with pip (needs only Python 3.11 and make on the machine).
SHELL := /bin/bash
CORPUS ?=
PARAMS ?=
unexport CORPUS PARAMS

ACTIVE_ENV := $(or $(VIRTUAL_ENV),$(filter-out base,$(CONDA_DEFAULT_ENV)))
ifeq ($(ACTIVE_ENV),)
PY := .venv/bin/python
SETUP := .venv/.installed
else
PY := python
SETUP :=
endif
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: help setup report test test-fast lab bench screenshots clean
help:
	@echo "make report [CORPUS=dir]  run every notebook with papermill and render reports/index.html"
	@echo "make test                 run the test suite (unit tests, notebooks end to end, browser checks)"
	@echo "make lab                  open JupyterLab on notebooks/ with the project's environment"
	@echo "make screenshots          open every page of reports/ in headless Chromium, check it, save screenshots"
	@echo "make bench                print speed and memory benchmarks"

setup: $(SETUP)

.venv/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + "); install it or run make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv .venv
	.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# CORPUS and PARAMS reach the runner as environment variables holding exactly what was typed ($(value) expands
# nothing, and no shell reads them): any folder name works, none executes. The runner splits PARAMS like a shell would.
report: export REPORT_CORPUS := $(value CORPUS)
report: export REPORT_PARAMS := $(value PARAMS)
report: $(SETUP)
	$(PY) -m analysis.runner --arguments-from-environment

test: $(SETUP)
	$(PY) -m pytest

test-fast: $(SETUP)
	$(PY) -m pytest -m "not slow and not browser"

lab: $(SETUP)
	$(PY) -m jupyterlab --notebook-dir=notebooks

screenshots: $(SETUP)
	$(PY) -m analysis.browser_check reports

bench: $(SETUP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf build reports/notebooks reports/code reports/*.html reports/tables/* figures/*.png figures/*.svg

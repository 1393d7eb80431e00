# One-command entry points. With no virtualenv or conda env active, every target first builds
# .venv with pip (needs only Python 3.11 and make on the machine): requirements.lock for report and lab,
# plus requirements-dev.lock for test, bench and lint.
SHELL := /bin/bash
CORPUS ?=
PARAMS ?=
unexport CORPUS PARAMS

ACTIVE_ENV := $(or $(VIRTUAL_ENV),$(filter-out base,$(CONDA_DEFAULT_ENV)))
ifeq ($(ACTIVE_ENV),)
PY := .venv/bin/python
SETUP := .venv/.installed
SETUP_DEV := .venv/.installed-dev
else
PY := python
SETUP :=
SETUP_DEV :=
endif
PYTHON ?= $(shell command -v python3.11 || command -v python3)

# JupyterLab refuses to start as root unless told so; containers usually run as root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help setup setup-dev report test test-fast lab lint bench screenshots clean
help:
	@echo "make report [CORPUS=dir]  run every notebook with papermill and render reports/index.html"
	@echo "make test                 run the test suite (unit tests, notebooks end to end, browser checks)"
	@echo "make lab                  open JupyterLab on notebooks/ with the project's environment"
	@echo "make screenshots          open every page of reports/ in headless Chromium, check it, save screenshots"
	@echo "make lint                 check the code with ruff"
	@echo "make bench                print speed, memory and quality benchmarks"

setup: $(SETUP)
setup-dev: $(SETUP_DEV)

.venv/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + "); install it or run make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv .venv
	.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

.venv/.installed-dev: .venv/.installed requirements-dev.lock
	.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-dev.lock
	@touch $@

# CORPUS and PARAMS reach the runner as environment variables holding exactly what was typed ($(value) expands
# nothing, and no shell reads them): any folder name works, none executes. The runner splits PARAMS like a shell would.
report: export REPORT_CORPUS := $(value CORPUS)
report: export REPORT_PARAMS := $(value PARAMS)
report: $(SETUP)
	$(PY) -m analysis.report.runner --arguments-from-environment

test: $(SETUP_DEV)
	$(PY) -m pytest

test-fast: $(SETUP_DEV)
	$(PY) -m pytest -m "not slow and not browser"

lab: $(SETUP)
	$(PY) -m jupyterlab --notebook-dir=notebooks $(LAB_ROOT)

lint: $(SETUP_DEV)
	$(PY) -m ruff check analysis tests benchmarks notebooks

screenshots: $(SETUP_DEV)
	$(PY) -m tests.browser_check reports

bench: $(SETUP_DEV)
	$(PY) -m benchmarks.run_all

clean:
	rm -rf build reports/notebooks reports/code reports/*.html reports/tables/* figures/*.png figures/*.svg

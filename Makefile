# Two commands: `make run` (set up and run the main job) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint eval bench train golden clean-processed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Set up a virtual environment, install, and run the pipeline on data/raw/ -> data/processed/
run: $(STAMP)
	$(PY) -m pipeline run data/raw --out data/processed

## Set up and run the linter and the test suite
test: $(STAMP)
	$(PY) -m ruff check pipeline tests
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check pipeline tests

## Score every gold set (seeds as text/PDF/DOCX, the dev set, tests/gold_sets/*) in one table
eval: $(STAMP)
	$(PY) -m pipeline eval

## Print speed and memory figures (see README, Performance)
bench: $(STAMP)
	$(PY) -m pipeline.running.bench

## Rebuild the shipped theme classifier from data/labels/
train: $(STAMP)
	$(PY) -m pipeline train

## Regenerate tests/golden/ (only when a change is meant to alter records; say why in the commit)
golden: $(STAMP)
	$(PY) tests/golden/regenerate.py

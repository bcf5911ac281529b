# `make run` and `make test` bootstrap .venv from nothing (python3 -m venv + pip install -e '.[dev]').
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench clean schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/semantic validate
	$(BIN)/semantic serve --demo-if-missing

test: $(STAMP)
	bash scripts/ensure-postgres.sh
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/semantic schema --output schema/semantic.schema.json

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache

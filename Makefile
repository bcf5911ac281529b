# `make run` and `make test` bootstrap .venv from nothing: every package exactly as pinned (with hashes) in
# requirements.lock, then the project itself with no further resolution. `make lock` refreshes the lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast bench clean schema lock

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/semantic validate
	$(BIN)/semantic serve --demo-if-missing

test: $(STAMP)
	$(BIN)/semantic test
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-libreoffice.sh
	bash scripts/ensure-spark.sh java
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/semantic test
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-libreoffice.sh
	bash scripts/ensure-spark.sh java
	$(BIN)/python -m pytest -m "not slow"

schema: $(STAMP)
	$(BIN)/semantic schema --output schema/semantic.schema.json

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	-bash scripts/ensure-spark.sh stop
	rm -rf $(VENV) data .pytest_cache .spark

lock:
	bash scripts/lock.sh

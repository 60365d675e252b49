# edkg: `make run` installs, builds the sample graph and serves it; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install install-test run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	bash tests/tools/install.sh

run: install
	$(BIN)/edkg build
	$(BIN)/edkg serve

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test lint
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.http --cases 1000

clean:
	rm -rf $(VENV) edkg-store bench/out .pytest_cache

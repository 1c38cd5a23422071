# kg — the two commands of the README, each doing all the set-up it needs.
#   make run    create .venv, install kg, build seeds/ into ./kg-store and print a summary
#   make test   create .venv, install kg with its dev tools, run ruff, mypy and pytest

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= kg-store

.PHONY: install run test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/kg build seeds/ --store $(STORE)
	$(BIN)/kg stats --store $(STORE)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(STORE) .pytest_cache .mypy_cache .ruff_cache build dist

# callpipe: the two commands a new user needs are `make demo` and `make test`.
# Everything else here is a step they run for you.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install local-up local-down lint typecheck unit integration test demo bench clean

help:
	@echo "make demo        set up everything and run the pipeline on the contract examples"
	@echo "make test        set up everything and run the whole test suite (real Kafka + registry)"
	@echo "make install     virtualenv + callpipe with its dev tools (pinned by constraints.txt)"
	@echo "make local-up    start the local Kafka + Apicurio Registry (callpipe local up)"
	@echo "make local-down  stop them"
	@echo "make lint        ruff + mypy"
	@echo "make bench       run the benchmarks (callpipe bench)"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

local-up: install
	$(BIN)/callpipe local up

local-down:
	@if test -x $(BIN)/callpipe; then $(BIN)/callpipe local down; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q tests/unit

integration: local-up
	$(BIN)/pytest -q tests/integration tests/e2e

# The whole suite: lint, unit tests, then the integration and end-to-end tests
# against the real local broker, registry and HTTP receiver.
test: install local-up
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -ra --durations=15 tests

demo: local-up
	$(BIN)/python -m callpipe.demo

bench: local-up
	$(BIN)/callpipe bench

clean: local-down
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache .hypothesis

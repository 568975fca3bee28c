# callpipe: the two commands a new user needs are `make demo` and `make test`.
# Everything else here is a step they run for you.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install compile clean-compiled local-up local-down lint typecheck unit integration \
	test demo bench clean

help:
	@echo "make demo        set up everything and run the pipeline on the contract examples"
	@echo "make test        set up everything and run the whole test suite (real Kafka + registry)"
	@echo "make install     virtualenv + callpipe with its dev tools (pinned by constraints.txt)"
	@echo "make compile     build the analysis engine with mypyc (make install does it too)"
	@echo "make clean-compiled  remove it: the engine then runs as plain Python"
	@echo "make local-up    start the local Kafka + Apicurio Registry (callpipe local up)"
	@echo "make local-down  stop them"
	@echo "make lint        ruff (lint, format), mypy, import layers"
	@echo "make bench       run the benchmarks (callpipe bench)"

# The analysis engine's hot modules are compiled with mypyc (setup.py,
# callpipe/analysis/build.py). The editable install leaves that to `compile`,
# so that there is one place that builds them, again whenever a source of
# the engine changes: an extension built from another source is refused at import
# (callpipe/analysis/build.py compares SHA-256s recorded at build time).
ENGINE_SOURCES := $(wildcard callpipe/analysis/*.py callpipe/analysis/values/*.py) setup.py
# One stamp per kind of build, so that setting or clearing CALLPIPE_COMPILE=0
# makes `make` build the other kind.
COMPILED       := $(VENV)/.compiled-$(if $(filter 0,$(CALLPIPE_COMPILE)),plain,mypyc)

$(STAMP): pyproject.toml constraints.txt setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# setup.py build_ext (make compile) runs with the venv's own setuptools, which
	# must read pyproject.toml's SPDX license (setuptools 77+; a new venv has 65).
	$(BIN)/python -m pip install -q -c constraints.txt setuptools wheel
	CALLPIPE_COMPILE=0 $(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(COMPILED)

compile: $(COMPILED)

# --force: the C that mypyc writes for an unchanged source is unchanged too,
# and build_ext would then leave the extension (and its older mtime) alone.
$(COMPILED): $(STAMP) $(ENGINE_SOURCES)
	$(MAKE) --no-print-directory clean-compiled
	@if [ "$${CALLPIPE_COMPILE:-1}" = 0 ]; then \
		echo "CALLPIPE_COMPILE=0: the analysis engine runs as plain Python"; \
	else \
		echo "compiling the analysis engine with mypyc"; \
		$(BIN)/python setup.py -q build_ext --inplace --force; \
	fi
	touch $(COMPILED)

clean-compiled:
	rm -rf build $(VENV)/.compiled-*
	find callpipe -name '*.so' -delete
	rm -f callpipe/analysis/compiled-sources.json

local-up: install
	$(BIN)/callpipe local up

local-down:
	@if test -x $(BIN)/callpipe; then $(BIN)/callpipe local down; fi

# ruff (lint and format), mypy, and the import layers (pyproject.toml's
# [tool.importlinter]: the CLI above the pipeline above the edges above the engine).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: install
	$(BIN)/pytest -q tests/unit

integration: local-up
	$(BIN)/pytest -q tests/integration tests/e2e

# The whole suite: lint, unit tests, then the integration and end-to-end tests
# against the real local broker, registry and HTTP receiver.
test: install lint local-up
	$(BIN)/pytest -q -ra --durations=15 tests

demo: local-up
	$(BIN)/python -m callpipe.cli.demo

bench: local-up
	$(BIN)/callpipe bench

clean: local-down clean-compiled
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache .hypothesis

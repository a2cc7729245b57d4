# rekg: a thin layer over the CLI. `make` sets up .venv, builds dist/ and says where the
# answers are; `make test` runs the whole suite, `make check` its fast part. Outputs are
# written atomically by rekg itself.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
REKG    := $(BIN)/rekg

.DEFAULT_GOAL := all
.PHONY: all help install system-packages yasgui grlc build validate reason queries answers publish serve bench test check lint format clean

all: build ## set up .venv, build dist/ and say where the answers are

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP) ## create .venv and install rekg with its dependencies

system-packages: ## install the Debian packages when missing (graphviz, chromium, virtuoso-opensource)
	scripts/ensure-system-packages.sh graphviz chromium virtuoso-opensource

yasgui: ## vendor the pinned YASGUI editor for the query pages (npm ci once, then offline)
	scripts/vendor-yasgui.sh

grlc: ## install grlc into its own .venv-grlc/ for tests/test_grlc.py (PyPI once, then offline)
	PYTHON=$(PYTHON) scripts/ensure-grlc.sh

build: $(STAMP) ## validate, reason, run every stored query, export to dist/
	$(REKG) build --summary

validate: $(STAMP) ## run the SHACL shapes and the checks
	$(REKG) validate

reason: $(STAMP) ## write the OWL 2 RL closure to dist/rekg-inferred.ttl
	$(REKG) reason

queries: $(STAMP) ## list the stored queries
	$(REKG) queries

answers: $(STAMP) ## rewrite queries/questions/*.expected.csv from the current data (review the diff)
	$(REKG) answers --write

publish: $(STAMP) yasgui ## render the static site into site/ (needs graphviz, and YASGUI vendored)
	scripts/ensure-system-packages.sh graphviz
	$(REKG) publish

serve: $(STAMP) yasgui ## serve site/ and the live graph (YASGUI at /sparql) on http://127.0.0.1:8000
	$(REKG) serve

bench: $(STAMP) ## run the benchmark (bench/results.json and a Markdown table)
	$(REKG) bench

test: $(STAMP) system-packages yasgui grlc ## run the whole test suite (installs what it needs: Debian packages, YASGUI, grlc)
	$(BIN)/python -m pytest -q -n auto

check: $(STAMP) yasgui ## run the fast part of the suite (no slow, browser or store tests), about 1.5 minutes
	$(BIN)/python -m pytest -q -n auto -m "not slow and not browser and not store"

lint: $(STAMP) ## check code style with ruff and the layers contract with import-linter
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

format: $(STAMP) ## format the code with ruff
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean: ## remove dist/, site/ and caches (keeps .venv)
	rm -rf dist site .dist.*.new .site.*.new .pytest_cache .ruff_cache

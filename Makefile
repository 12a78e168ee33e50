# The few commands everyone runs. Each target creates the virtual environment it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Tests draw offscreen; `make run` opens a real window, so the platform is set per target.
TEST_QT := QT_QPA_PLATFORM=offscreen

.PHONY: run test check lint typecheck contracts pytest bench tour package clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: open the desktop window on the bundled sample spreadsheet (the Sandbox connection chosen)
run: $(STAMP)
	$(BIN)/rowboat gui src/rowboat/resources/samples/attendees.xlsx

## test: everything CI checks: lint, format, types, import boundaries, tests
test: check

check: lint typecheck contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(TEST_QT) $(BIN)/pytest -q -p no:cacheprovider

## bench: performance against baselines measured in the same run (slow; not part of test)
bench: $(STAMP)
	$(BIN)/python -m bench

## tour: the screenshot tour of the sample, one PNG per step, into build/tour/; the README's is
## docs/review.png
tour: $(STAMP)
	$(BIN)/rowboat gui --screenshot-tour build/tour
	cp build/tour/review.png docs/review.png

## package: the desktop bundle for this computer in dist/, smoke-tested (packaging/build.sh)
package:
	packaging/build.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist

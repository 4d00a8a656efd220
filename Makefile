# The two commands: `make demo` (the nightly pipeline end to end, offline, on the bundled demo
# corpus) and `make test` (the test suite, lint and type checks). Each creates .venv and installs
# what it needs from the package registries.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test lint typecheck install browser clean locale locale-compile

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev,web]"
	$(BIN)/python -m compileall -q -j 2 $(VENV)/lib >/dev/null 2>&1 || true
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/earlywarn demo --out earlywarn-demo

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "chromium missing: install Debian's chromium package for the browser tests" >&2; exit 1; fi; }

lint: $(STAMP)
	$(BIN)/ruff check earlywarn tests benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy earlywarn

# the suite in TEST_WORKERS processes (pytest-xdist); each file's tests run in one worker, and
# the tests of the demo run in one (tests/conftest.py); TEST_WORKERS=0 runs it in this process
# earlywarn's bytecode is written first: with PYTHONDONTWRITEBYTECODE set, each of the suite's
# `python -m earlywarn.cli` subprocesses and Dask workers compiled it again (~0.8 s CPU each)
TEST_WORKERS ?= 2
test: $(STAMP) browser lint typecheck
	$(BIN)/python -m compileall -q -j 2 earlywarn
	$(BIN)/python -m pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

locale: $(STAMP)
	$(BIN)/pybabel extract -F earlywarn/locale/babel.cfg -k N_ -k t:2 -k _t:2 -k tr -k ngettext:1,2 \
	  --no-location --sort-output --project earlywarn -o earlywarn/locale/earlywarn.pot .
	$(BIN)/pybabel update -i earlywarn/locale/earlywarn.pot -d earlywarn/locale -D earlywarn \
	  --width 100 --ignore-obsolete

locale-compile: $(STAMP)
	$(BIN)/pybabel compile -d earlywarn/locale -D earlywarn --statistics

clean:
	rm -rf $(VENV) earlywarn-demo earlywarn-out

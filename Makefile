PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: html test devserver bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]' --config-settings editable_mode=compat
	touch $(STAMP)

html: $(STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o output

devserver: $(STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o output --autoreload --listen

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --cov --cov-report=term

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf output cache .pytest_cache

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What a build needs: the plugin (an editable install of this checkout) and its dependencies.
SITE_STAMP := $(VENV)/.installed-site
# Everything for development on top: the test and benchmark tools.
STAMP := $(VENV)/.installed

.PHONY: html publish test devserver bench clean

$(SITE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(SITE_STAMP)

$(STAMP): $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

html: $(SITE_STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o output

# The site as deployed (publishconf.py: absolute SITEURL, feeds, avatars fetched online).
publish: $(SITE_STAMP)
	$(BIN)/pelican content -s publishconf.py -o output

devserver: $(SITE_STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o output --autoreload --listen

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest --cov --cov-report=term --cov-fail-under=95

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf output cache .pytest_cache

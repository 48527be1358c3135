PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What a build needs: the plugin (an editable install of this checkout) and its dependencies.
SITE_STAMP := $(VENV)/.installed-site
# Everything for development on top: the test and benchmark tools.
STAMP := $(VENV)/.installed
# The documentation tools (Sphinx, MyST, Furo).
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: html html-de seed publish test devserver bench catalogs docs dist clean

$(SITE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(SITE_STAMP)

$(STAMP): $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

$(DOCS_STAMP): $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

# The example members' Mastodon and Codeberg answers, from committed fixtures: no request.
seed: $(SITE_STAMP)
	$(BIN)/python tools/seed_example_avatars.py pelicanconf.py

html: seed
	$(BIN)/pelican content -s pelicanconf.py -o output

# The example site in German (pelicanconf_de.py), under de/ of the same output folder.
html-de: seed
	$(BIN)/pelican content -s pelicanconf_de.py -o output/de

# The site as deployed (publishconf.py: absolute SITEURL, feeds, avatars fetched online).
publish: $(SITE_STAMP)
	$(BIN)/pelican content -s publishconf.py -o output

devserver: seed
	$(BIN)/pelican content -s pelicanconf.py -o output --autoreload --listen

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest --cov --cov-report=term --cov-fail-under=95 --durations=15

# The gettext catalogs of the plugin's templates and of the example theme: extract every marked
# string (babel.cfg) into messages.pot, merge it into each language's messages.po (new strings
# come in untranslated, strings no template uses any more go), compile the messages.mo files.
# The same templates and .po files give the same files, byte for byte: no dates are written.
CATALOGS := plugin/pelican/plugins/member_avatars site
catalogs: $(SITE_STAMP)
	set -e; for root in $(CATALOGS); do \
	  (cd $$root && $(CURDIR)/$(BIN)/pybabel --quiet extract -F $(CURDIR)/babel.cfg \
	    --omit-header --sort-output --add-location=file -o translations/messages.pot templates); \
	  $(BIN)/pybabel --quiet update -i $$root/translations/messages.pot -d $$root/translations \
	    --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date; \
	  $(BIN)/pybabel --quiet compile -d $$root/translations; \
	done

# Warnings are errors: a link to a page or section of the docs that does not exist fails.
docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

# The sdist and the wheel, as they would be uploaded, checked with twine.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf output cache .pytest_cache dist docs/_build

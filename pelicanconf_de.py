"""Pelican settings of the example community website in German: `make html-de` writes it to
output/de/ (beside the English site of `make html`).

Everything of pelicanconf.py, with DEFAULT_LANG = "de": the plugin's pages and the example
theme speak German (their catalogs: the plugin's, and site/translations/), dates read
"27.–29. August 2026", counts "1 Mitglied", "19 Mitglieder", with no German system locale.
SoCraTes North 2026 has a German version (content/events/socrates-north-2026-de.md, `Lang: de`,
the same slug): it is the event page here, and the English one its translation.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

DEFAULT_LANG = "de"
SITESUBTITLE = "Eine Software-Craftsmanship-Community von Hamburg bis Malmö"

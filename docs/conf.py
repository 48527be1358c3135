"""Sphinx configuration of the pelican-member-avatars documentation (`make docs`)."""

from importlib import metadata

project = "pelican-member-avatars"
author = "pelican-member-avatars contributors"
copyright = "the pelican-member-avatars contributors"
# The version is written once, in pyproject.toml; the installed package's metadata carries it.
try:
    release = metadata.version("pelican-member-avatars")
except metadata.PackageNotFoundError:  # the docs built without the package installed
    release = "unknown"
version = release

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# Every heading down to level 3 gets an anchor, so pages link to each other's sections as
# `[text](page.md#section)`; a link to a page or anchor that does not exist is a warning, and
# `make docs` turns warnings into errors.
myst_heading_anchors = 3
myst_enable_extensions = ["deflist"]
nitpicky = True
# Links to the repository's own files outside docs/ (README, CHANGELOG, tests) are written as
# plain text or as links to the repository, never as local paths Sphinx cannot resolve.

html_theme = "furo"
html_title = "pelican-member-avatars"
html_static_path = ["_static"]
# No page of these docs loads anything from another host: no fonts, no analytics.
html_permalinks_icon = "#"

"""Pelican settings for publishing the example site (`make publish`), as Pelican's quickstart
makes them: everything of pelicanconf.py, plus what the deployed site needs.

The environment variable SITEURL overrides the address below, so a CI job can publish the
same repository under another one (for instance https://USER.github.io/REPOSITORY).
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

# If your site is available via HTTPS, make sure SITEURL begins with https://
SITEURL = os.environ.get("SITEURL", "https://craftspeople.example.org").rstrip("/")
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"

DELETE_OUTPUT_DIRECTORY = True

# Fetch avatars from Gravatar and GitHub (the cache in CACHE_PATH keeps them between builds:
# keep that folder between CI runs). AVATAR_OFFLINE=1 in the environment turns this off for
# one build.
AVATAR_OFFLINE = False

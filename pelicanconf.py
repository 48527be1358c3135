"""Pelican settings of the example community website.

Build it with `make html` (or `pelican content -s pelicanconf.py -o output`).
"""

import os

AUTHOR = "Craftspeople of the North"
SITENAME = "Craftspeople of the North"
SITESUBTITLE = "A software-craftsmanship community from Hamburg to Malmö"
SITEURL = ""

PATH = "content"
THEME = "site"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PLUGIN_PATHS = []  # the plugin is an installed namespace plugin
PLUGINS = ["pelican.plugins.member_avatars"]

ARTICLE_PATHS = ["articles"]
# No static files of its own: the theme brings its CSS, and uploads are inlined.
STATIC_PATHS = []
PAGE_PATHS = ["pages"]
# Members and events are read by the plugin from these folders (the defaults).
MEMBER_PATHS = ["members"]
EVENT_PATHS = ["events"]

# E-mail addresses kept out of the repository: private/members.yaml (git-ignored; copy
# private/members.yaml.example to start). Used when it exists; in CI, write it from a secret
# or set the environment variable MEMBER_PRIVATE_DATA, which wins over this setting.
_PRIVATE_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "private", "members.yaml")
MEMBER_PRIVATE_DATA = _PRIVATE_DATA if os.path.exists(_PRIVATE_DATA) else None

# The avatar cache lives in cache/avatars, outside content/, and survives builds.
CACHE_PATH = "cache"

# The example site must build without network access: in offline mode the plugin
# makes no request, and members without an uploaded picture (or a cached avatar)
# get one generated from their initials. To fetch avatars from Gravatar and GitHub,
# set AVATAR_OFFLINE = False; the environment variable AVATAR_OFFLINE=1 then turns
# offline mode back on for a single build.
AVATAR_OFFLINE = True

# Members' Mastodon and Codeberg avatars too, tried after an upload and before Gravatar.
# Offline, they come from the cache, which `make html` fills from committed fixtures
# (tools/seed_example_avatars.py): what social.example.net and Codeberg would answer.
AVATAR_SOURCES = ["upload", "mastodon", "codeberg", "gravatar", "github", "generated"]

# Pages are in the menu of the theme; categories are reached through the archives.
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False

# No feeds while developing locally.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DEFAULT_PAGINATION = False

# Document-relative URLs, so the output also works opened from disk.
RELATIVE_URLS = True

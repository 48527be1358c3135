"""Every setting of the plugin with its default, in one place.

`apply_defaults` merges these into Pelican's settings; nothing else in the plugin
reads a default from anywhere else. What each setting allows is in rules.py.
"""

from __future__ import annotations

import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Where member and event files live, relative to PATH.
    "MEMBER_PATHS": ["members"],
    "EVENT_PATHS": ["events"],
    # A YAML, JSON or CSV file of `Slug` and `Email` rows outside the repository (None: none).
    # The environment variable of the same name wins.
    "MEMBER_PRIVATE_DATA": None,
    # Pages.
    "MEMBERS_URL": "members/",
    "MEMBERS_SAVE_AS": "members/index.html",
    "MEMBER_URL": "members/{slug}/",
    "MEMBER_SAVE_AS": "members/{slug}/index.html",
    "GROUP_URL": "groups/{slug}/",
    "GROUP_SAVE_AS": "groups/{slug}/index.html",
    "EVENTS_URL": "events/",
    "EVENTS_SAVE_AS": "events/index.html",
    "EVENT_URL": "events/{slug}/",
    "EVENT_SAVE_AS": "events/{slug}/index.html",
    # Avatar sizes in CSS pixels, by the name templates use.
    "AVATAR_SIZES": {"list": 48, "profile": 160, "byline": 32},
    "AVATAR_DENSITY": 2,
    "AVATAR_FORMAT": "webp",
    "AVATAR_QUALITY": 60,
    "AVATAR_SOURCES": ["upload", "gravatar", "github", "generated"],
    "AVATAR_GRAVATAR_URL": "https://www.gravatar.com/avatar/{hash}?s={size}&d=404",
    "AVATAR_GITHUB_URL": "https://github.com/{user}.png?size={size}",
    "AVATAR_ALLOWED_HOSTS": [
        "www.gravatar.com",
        "gravatar.com",
        "secure.gravatar.com",
        "github.com",
        "avatars.githubusercontent.com",
    ],
    # None means <CACHE_PATH>/avatars.
    "AVATAR_CACHE_PATH": None,
    "AVATAR_MAX_AGE": 86400,
    "AVATAR_RETRY_AFTER": 3600,
    "AVATAR_RETRIES": 2,
    "AVATAR_OFFLINE": False,
    "AVATAR_TIMEOUT": 10.0,
    "AVATAR_MAX_BYTES": 5 * 1024 * 1024,
    "AVATAR_MAX_PIXELS": 40_000_000,
    "AVATAR_CONCURRENCY": 8,
    "AVATAR_PROGRESS": True,
}

KNOWN_SOURCES = ("upload", "gravatar", "github", "generated")
FORMATS = {"webp": "image/webp", "png": "image/png", "jpeg": "image/jpeg"}


def apply_defaults(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill in every plugin setting the user did not set, and derive the cache path.

    Mutates and returns `settings` (Pelican's settings dict).
    """
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value.copy() if isinstance(value, list | dict) else value)
    if not settings.get("AVATAR_CACHE_PATH"):
        settings["AVATAR_CACHE_PATH"] = os.path.join(settings.get("CACHE_PATH", "cache"), "avatars")
    if os.environ.get("MEMBER_PRIVATE_DATA") is not None:
        settings["MEMBER_PRIVATE_DATA"] = os.environ["MEMBER_PRIVATE_DATA"]
    if os.environ.get("AVATAR_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}:
        settings["AVATAR_OFFLINE"] = True
    return settings

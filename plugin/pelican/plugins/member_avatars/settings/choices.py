"""The closed sets of values the plugin chooses from: the avatar sources, the image formats, the
extensions of data files and the words that mean yes. The bottom of the settings layer: imports
nothing."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """Where an avatar can come from: the names AVATAR_SOURCES lists.

    Adding a source is one line here (its name in AVATAR_SOURCES); what it fetches is the
    avatars layer's (avatars/sources.py builds its candidate, avatars/resolver.py dispatches it).
    `AVATAR_URL` is no setting value: it is an `Avatar` that is an http(s) URL, tried where
    `upload` is.
    """

    UPLOAD = "upload"
    GRAVATAR = "gravatar"
    GITHUB = "github"
    GENERATED = "generated"
    # Sources a site adds to AVATAR_SOURCES (not in its default).
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    CODEBERG = "codeberg"
    LIBRAVATAR = "libravatar"
    AVATAR_URL = "avatar-url"

    @classmethod
    def settable(cls) -> tuple[Source, ...]:
        """The sources AVATAR_SOURCES may name, in the order they are declared."""
        return tuple(source for source in cls if source is not cls.AVATAR_URL)

    @classmethod
    def default(cls) -> tuple[Source, ...]:
        """AVATAR_SOURCES when a site sets none: the others are added by a site that wants
        them."""
        return (cls.UPLOAD, cls.GRAVATAR, cls.GITHUB, cls.GENERATED)


FORMATS = {"webp": "image/webp", "png": "image/png", "jpeg": "image/jpeg"}

# Files of many rows (member data, attendee and private-data files), as Pelican's get_files
# takes extensions: without the dot.
TABLE_EXTENSIONS = ("yaml", "yml", "json", "csv")
# Only a clear yes counts as one (AVATAR_OFFLINE=1, `Gravatar: yes`); anything else is a no.
CLEAR_YES = frozenset({"yes", "true", "on", "1"})

"""Pelican glue: the plugin's signal receivers, connected at module level by `register`.

Importing this module opens nothing and starts nothing; all work happens inside a build.
"""

from __future__ import annotations

import os
from typing import Any

from pelican import signals
from pelican.contents import Content

from .generator import CommunityGenerator
from .log import get_logger
from .settings.config import InvalidSettings, config_of, configure, is_inside
from .settings.defaults import apply_defaults
from .settings.rules import SettingError
from .theme import JINJA_GLOBALS

logger = get_logger(__name__)


def on_initialized(pelican: Any) -> None:
    """Merge our defaults and check every setting (a bad one stops Pelican with one line), then
    keep member/event folders out of articles, pages and static files."""
    settings = apply_defaults(pelican.settings)
    try:
        config = configure(settings)
    except SettingError as error:
        logger.critical("%s", error)
        raise InvalidSettings from None
    ours = list(config.member_paths) + list(config.event_paths)
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        excludes = settings.setdefault(key, [])
        excludes.extend(path for path in ours if path not in excludes)
    settings.setdefault("JINJA_GLOBALS", {}).update(JINJA_GLOBALS)
    watch_private_data(settings, config.private_data)


def watch_private_data(settings: dict[str, Any], path: str | None) -> None:
    """Make `pelican --autoreload` rebuild when the private-data file changes.

    Pelican watches the settings file, THEME, PATH and each STATIC_PATHS entry joined to PATH
    (an absolute entry stays as it is), nothing else: the file, which lies outside PATH, joins
    STATIC_PATHS. It never becomes a static file of the output: `drop_uploads_from_static`
    drops it from what StaticGenerator found, before anything is written.
    """
    if not path or not os.path.isfile(path):
        return  # Pelican warns about a watched path that does not exist
    static_paths = settings.setdefault("STATIC_PATHS", [])
    if path not in static_paths:
        static_paths.append(path)


def get_generators(pelican: Any) -> type:
    del pelican
    return CommunityGenerator


def drop_uploads_from_static(generator: Any) -> None:
    """Uploaded originals may carry EXIF (GPS): never publish them, whatever STATIC_PATHS says.

    Drops every picture a member file names as `Avatar` (used or not), every attendee file,
    the private-data file (watched through STATIC_PATHS) and every file under MEMBER_PATHS
    and EVENT_PATHS, however it came to be a static file (STATIC_PATHS or a
    `{static}` link).
    """
    uploads = set(generator.context.get("member_avatar_uploads") or ())
    private_data = config_of(generator.settings).private_data
    if private_data:
        uploads.add(os.path.realpath(private_data))
    private = private_folders(generator.settings)
    kept = [
        static
        for static in generator.staticfiles
        if os.path.realpath(static.source_path) not in uploads
        and not any(is_inside(static.source_path, folder) for folder in private)
    ]
    if len(kept) != len(generator.staticfiles):
        generator.staticfiles = kept
        generator.context["staticfiles"] = kept


def private_folders(settings: dict[str, Any]) -> list[str]:
    """The real paths of MEMBER_PATHS and EVENT_PATHS (never the content folder itself)."""
    content = os.path.realpath(settings["PATH"])
    folders = [
        os.path.realpath(os.path.join(content, folder))
        for folder in [*settings["MEMBER_PATHS"], *settings["EVENT_PATHS"]]
    ]
    return [folder for folder in folders if folder != content]


def release_build(pelican: Any) -> None:
    """Let a finished build go: Pelican memoizes `get_content`/`get_summary` per content object
    in class-level dicts, which would keep every build's pages, context and avatars alive for
    as long as a `pelican --autoreload` session runs."""
    del pelican
    Content.get_content.cache.clear()
    Content.get_summary.cache.clear()


def register() -> None:
    """Connect the plugin to Pelican's signals (blinker ignores a second identical connect)."""
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)
    signals.static_generator_finalized.connect(drop_uploads_from_static)
    signals.finalized.connect(release_build)

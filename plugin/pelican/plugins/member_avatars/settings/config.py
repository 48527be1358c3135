"""Every plugin setting checked once, at start, into one validated `AvatarConfig`.

`configure` runs the rule of each row of the settings table (table.SETTINGS) on Pelican's
settings with the defaults merged, bounds the image sizes, places the cache and keeps the object
under AVATAR_CONFIG, where `config_of` finds it. No normalised value is written back: every
module reads the config object.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..log import get_logger
from .rules import MAX_PIXEL_SIZE, SettingError
from .table import PAGES, SETTINGS, AvatarConfig, apply_defaults

__all__ = ["CONFIG_KEY", "AvatarConfig", "InvalidSettings", "config_of", "configure"]

logger = get_logger(__name__)

CONFIG_KEY = "AVATAR_CONFIG"


class InvalidSettings(SystemExit):
    """Stops Pelican at start. A SystemExit, because Pelican's main() prints a traceback for any
    Exception; the one line saying what is wrong has been logged before this is raised."""

    def __init__(self) -> None:
        super().__init__(2)


def config_of(settings: Mapping[str, Any]) -> AvatarConfig:
    """The validated configuration `configure` stored in Pelican's settings (checked now when
    the plugin was not initialised, as in a test that builds a generator by hand)."""
    config = settings.get(CONFIG_KEY)
    if isinstance(config, AvatarConfig):
        return config
    return make_config(normalised(apply_defaults(settings)))


def pixel_sizes_bounded(values: dict[str, Any]) -> None:
    """The images themselves: CSS size × density, bounded so no setting can exhaust memory."""
    density = values["AVATAR_DENSITY"]
    largest = max(values["AVATAR_SIZES"].values()) * density
    if largest > MAX_PIXEL_SIZE:
        raise SettingError(
            "AVATAR_SIZES",
            values["AVATAR_SIZES"],
            f"sizes whose CSS size × AVATAR_DENSITY ({density}) is at most {MAX_PIXEL_SIZE} "
            f"image pixels (the largest here is {largest})",
        )


def is_inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies under it, links followed."""
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([path, folder]) == folder


def placed_cache(cache: str, content: str, output: str) -> tuple[str, str]:
    """Where the cache goes, and a warning when it had to move.

    Inside PATH it would retrigger autoreload: it moves beside PATH. Inside OUTPUT_PATH it would
    be published with every e-mail hash in it: that is refused (SettingError).
    """
    warning = ""
    if is_inside(cache, content):
        fallback = os.path.join(os.path.dirname(os.path.realpath(content)), ".avatar-cache")
        warning = (
            f"AVATAR_CACHE_PATH {cache} is inside PATH, where it would retrigger autoreload; "
            f"using {fallback} instead"
        )
        cache = fallback
    if is_inside(cache, output):
        raise SettingError(
            "AVATAR_CACHE_PATH",
            cache,
            "a folder outside OUTPUT_PATH (the cache holds e-mail hashes: it must never be "
            "published)",
        )
    return cache, warning


def placed_private_data(path: str | None, content: str, output: str) -> None:
    """The private-data file holds e-mail addresses: never in the content (it would be read as
    content and could be published) nor in the output."""
    if path and (is_inside(path, content) or is_inside(path, output)):
        raise SettingError(
            "MEMBER_PRIVATE_DATA",
            path,
            "a file outside PATH and OUTPUT_PATH (it holds e-mail addresses: keep it out of "
            "the repository and the published site)",
        )


def normalised(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every plugin setting of `settings` (defaults already merged) checked and normalised by
    its rule, except where the cache goes (`placed_cache`).

    Raises SettingError for the first value that is not usable.
    """
    values = {
        setting.name: setting.rule(setting.name, settings[setting.name]) for setting in SETTINGS
    }
    pixel_sizes_bounded(values)
    return values


def make_config(values: Mapping[str, Any]) -> AvatarConfig:
    """The frozen configuration object of normalised `values`: each row fills its field."""
    fields: dict[str, Any] = {}
    pages: dict[str, str] = {}
    for setting in SETTINGS:
        if setting.field == PAGES:
            pages[setting.name] = values[setting.name]
        else:
            fields[setting.field] = setting.convert(values[setting.name])
    return AvatarConfig(pages=MappingProxyType(pages), **fields)


def configure(settings: dict[str, Any]) -> AvatarConfig:
    """Check every plugin setting of Pelican's `settings` and store the config object there.

    Writes nothing else but the defaults of the settings Pelican itself reads (a member's,
    group's or event's URL and SAVE_AS, which `Content.get_url_setting` formats): the user's
    values stay as written. Raises SettingError for the first value that is not usable, leaving
    `settings` as it was. A second call on the same settings (`pelican-avatars` initialises
    twice) returns the config of the first, without a second warning.
    """
    done = settings.get(CONFIG_KEY)
    if isinstance(done, AvatarConfig):
        return done
    merged = apply_defaults(settings)
    values = normalised(merged)
    values["AVATAR_CACHE_PATH"], warning = placed_cache(
        values["AVATAR_CACHE_PATH"], merged["PATH"], merged["OUTPUT_PATH"]
    )
    if warning:
        logger.warning("%s", warning)
    placed_private_data(values["MEMBER_PRIVATE_DATA"], merged["PATH"], merged["OUTPUT_PATH"])
    config = make_config(values)
    for setting in SETTINGS:
        if setting.pelican_reads:
            settings.setdefault(setting.name, merged[setting.name])
    settings[CONFIG_KEY] = config
    return config

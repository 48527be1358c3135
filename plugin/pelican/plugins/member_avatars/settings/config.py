"""Every plugin setting checked once, at start, into one validated `AvatarConfig`.

`configure` runs the rule of each setting (rules.RULES) on Pelican's settings, bounds the
image sizes, places the cache, writes the normalised values back and keeps the object under
AVATAR_CONFIG, where `config_of` finds it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..log import get_logger
from .rules import MAX_PIXEL_SIZE, RULES, SettingError

logger = get_logger(__name__)

CONFIG_KEY = "AVATAR_CONFIG"


class InvalidSettings(SystemExit):
    """Stops Pelican at start. A SystemExit, because Pelican's main() prints a traceback for any
    Exception; the one line saying what is wrong has been logged before this is raised."""

    def __init__(self) -> None:
        super().__init__(2)


@dataclass(frozen=True)
class AvatarConfig:
    """The plugin's settings, checked and normalised; `pages` holds the *_URL / *_SAVE_AS."""

    member_paths: tuple[str, ...]
    event_paths: tuple[str, ...]
    pages: Mapping[str, str]
    sizes: Mapping[str, int]
    density: int
    fmt: str
    quality: int
    sources: tuple[str, ...]
    gravatar_url: str
    github_url: str
    allowed_hosts: frozenset[str]
    cache_path: str
    max_age: float
    retry_after: float
    retries: int
    offline: bool
    timeout: float
    max_bytes: int
    max_pixels: int
    concurrency: int
    progress: bool
    private_data: str | None = None

    @property
    def pixel_sizes(self) -> list[int]:
        """The pixel sizes (CSS size × density) the site uses, largest first."""
        return sorted({css * self.density for css in self.sizes.values()}, reverse=True)


def config_of(settings: Mapping[str, Any]) -> AvatarConfig:
    """The validated configuration `configure` stored in Pelican's settings (checked now when
    the plugin was not initialised, as in a test that builds a generator by hand)."""
    config = settings.get(CONFIG_KEY)
    if config is None:
        from .defaults import apply_defaults

        config = make_config(normalised(apply_defaults(dict(settings))))
    return config


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
    """Every plugin setting of `settings` (defaults already merged) checked and normalised,
    except where the cache goes (`placed_cache`).

    Raises SettingError for the first value that is not usable.
    """
    values = {name: rule(name, settings[name]) for name, rule in RULES.items()}
    pixel_sizes_bounded(values)
    return values


def make_config(values: Mapping[str, Any]) -> AvatarConfig:
    """The frozen configuration object of normalised `values`."""
    pages = {name: values[name] for name in RULES if name.endswith(("_URL", "_SAVE_AS"))}
    del pages["AVATAR_GRAVATAR_URL"], pages["AVATAR_GITHUB_URL"]
    return AvatarConfig(
        member_paths=tuple(values["MEMBER_PATHS"]),
        event_paths=tuple(values["EVENT_PATHS"]),
        pages=MappingProxyType(pages),
        sizes=MappingProxyType(dict(values["AVATAR_SIZES"])),
        density=values["AVATAR_DENSITY"],
        fmt=values["AVATAR_FORMAT"],
        quality=values["AVATAR_QUALITY"],
        sources=tuple(values["AVATAR_SOURCES"]),
        gravatar_url=values["AVATAR_GRAVATAR_URL"],
        github_url=values["AVATAR_GITHUB_URL"],
        allowed_hosts=frozenset(values["AVATAR_ALLOWED_HOSTS"]),
        cache_path=values["AVATAR_CACHE_PATH"],
        max_age=values["AVATAR_MAX_AGE"],
        retry_after=values["AVATAR_RETRY_AFTER"],
        retries=values["AVATAR_RETRIES"],
        offline=values["AVATAR_OFFLINE"],
        timeout=values["AVATAR_TIMEOUT"],
        max_bytes=values["AVATAR_MAX_BYTES"],
        max_pixels=values["AVATAR_MAX_PIXELS"],
        concurrency=values["AVATAR_CONCURRENCY"],
        progress=values["AVATAR_PROGRESS"],
        private_data=values["MEMBER_PRIVATE_DATA"],
    )


def configure(settings: dict[str, Any]) -> AvatarConfig:
    """Check every plugin setting, write the normalised values back into Pelican's `settings`
    (modules that still read settings["AVATAR_..."] see them) and store the config object.

    Raises SettingError for the first value that is not usable.
    """
    values = normalised(settings)
    values["AVATAR_CACHE_PATH"], warning = placed_cache(
        values["AVATAR_CACHE_PATH"], settings["PATH"], settings["OUTPUT_PATH"]
    )
    if warning:
        logger.warning("%s", warning)
    placed_private_data(values["MEMBER_PRIVATE_DATA"], settings["PATH"], settings["OUTPUT_PATH"])
    config = make_config(values)
    settings.update(values)
    settings[CONFIG_KEY] = config
    return config

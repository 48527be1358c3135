"""Every plugin setting, once: its default, its rule, the `AvatarConfig` field it fills and a
one-line doc, in `SETTINGS`. Everything else follows from it: `DEFAULTS`, `RULES`,
`apply_defaults`, `config.normalised`, `config.make_config`, and the table of the settings
reference, docs/settings.md (`markdown_table`, printed by tools/settings_table.py;
tests/unit/settings/test_table.py checks the page against it).

To add a setting:
1. add its row to `SETTINGS`: name, default, rule (a builder of rules.py), the `AvatarConfig`
   field it fills, a one-line doc, and a `convert` when the field's type is not the rule's;
2. add that field to `AvatarConfig`, just below, with its type;
3. paste the line `python tools/settings_table.py` prints for it into docs/settings.md.
The tests of tests/unit/settings fail until the three agree.

Nothing writes into Pelican's settings but the defaults of the `pelican_reads` rows: Pelican
itself formats a member's, group's or event's URL and SAVE_AS from its settings
(`Content.get_url_setting`), so `config.configure` merges their defaults there; a value the
user set stays as written, never replaced by a normalised copy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .choices import CLEAR_YES, FORMATS, Source
from .rules import (
    MAX_DENSITY,
    MAX_SECONDS,
    cache_path,
    css_sizes,
    flag,
    integer,
    is_host,
    is_relative_path,
    one_of,
    optional_file,
    page_path,
    seconds,
    string_list,
    url_template,
)

# The field every *_URL / *_SAVE_AS fills: one mapping by setting name.
PAGES = "pages"


def keep(value: Any) -> Any:
    """The normalised value as it is."""
    return value


@dataclass(frozen=True)
class Setting:
    """One setting: `rule` checks and normalises the user's value (or `default`), `convert`
    turns that into the value of the `AvatarConfig` field `field`. `shown` is the default as
    the settings reference shows it, when not the default itself."""

    name: str
    default: Any
    rule: Callable[[str, Any], Any]
    field: str
    doc: str
    convert: Callable[[Any], Any] = keep
    pelican_reads: bool = False
    shown: str = ""

    def fresh_default(self) -> Any:
        """The default, a copy when it could be changed in place."""
        return self.default.copy() if isinstance(self.default, list | dict) else self.default


def page(name: str, default: str, doc: str) -> Setting:
    """A *_URL or *_SAVE_AS: one page per member, group or event needs {slug}; Pelican reads
    those from its settings."""
    per_item = "{slug}" in default
    return Setting(name, default, page_path(per_item), PAGES, doc, pelican_reads=per_item)


FOLDERS = string_list("folders relative to PATH", is_relative_path)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MEMBER_PATHS", ["members"], FOLDERS, "member_paths",
        "folders of member files, relative to `PATH` (kept out of articles, pages and static "
        "files)",
        tuple,
    ),
    Setting("EVENT_PATHS", ["events"], FOLDERS, "event_paths", "folders of event files", tuple),
    Setting(
        "MEMBER_PRIVATE_DATA", None, optional_file, "private_data",
        "a YAML, JSON or CSV file of `Slug` and `Email` rows outside `PATH` and `OUTPUT_PATH`; "
        "the environment variable of the same name wins",
    ),
    page("MEMBERS_URL", "members/", "the member list's URL"),
    page("MEMBERS_SAVE_AS", "members/index.html", "the member list's file"),
    page("MEMBER_URL", "members/{slug}/", "a profile's URL"),
    page("MEMBER_SAVE_AS", "members/{slug}/index.html", "a profile's file"),
    page("GROUP_URL", "groups/{slug}/", "a group page's URL"),
    page("GROUP_SAVE_AS", "groups/{slug}/index.html", "a group page's file"),
    page("EVENTS_URL", "events/", "the event list's URL"),
    page("EVENTS_SAVE_AS", "events/index.html", "the event list's file"),
    page("EVENT_URL", "events/{slug}/", "an event page's URL"),
    page("EVENT_SAVE_AS", "events/{slug}/index.html", "an event page's file"),
    Setting(
        "AVATAR_SIZES", {"list": 48, "profile": 160, "byline": 32}, css_sizes, "sizes",
        "named sizes in CSS pixels", lambda sizes: MappingProxyType(dict(sizes)),
    ),
    Setting(
        "AVATAR_DENSITY", 2, integer(1, MAX_DENSITY, " of image pixels per CSS pixel"), "density",
        "image pixels per CSS pixel",
    ),
    Setting(
        "AVATAR_FORMAT", "webp", one_of(tuple(FORMATS)), "fmt",
        "`\"webp\"`, `\"png\"` or `\"jpeg\"`",
    ),
    Setting("AVATAR_QUALITY", 60, integer(1, 100), "quality", "encoder quality for WebP and JPEG"),
    Setting(
        "AVATAR_SOURCES", [source.value for source in Source.default()],
        string_list(
            "source names, each one of " + ", ".join(repr(s.value) for s in Source.settable()),
            lambda name: name in Source.settable(),
        ),
        "sources",
        "tried in this order; the first usable image wins; `[]` switches avatars off",
        lambda names: tuple(Source(name) for name in names),
    ),
    Setting(
        "AVATAR_GRAVATAR_URL", "https://www.gravatar.com/avatar/{hash}?s={size}&d=404",
        url_template(("hash", "size"), {"hash": "0" * 64, "size": 96}), "gravatar_url",
        "`{hash}`: SHA-256 of the trimmed, lower-cased e-mail",
    ),
    Setting(
        "AVATAR_GITHUB_URL", "https://github.com/{user}.png?size={size}",
        url_template(("user", "size"), {"user": "octocat", "size": 96}), "github_url",
        "`{user}`: the member's GitHub user name",
    ),
    Setting(
        "AVATAR_MASTODON_URL", "https://{instance}/api/v1/accounts/lookup?acct={user}",
        url_template(("user", "instance"), {"user": "ada", "instance": "social.example"}),
        "mastodon_url",
        "source `mastodon`: `{user}` and `{instance}` of the member's `Mastodon` handle; the "
        "JSON's `avatar_static` is the picture",
    ),
    Setting(
        "AVATAR_BLUESKY_URL",
        "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor={handle}",
        url_template(("handle",), {"handle": "ada.bsky.social"}), "bluesky_url",
        "source `bluesky`: `{handle}` of the member's `Bluesky`; the JSON's `avatar` is the "
        "picture",
    ),
    Setting(
        "AVATAR_CODEBERG_URL", "https://codeberg.org/api/v1/users/{user}",
        url_template(("user",), {"user": "ada"}), "codeberg_url",
        "source `codeberg`: `{user}` of the member's `Codeberg`; the JSON's `avatar_url` is "
        "the picture",
    ),
    Setting(
        "AVATAR_LIBRAVATAR_URL", "https://seccdn.libravatar.org/avatar/{hash}?s={size}&d=404",
        url_template(("hash", "size"), {"hash": "0" * 64, "size": 96}), "libravatar_url",
        "source `libravatar`, asked only on `Libravatar: yes`; `{hash}` as for Gravatar",
    ),
    Setting(
        "AVATAR_ALLOWED_HOSTS",
        [
            "www.gravatar.com",
            "gravatar.com",
            "secure.gravatar.com",
            "github.com",
            "avatars.githubusercontent.com",
        ],
        string_list(
            "host names (no scheme, path or user)", is_host, lambda host: host.strip().lower()
        ),
        "allowed_hosts",
        "the only hosts contacted, on every redirect hop too (the `mastodon`, `bluesky`, "
        "`codeberg` and `libravatar` sources contact others at public addresses only)",
        frozenset,
    ),
    Setting(
        "AVATAR_CACHE_PATH", None, cache_path, "cache_path",
        "the disk cache; one inside `PATH` is moved beside it (with a warning), one inside "
        "`OUTPUT_PATH` is refused (it holds e-mail hashes)",
        shown="<CACHE_PATH>/avatars",
    ),
    Setting(
        "AVATAR_MAX_AGE", 86400, seconds(MAX_SECONDS, zero_allowed=True), "max_age",
        "seconds an entry (also \"has none\") is fresh: no request",
    ),
    Setting(
        "AVATAR_RETRY_AFTER", 3600, seconds(MAX_SECONDS, zero_allowed=True), "retry_after",
        "seconds a failure is remembered (at most `AVATAR_MAX_AGE`; a server's `Retry-After` "
        "may lengthen it)",
    ),
    Setting(
        "AVATAR_RETRIES", 2, integer(0, 10), "retries",
        "retries of a 429/5xx answer within a build, with backoff that honours `Retry-After` "
        "(up to 5 s)",
    ),
    Setting(
        "AVATAR_OFFLINE", False, flag, "offline",
        "no request at all; the environment variable `AVATAR_OFFLINE=1` sets it too",
    ),
    Setting(
        "AVATAR_TIMEOUT", 10.0, seconds(300, zero_allowed=False), "timeout",
        "seconds per request (connect, each read, and the whole body)",
    ),
    Setting(
        "AVATAR_MAX_BYTES", 5 * 1024 * 1024, integer(1, 100 * 1024 * 1024, " of bytes"),
        "max_bytes", "largest body or upload read (5 MiB)",
    ),
    Setting(
        "AVATAR_MAX_PIXELS", 40_000_000, integer(1, 100_000_000, " of pixels"), "max_pixels",
        "largest decoded image, checked from the header before decoding",
    ),
    Setting(
        "AVATAR_CONCURRENCY", 8, integer(1, 64), "concurrency",
        "requests in flight (and worker threads)",
    ),
    Setting(
        "AVATAR_PROGRESS", True, flag, "progress",
        "progress bar while resolving (only on a terminal, never with `--quiet`)",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class AvatarConfig:
    """The plugin's settings, checked and normalised: one field per row of `SETTINGS` (the
    *_URL / *_SAVE_AS all in `pages`, by setting name)."""

    member_paths: tuple[str, ...]
    event_paths: tuple[str, ...]
    pages: Mapping[str, str]
    sizes: Mapping[str, int]
    density: int
    fmt: str
    quality: int
    sources: tuple[Source, ...]
    gravatar_url: str
    github_url: str
    mastodon_url: str
    bluesky_url: str
    codeberg_url: str
    libravatar_url: str
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


BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}
DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}
RULES: dict[str, Callable[[str, Any], Any]] = {setting.name: setting.rule for setting in SETTINGS}


def apply_defaults(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `settings` (Pelican's) with every plugin setting the user did not set at its
    default, the cache path derived from CACHE_PATH, and the environment's
    MEMBER_PRIVATE_DATA and AVATAR_OFFLINE applied. `settings` itself is left as it is."""
    merged = dict(settings)
    for setting in SETTINGS:
        merged.setdefault(setting.name, setting.fresh_default())
    if not merged.get("AVATAR_CACHE_PATH"):
        merged["AVATAR_CACHE_PATH"] = os.path.join(merged.get("CACHE_PATH", "cache"), "avatars")
    if os.environ.get("MEMBER_PRIVATE_DATA") is not None:
        merged["MEMBER_PRIVATE_DATA"] = os.environ["MEMBER_PRIVATE_DATA"]
    if os.environ.get("AVATAR_OFFLINE", "").strip().lower() in CLEAR_YES:
        merged["AVATAR_OFFLINE"] = True
    return merged


def shown_default(setting: Setting) -> str:
    """The default as the settings reference shows it: Python's spelling, strings in double
    quotes."""
    if setting.shown:
        return setting.shown
    value = setting.default
    if value is None or isinstance(value, bool | float):
        return f"{value:g}" if isinstance(value, float) else repr(value)
    if isinstance(value, int):
        return f"{value:_}" if value >= 100_000 else str(value)
    return json.dumps(value)


def markdown_table() -> str:
    """The settings table of docs/settings.md, one line per setting."""
    lines = ["| setting | default | meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        lines.append(f"| `{setting.name}` | `{shown_default(setting)}` | {setting.doc} |")
    return "\n".join(lines) + "\n"

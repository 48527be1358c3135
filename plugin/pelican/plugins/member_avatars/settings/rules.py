"""What each plugin setting allows: one pure rule per setting in `RULES`.

A rule takes the setting's name and value and returns the value normalised (a list for a
list, a float for seconds, lower-case for a format or host) or raises `SettingError`, whose
message names the setting, the value and what is allowed.
"""

from __future__ import annotations

import math
import os
import string
from collections.abc import Callable, Mapping
from typing import Any

from .defaults import FORMATS, KNOWN_SOURCES

MAX_CSS_SIZE = 512
MAX_DENSITY = 4
MAX_PIXEL_SIZE = 1024
MAX_SECONDS = 10 * 365 * 86400
LONGEST_VALUE = 120


class SettingError(ValueError):
    """One setting has a value the plugin cannot use: says which, the value, and what is allowed."""

    def __init__(self, name: str, value: Any, allowed: str):
        self.name = name
        shown = repr(value).replace("\n", " ")
        if len(shown) > LONGEST_VALUE:
            shown = shown[: LONGEST_VALUE - 3] + "..."
        super().__init__(f"setting {name} = {shown} is not usable; allowed: {allowed}")


def is_int(value: Any) -> bool:
    """An int that is not a bool (True would otherwise pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def integer(low: int, high: int, unit: str = "") -> Callable[[str, Any], int]:
    """A whole number from `low` to `high`."""

    def rule(name: str, value: Any) -> int:
        if not is_int(value) or not low <= value <= high:
            raise SettingError(name, value, f"a whole number{unit} from {low} to {high}")
        return value

    return rule


def seconds(high: float, zero_allowed: bool) -> Callable[[str, Any], float]:
    """A finite number of seconds up to `high`, as a float."""
    low = "0 or more" if zero_allowed else "above 0"

    def rule(name: str, value: Any) -> float:
        number = is_int(value) or isinstance(value, float)
        in_range = number and math.isfinite(value) and 0 <= value <= high
        if not in_range or (value == 0 and not zero_allowed):
            raise SettingError(name, value, f"a number of seconds, {low}, at most {high:g}")
        return float(value)

    return rule


def flag(name: str, value: Any) -> bool:
    """True or False only: a string such as "no" would be true."""
    if not isinstance(value, bool):
        raise SettingError(name, value, "True or False")
    return value


def one_of(choices: tuple[str, ...]) -> Callable[[str, Any], str]:
    """One of `choices`, in any case."""
    *first, last = [repr(choice) for choice in choices]
    allowed = f"{', '.join(first)} or {last}"

    def rule(name: str, value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise SettingError(name, value, allowed)
        return value.strip().lower()

    return rule


def string_list(
    what: str, check: Callable[[str], bool], tidy: Callable[[str], str] = str.strip
) -> Callable[[str, Any], list[str]]:
    """A list (or tuple) of strings each passing `check`, tidied, each once, in order; a plain
    string is refused, since iterating it would read its letters as items."""

    def rule(name: str, value: Any) -> list[str]:
        items = list(value) if isinstance(value, list | tuple) else None
        if items is None or not all(isinstance(item, str) and check(item) for item in items):
            raise SettingError(name, value, f"a list of {what}")
        return list(dict.fromkeys(tidy(item) for item in items))

    return rule


def is_relative_path(path: str) -> bool:
    """Not empty, not absolute, no '..': it stays inside the folder it is relative to."""
    parts = path.strip().replace("\\", "/").split("/")
    return bool(path.strip()) and not os.path.isabs(path.strip()) and ".." not in parts


def is_host(host: str) -> bool:
    """A bare host name (or address), not a URL."""
    return bool(host.strip()) and not any(char in host.strip() for char in "/@ \t?#")


def fields_of(template: str) -> set[str] | None:
    """The placeholder names of a str.format template, or None when it does not parse."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError:
        return None


def url_template(placeholders: tuple[str, ...], samples: dict[str, Any]) -> Callable:
    """An http(s) URL with exactly these placeholders (the first one required)."""
    required, *optional = (f"{{{name}}}" for name in placeholders)
    allowed = f"an http(s) URL with {required}" + "".join(f", {name} optional" for name in optional)

    def rule(name: str, value: Any) -> str:
        if not isinstance(value, str) or not value.lower().startswith(("http://", "https://")):
            raise SettingError(name, value, allowed)
        fields = fields_of(value)
        if fields is None or placeholders[0] not in fields or not fields <= set(placeholders):
            raise SettingError(name, value, allowed)
        try:
            value.format(**samples)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            raise SettingError(name, value, allowed) from None
        return value

    return rule


def page_path(per_item: bool) -> Callable[[str, Any], str]:
    """A *_URL / *_SAVE_AS: a relative path; one page per member, group or event needs {slug}
    (other fields of the item, such as {date}, are Pelican's to fill). "" writes no page."""
    allowed = "a relative path without '..'" + (", containing {slug}, or ''" if per_item else "")

    def rule(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise SettingError(name, value, allowed)
        if value == "":
            return value
        fields = fields_of(value)
        wrong_fields = fields is None or (per_item and "slug" not in fields)
        if wrong_fields or not is_relative_path(value) or value != value.strip():
            raise SettingError(name, value, allowed)
        return value

    return rule


def css_sizes(name: str, value: Any) -> dict[str, int]:
    """Named sizes in CSS pixels (the image pixels are bounded in config.py)."""
    allowed = f"a dict of at least one name to a size in CSS pixels from 1 to {MAX_CSS_SIZE}"
    if not isinstance(value, Mapping) or not value:
        raise SettingError(name, value, allowed)
    for size_name, css in value.items():
        if not isinstance(size_name, str) or not is_int(css) or not 1 <= css <= MAX_CSS_SIZE:
            raise SettingError(name, value, allowed)
    return dict(value)


def cache_path(name: str, value: Any) -> str:
    """A folder path, as a string (where it may lie is decided in config.py)."""
    if not isinstance(value, str | os.PathLike) or not str(os.fspath(value)).strip():
        raise SettingError(name, value, "a folder path")
    return str(os.fspath(value))


def optional_file(name: str, value: Any) -> str | None:
    """None (not set), or a file path, made absolute (where it may lie is decided in config.py).
    An empty string means not set, as an empty environment variable does."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str | os.PathLike):
        raise SettingError(name, value, "None or the path of a YAML, JSON or CSV file")
    path = str(os.fspath(value)).strip()
    if not path.lower().endswith((".yaml", ".yml", ".json", ".csv")):
        raise SettingError(name, value, "None or the path of a YAML, JSON or CSV file")
    return os.path.abspath(path)


PER_ITEM_PAGES = ("MEMBER", "GROUP", "EVENT")
LIST_PAGES = ("MEMBERS", "EVENTS")

RULES: dict[str, Callable[[str, Any], Any]] = {
    "MEMBER_PATHS": string_list("folders relative to PATH", is_relative_path),
    "EVENT_PATHS": string_list("folders relative to PATH", is_relative_path),
    "MEMBER_PRIVATE_DATA": optional_file,
    **{f"{page}_{kind}": page_path(True) for page in PER_ITEM_PAGES for kind in ("URL", "SAVE_AS")},
    **{f"{page}_{kind}": page_path(False) for page in LIST_PAGES for kind in ("URL", "SAVE_AS")},
    "AVATAR_SIZES": css_sizes,
    "AVATAR_DENSITY": integer(1, MAX_DENSITY, " of image pixels per CSS pixel"),
    "AVATAR_FORMAT": one_of(tuple(FORMATS)),
    "AVATAR_QUALITY": integer(1, 100),
    "AVATAR_SOURCES": string_list(
        "source names, each one of " + ", ".join(repr(kind) for kind in KNOWN_SOURCES),
        lambda kind: kind in KNOWN_SOURCES,
    ),
    "AVATAR_GRAVATAR_URL": url_template(("hash", "size"), {"hash": "0" * 64, "size": 96}),
    "AVATAR_GITHUB_URL": url_template(("user", "size"), {"user": "octocat", "size": 96}),
    "AVATAR_ALLOWED_HOSTS": string_list(
        "host names (no scheme, path or user)", is_host, lambda host: host.strip().lower()
    ),
    "AVATAR_CACHE_PATH": cache_path,
    "AVATAR_MAX_AGE": seconds(MAX_SECONDS, zero_allowed=True),
    "AVATAR_RETRY_AFTER": seconds(MAX_SECONDS, zero_allowed=True),
    "AVATAR_RETRIES": integer(0, 10),
    "AVATAR_OFFLINE": flag,
    "AVATAR_TIMEOUT": seconds(300, zero_allowed=False),
    "AVATAR_MAX_BYTES": integer(1, 100 * 1024 * 1024, " of bytes"),
    "AVATAR_MAX_PIXELS": integer(1, 100_000_000, " of pixels"),
    "AVATAR_CONCURRENCY": integer(1, 64),
    "AVATAR_PROGRESS": flag,
}

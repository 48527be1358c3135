"""The content model: members, events and groups, with the pure helpers that shape them."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from typing import Any

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.utils import slugify

from ..log import get_logger
from .fields import github_user, gravatar_consent

logger = get_logger(__name__)

# One address, no spaces or markup: anything else has no Gravatar and is not worth a request.
_EMAIL = re.compile(r"[^@\s<>\"'(),;:\\]+@[^@\s<>\"'(),;:\\.]+(\.[^@\s<>\"'(),;:\\.]+)+")
# A slug becomes a folder of the output and part of URLs: one path segment, no markup.
_UNSAFE_SLUG = re.compile(r"[\s/\\<>\"'&?#%]|^\.")
# Fields that hold several comma-separated values; a repeated or continued line adds to them.
# Every other field holds one value: of several, the first counts.
LIST_FIELDS = frozenset({"groups", "attendees"})


class FixedUrls:
    """A page's URL and file name, worked out once: every page that lists a member or an event
    links to it, and Pelican's Content formats them anew on each access."""

    @functools.cached_property
    def url(self) -> str:
        return self.get_url_setting("url")  # type: ignore[attr-defined]

    @functools.cached_property
    def save_as(self) -> str:
        return self.get_url_setting("save_as")  # type: ignore[attr-defined]


class Member(FixedUrls, Content):
    """One member file. `Name` (or `Title`) is the display name; `Email` never stays on it."""

    mandatory_properties = ("title",)
    default_template = "member"

    def __init__(self, content: str, metadata: dict[str, Any] | None = None, **kwargs: Any):
        source_path = kwargs.get("source_path")
        # What warnings name: the member file, or a data file with the row ("x.csv, line 4").
        self.origin: str = kwargs.pop("origin", None) or str(source_path)
        label = self.origin
        # Every `Avatar` line counts, used or not: none of those pictures may be published.
        self.named_avatars: list[str] = all_values((metadata or {}).get("avatar"))
        metadata = checked_sources(one_value_each(metadata or {}, label), label)
        # The e-mail only feeds the Gravatar hash: keep it off the metadata and the attributes a
        # template can reach, so no theme can print it by accident.
        email = metadata.pop("email", None)
        name = metadata.get("name") or metadata.get("title")
        if name:
            metadata["name"] = metadata["title"] = name
        metadata["slug"] = safe_slug(metadata.get("slug"), source_path)
        super().__init__(content, metadata, **kwargs)
        self.email_for_gravatar: str | None = gravatar_email(email, label)
        self.group_names: list[str] = []
        for group in split_list(metadata.get("groups", "")):
            if group_slug(group, self.settings):
                self.group_names.append(group)
            else:
                logger.warning("%s: group %r has no usable slug; left out", label, group)
        self.groups: list[Group] = []
        # Filled in once per build by `relations.link_community`, newest first.
        self.events: list[Event] = []
        self.articles: list[Any] = []

    def __repr__(self) -> str:
        return f"<Member {self.slug}>"


class Event(FixedUrls, Content):
    """One event file with its attendee list (member slugs, in the order given)."""

    mandatory_properties = ("title", "date")
    default_template = "event"

    def __init__(self, content: str, metadata: dict[str, Any] | None = None, **kwargs: Any):
        source_path = kwargs.get("source_path")
        metadata = one_value_each(metadata or {}, source_path)
        metadata["slug"] = safe_slug(metadata.get("slug"), source_path)
        super().__init__(content, metadata, **kwargs)
        self.attendee_slugs: list[str] = unique(split_list(self.metadata.get("attendees", "")))
        # Members and guests (attendees.Guest), in order; attendees who asked not to be listed
        # are only counted.
        self.attendees: list[Any] = []
        self.unlisted_count = 0
        self.attendees_file: str = str(self.metadata.get("attendees-file", "")).strip()
        self.group_name: str = str(self.metadata.get("group", "")).strip()
        self.group: Group | None = None
        if not hasattr(self, "end"):
            self.end = None

    # Dates as templates show them, formatted once: an event is listed on the profile of
    # every attendee, and formatting a date costs more than the rest of its list item.
    @functools.cached_property
    def date_iso(self) -> str:
        return self.date.strftime("%Y-%m-%d")

    @functools.cached_property
    def end_iso(self) -> str | None:
        """The last day (YYYY-MM-DD) of an event that lasts several days, else None."""
        end = self.end.strftime("%Y-%m-%d") if self.end else None
        return end if end != self.date_iso else None

    @functools.cached_property
    def locale_end_date(self) -> str | None:
        """The last day in the site's date format, when the event lasts several days."""
        return self.end.strftime(self.date_format) if self.end_iso else None

    @property
    def attendee_count(self) -> int:
        """Everyone who attends, listed or not."""
        return len(self.attendees) + self.unlisted_count

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Group(URLWrapper):
    """A regional or topic group; its URLs come from GROUP_URL / GROUP_SAVE_AS."""

    def __init__(self, name: str, settings: dict[str, Any]):
        super().__init__(name, settings)
        self.members: list[Member] = []
        self.events: list[Event] = []  # newest first, filled in by `relations.link_community`


def gravatar_email(raw: Any, label: str) -> str | None:
    """The trimmed address for the Gravatar hash, or None (with a warning naming `label`, never
    the value: logs end up in CI output, and it may be someone's real address)."""
    email = str(raw or "").strip()
    if email and not _EMAIL.fullmatch(email):
        logger.warning("%s: Email is not an e-mail address; Gravatar is not asked", label)
        return None
    return email or None


def is_email(text: str) -> bool:
    return bool(_EMAIL.fullmatch(text.strip()))


def split_list(raw: Any) -> list[str]:
    """Split a comma-separated metadata value (or a list of them) into trimmed, non-empty items."""
    if isinstance(raw, list | tuple):
        raw = ",".join(str(item) for item in raw)
    items = str(raw or "").split(",")
    return [item.strip() for item in items if item.strip()]


def all_values(raw: Any) -> list[str]:
    """Every non-empty value of a field, whether it came once or as a list."""
    values = raw if isinstance(raw, list | tuple) else [raw]
    return [str(value).strip() for value in values if value is not None and str(value).strip()]


def one_value_each(metadata: dict[str, Any], source_path: str | None) -> dict[str, Any]:
    """The metadata with each text field given several times (a repeated or continued line)
    made one: list fields join all values, any other keeps the first, with a warning."""
    result = dict(metadata)
    for key, value in metadata.items():
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            continue  # one value, or what Pelican made of it (tags, authors)
        if key in LIST_FIELDS:
            result[key] = ", ".join(value)
            continue
        result[key] = value[0] if value else ""
        if len(set(value)) > 1:
            logger.warning(
                "%s: %s is given %d times; using the first, %r",
                source_path,
                key.title(),
                len(value),
                value[0],
            )
    return result


def checked_sources(metadata: dict[str, Any], source_path: str | None) -> dict[str, Any]:
    """The metadata with `GitHub` as a bare user name (or gone when it names none).

    Warns here, while the file is read, about `Gravatar` and `GitHub` values the avatar
    sources will not use: the workers that try the sources never log.
    """
    problem = gravatar_consent(metadata.get("gravatar"))[1]
    if problem:
        logger.warning("%s: %s", source_path, problem)
    if "github" in metadata:
        user, problem = github_user(metadata["github"])
        if problem:
            logger.warning("%s: %s", source_path, problem)
        if user:
            metadata["github"] = user
        else:
            del metadata["github"]
    return metadata


def unique(items: list[str]) -> list[str]:
    """The items in their first-seen order, each once."""
    return list(dict.fromkeys(items))


def name_sort_key(name: str) -> tuple[str, str]:
    """Ignores case and accents ("Ödön" sorts with "Odon"); ties broken on them."""
    folded = "".join(
        char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)
    )
    return folded.casefold(), name.casefold()


def safe_slug(slug: Any, source_path: str | None) -> str:
    """The file's `Slug`, or the file name when it is missing or not one safe path segment."""
    fallback = file_slug(source_path)
    if slug is None or not str(slug).strip():
        return fallback
    slug = str(slug).strip()
    if _UNSAFE_SLUG.search(slug):
        logger.warning(
            "%s: Slug %r is not usable in a URL; using %r",
            source_path,
            slug,
            fallback,
        )
        return fallback
    return slug


def group_slug(name: str, settings: dict[str, Any]) -> str:
    """The slug a group page gets, as `Group.slug` computes it (without its warning)."""
    return slugify(
        name,
        regex_subs=settings.get(
            "GROUP_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
        ),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def file_slug(source_path: str | None) -> str:
    """The default slug: the file name without its extension."""
    return os.path.splitext(os.path.basename(source_path or ""))[0]

"""The content model: members, events and groups, with the pure helpers that shape them."""

from __future__ import annotations

import datetime
import functools
import os
import re
import unicodedata
from collections.abc import Collection
from typing import Any, NamedTuple, Protocol

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.utils import slugify

from ..diagnostics import Place, warn
from ..log import get_logger
from ..settings.choices import Source
from ..settings.config import config_of
from .fields import (
    bluesky_actor,
    codeberg_user,
    github_user,
    gravatar_consent,
    libravatar_consent,
    mastodon_handle,
)

logger = get_logger(__name__)

# One address, no spaces or markup: anything else has no Gravatar and is not worth a request.
_EMAIL = re.compile(r"[^@\s<>\"'(),;:\\]+@[^@\s<>\"'(),;:\\.]+(\.[^@\s<>\"'(),;:\\.]+)+")
# A slug becomes a folder of the output and part of URLs: one path segment, no markup.
UNSAFE_SLUG = re.compile(r"[\s/\\<>\"'&?#%]|^\.")
# Fields that hold several comma-separated values; a repeated or continued line adds to them.
# Every other field holds one value: of several, the first counts.
LIST_FIELDS = frozenset({"groups", "attendees"})


class DateRange(NamedTuple):
    """An event's days as a page prints them: "27." "–" "29. August 2026" (a one-day event:
    the date, and two empty strings). Each day goes into its own `<time>`."""

    first: str
    between: str
    last: str

    def __str__(self) -> str:
        return f"{self.first}{self.between}{self.last}"


class Person(Protocol):
    """Someone with an avatar: a member from a member file or a data file (`Member`), or a guest
    of an event's attendee file (`attendees.Guest`). The avatar sources read these fields; a
    private-data file may set `email_for_gravatar` after the file is read."""

    email_for_gravatar: str | None

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def origin(self) -> str:
        """What warnings name: the member file, or a data or attendee file with the row."""

    @property
    def place(self) -> Place:
        """The same, as a diagnostic's place (file, line or row)."""

    @property
    def source_path(self) -> str:
        """The file read: a member file, a data file or an attendee file."""

    @property
    def url(self) -> str:
        """The profile page's URL; empty for a guest, who has none."""

    @property
    def named_avatars(self) -> list[str]:
        """Every `Avatar` value given, used or not (none of them is published as a file)."""

    # The raw field values the avatar sources check (a data file may hold numbers or lists).
    @property
    def avatar(self) -> object: ...
    @property
    def github(self) -> object: ...
    @property
    def gravatar(self) -> object: ...
    @property
    def mastodon(self) -> object: ...
    @property
    def bluesky(self) -> object: ...
    @property
    def codeberg(self) -> object: ...
    @property
    def libravatar(self) -> object: ...


class FixedUrls(Content):
    """A page's URL and file name, worked out once: every page that lists a member or an event
    links to it, and Pelican's Content formats them anew on each access."""

    # Profiles are not translated: a member file's `Lang` does not move its page.
    translated_pages = False

    @functools.cached_property
    def url(self) -> str:
        return str(self.get_url_setting("url"))

    @functools.cached_property
    def save_as(self) -> str:
        return str(self.get_url_setting("save_as"))

    def get_url_setting(self, key: str) -> str:
        """Pelican's rule, with a default for a page in another language than the site's:
        EVENT_LANG_URL / EVENT_LANG_SAVE_AS when the site sets them, else EVENT_URL /
        EVENT_SAVE_AS with the slug "{slug}-{lang}" (as Pelican's ARTICLE_LANG_URL does)."""
        if hasattr(self, "override_" + key):
            return str(getattr(self, "override_" + key))
        kind = type(self).__name__.upper()
        settings = self.settings
        if not self.translated_pages or self.in_default_lang:
            return self._expand_settings(key)
        if f"{kind}_LANG_{key.upper()}" in settings:
            return self._expand_settings(f"lang_{key}")
        values = dict(self.url_format)
        values["slug"] = f"{values['slug']}-{values['lang']}"
        return str(settings[f"{kind}_{key.upper()}"]).format(**values)


class Member(FixedUrls):
    """One member file. `Name` (or `Title`) is the display name; `Email` never stays on it."""

    mandatory_properties = ("title",)
    default_template = "member"
    # Pelican's Content sets an attribute for each metadata field given; these are read for
    # every member, given or not.
    avatar: object = None
    github: object = None
    gravatar: object = None
    mastodon: object = None
    bluesky: object = None
    codeberg: object = None
    libravatar: object = None
    slug: str
    name: str
    source_path: str

    def __init__(
        self,
        content: str,
        metadata: dict[str, Any] | None = None,
        *,
        place: Place | None = None,
        **kwargs: Any,
    ):
        source_path = kwargs.get("source_path")
        # What warnings name: the member file, or a data file with the row ("x.csv, line 4").
        # The row itself is not kept: it holds the e-mail.
        self.place: Place = place or Place(str(source_path))
        self.origin: str = str(self.place)
        label = self.place
        # Every `Avatar` line counts, used or not: none of those pictures may be published.
        self.named_avatars: list[str] = all_values((metadata or {}).get("avatar"))
        settings = kwargs.get("settings")
        sources = config_of(settings).sources if settings else ()
        metadata = checked_sources(one_value_each(metadata or {}, label), label, sources)
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
                warn(logger, label, f"group {group!r} has no usable slug; left out", "Groups")
        self.groups: list[Group] = []
        # Filled in once per build by `relations.link_community`, newest first.
        self.events: list[Event] = []
        self.articles: list[Any] = []

    @property
    def in_data_file(self) -> bool:
        """A member from a row of a data file, which is the source of many members."""
        return self.place.line is not None or self.place.row is not None

    def __repr__(self) -> str:
        return f"<Member {self.slug}>"


class Event(FixedUrls):
    """One event file with its attendee list (member slugs, in the order given)."""

    translated_pages = True

    mandatory_properties = ("title", "date")
    default_template = "event"
    # Set by Pelican's Content from the metadata (`End` made a date by the reader).
    slug: str
    title: str
    date: datetime.datetime
    date_format: str
    end: datetime.datetime | None
    source_path: str

    def __init__(self, content: str, metadata: dict[str, Any] | None = None, **kwargs: Any):
        source_path = kwargs.get("source_path")
        metadata = one_value_each(metadata or {}, source_path)
        metadata["slug"] = safe_slug(metadata.get("slug"), source_path)
        super().__init__(content, metadata, **kwargs)
        self.attendee_slugs: list[str] = unique(split_list(self.metadata.get("attendees", "")))
        # Members and guests (attendees.Guest), in order; attendees who asked not to be listed
        # are only counted.
        self.attendees: list[Person] = []
        self.unlisted_count = 0
        self.attendees_file: str = str(self.metadata.get("attendees-file", "")).strip()
        self.group_name: str = str(self.metadata.get("group", "")).strip()
        self.group: Group | None = None
        if not hasattr(self, "end"):
            self.end = None
        # The same event in other languages (files that share its slug), set by
        # `relations.split_translations`.
        self.translations: list[Event] = []

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
        return self.end.strftime(self.date_format) if self.end and self.end_iso else None

    @functools.cached_property
    def date_range(self) -> DateRange:
        """The days as a page prints them (the plugin writes them in the event's language)."""
        if self.end_iso:
            return DateRange(self.locale_date, " – ", self.locale_end_date or "")
        return DateRange(self.locale_date, "", "")

    @property
    def attendee_count(self) -> int:
        """Everyone who attends, listed or not."""
        return len(self.attendees) + self.unlisted_count

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Group(URLWrapper):
    """A regional or topic group; its URLs come from GROUP_URL / GROUP_SAVE_AS."""

    def __init__(self, name: str, settings: dict[str, Any]):
        super().__init__(name, settings)  # type: ignore[no-untyped-call]  # Pelican's own
        self.members: list[Member] = []
        self.events: list[Event] = []  # newest first, filled in by `relations.link_community`


def gravatar_email(raw: Any, label: Place | str) -> str | None:
    """The trimmed address for the Gravatar hash, or None (with a warning naming `label`, never
    the value: logs end up in CI output, and it may be someone's real address)."""
    email = str(raw or "").strip()
    if email and not _EMAIL.fullmatch(email):
        warn(logger, label, "Email is not an e-mail address; Gravatar is not asked", "Email")
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


def one_value_each(metadata: dict[str, Any], source_path: Place | str | None) -> dict[str, Any]:
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
            field = key.title()
            message = f"{field} is given {len(value)} times; using the first, {value[0]!r}"
            warn(logger, source_path, message, field)
    return result


# The fields of the sources a site adds to AVATAR_SOURCES, with what reads each one.
SOCIAL_FIELDS: dict[Source, Any] = {
    Source.MASTODON: mastodon_handle,
    Source.BLUESKY: bluesky_actor,
    Source.CODEBERG: codeberg_user,
    Source.LIBRAVATAR: libravatar_consent,
}


def checked_sources(
    metadata: dict[str, Any], source_path: Place | str, sources: Collection[str] = ()
) -> dict[str, Any]:
    """The metadata with `GitHub` as a bare user name (or gone when it names none).

    Warns here, while the file is read, about `Gravatar` and `GitHub` values the avatar
    sources will not use, and about `Mastodon`, `Bluesky`, `Codeberg` and `Libravatar` values
    when the site's `sources` use them: the workers that try the sources never log.
    """
    for source, read in SOCIAL_FIELDS.items():
        if source in sources and source.value in metadata:
            problem = read(metadata[source.value])[1]
            if problem:
                warn(logger, source_path, problem, source.value.title())
    problem = gravatar_consent(metadata.get("gravatar"))[1]
    if problem:
        warn(logger, source_path, problem, "Gravatar")
    if "github" in metadata:
        user, problem = github_user(metadata["github"])
        if problem:
            warn(logger, source_path, problem, "GitHub")
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
    text = str(slug).strip()
    if UNSAFE_SLUG.search(text):
        message = f"Slug {text!r} is not usable in a URL; using {fallback!r}"
        warn(logger, source_path, message, "Slug")
        return fallback
    return text


def group_slug(name: str, settings: dict[str, Any]) -> str:
    """The slug a group page gets, as `Group.slug` computes it (without its warning)."""
    return str(
        slugify(
            name,
            regex_subs=settings.get(
                "GROUP_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
            ),
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
        )
    )


def file_slug(source_path: str | None) -> str:
    """The default slug: the file name without its extension."""
    return os.path.splitext(os.path.basename(source_path or ""))[0]

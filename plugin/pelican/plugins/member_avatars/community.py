"""The content model: members, events and groups, with the pure helpers that shape them."""

from __future__ import annotations

import os
import unicodedata
from typing import Any

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper


class Member(Content):
    """One member file. `Name` (or `Title`) is the display name; `Email` never stays on it."""

    mandatory_properties = ("title",)
    default_template = "member"

    def __init__(self, content: str, metadata: dict[str, Any] | None = None, **kwargs: Any):
        metadata = dict(metadata or {})
        # The e-mail only feeds the Gravatar hash: keep it off the metadata and the attributes a
        # template can reach, so no theme can print it by accident.
        email = metadata.pop("email", None)
        name = metadata.get("name") or metadata.get("title")
        if name:
            metadata["name"] = metadata["title"] = name
        metadata.setdefault("slug", file_slug(kwargs.get("source_path")))
        super().__init__(content, metadata, **kwargs)
        self.email_for_gravatar: str | None = str(email).strip() if email else None
        self.group_names: list[str] = split_list(metadata.get("groups", ""))
        self.groups: list[Group] = []

    def __repr__(self) -> str:
        return f"<Member {self.slug}>"


class Event(Content):
    """One event file with its attendee list (member slugs, in the order given)."""

    mandatory_properties = ("title", "date")
    default_template = "event"

    def __init__(self, content: str, metadata: dict[str, Any] | None = None, **kwargs: Any):
        metadata = dict(metadata or {})
        metadata.setdefault("slug", file_slug(kwargs.get("source_path")))
        super().__init__(content, metadata, **kwargs)
        self.attendee_slugs: list[str] = unique(split_list(self.metadata.get("attendees", "")))
        self.attendees: list[Member] = []
        self.group_name: str = str(self.metadata.get("group", "")).strip()
        self.group: Group | None = None
        if not hasattr(self, "end"):
            self.end = None

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Group(URLWrapper):
    """A regional or topic group; its URLs come from GROUP_URL / GROUP_SAVE_AS."""

    def __init__(self, name: str, settings: dict[str, Any]):
        super().__init__(name, settings)
        self.members: list[Member] = []


def split_list(raw: Any) -> list[str]:
    """Split a comma-separated metadata value into its trimmed, non-empty items."""
    if isinstance(raw, list | tuple):
        items = [str(item) for item in raw]
    else:
        items = str(raw or "").split(",")
    return [item.strip() for item in items if item.strip()]


def unique(items: list[str]) -> list[str]:
    """The items in their first-seen order, each once."""
    return list(dict.fromkeys(items))


def name_sort_key(name: str) -> tuple[str, str]:
    """Ignores case and accents ("Ödön" sorts with "Odon"); ties broken on them."""
    folded = "".join(
        char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)
    )
    return folded.casefold(), name.casefold()


def file_slug(source_path: str | None) -> str:
    """The default slug: the file name without its extension."""
    return os.path.splitext(os.path.basename(source_path or ""))[0]

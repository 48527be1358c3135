"""Members from data files: each row of a YAML, JSON or CSV file in MEMBER_PATHS is a member
like one from a member file. Shared with attendee files: the slug of a row."""

from __future__ import annotations

import copy
import re
from typing import Any

import markdown
from pelican.utils import slugify

from .models import Member
from .tables import Row, read_table

# The member metadata a row may carry (plus `Bio`); other columns of an export are left alone.
MEMBER_FIELDS = frozenset(
    {
        "name",
        "title",
        "slug",
        "email",
        "avatar",
        "github",
        "gravatar",
        "groups",
        "location",
        "profession",
        "website",
        "twitter",
        "mastodon",
        "template",
    }
)
# The same rule as a member file's Slug: one path segment, no markup.
_UNSAFE_SLUG = re.compile(r"[\s/\\<>\"'&?#%]|^\.")


def first_text(value: Any) -> str:
    """The value as text; of a list, its first item."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def name_slug(name: str, settings: dict[str, Any]) -> str:
    """A name through Pelican's `slugify` with the site's slug settings."""
    return slugify(
        name,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def row_slug(fields: dict[str, Any], name: str, settings: dict[str, Any]) -> tuple[str, str]:
    """A row's slug (its `Slug`, else its name through `slugify`) and what is wrong with it."""
    given = first_text(fields.get("slug"))
    fallback = name_slug(name, settings)
    if given and not _UNSAFE_SLUG.search(given):
        return given, ""
    if given:
        return fallback, f"Slug {given!r} is not usable in a URL; using {fallback!r}"
    return fallback, ""


def bio_renderer(settings: dict[str, Any]) -> markdown.Markdown:
    """Pelican's Markdown, as its reader sets it up, without the metadata extension (a bio that
    starts with "Note: ..." is text, not metadata)."""
    config = copy.deepcopy(settings.get("MARKDOWN") or {})
    meta = ("markdown.extensions.meta", "meta")
    config["extension_configs"] = {
        name: options
        for name, options in (config.get("extension_configs") or {}).items()
        if name not in meta
    }
    config["extensions"] = [
        name
        for name in config.get("extensions") or []
        if not isinstance(name, str) or name not in meta
    ]
    return markdown.Markdown(**config)


class DataFileReader:
    """Reads member data files of one build; renders bios with one Markdown instance."""

    def __init__(self, settings: dict[str, Any], context: dict[str, Any]):
        self.settings = settings
        self.context = context
        self._markdown: markdown.Markdown | None = None

    def bio_html(self, text: str) -> str:
        if not text:
            return ""
        if self._markdown is None:
            self._markdown = bio_renderer(self.settings)
        return self._markdown.reset().convert(text)

    def members(
        self, path: str, relative: str
    ) -> tuple[list[Member], list[tuple[Row | None, str]]]:
        """The members of the data file at `path` (`relative` to PATH, as warnings name it), in
        file order, and the problems found: (row or None for the whole file, message)."""
        table = read_table(path, "members")
        problems: list[tuple[Row | None, str]] = [(None, message) for _, message in table.problems]
        members = []
        for row in table.rows:
            member, problem = self.member(path, relative, row)
            if problem:
                problems.append((row, problem))
            if member is not None:
                members.append(member)
        return members, problems

    def member(self, path: str, relative: str, row: Row) -> tuple[Member | None, str]:
        name = first_text(row.fields.get("name") or row.fields.get("title"))
        if not name:
            return None, "no Name; row skipped"
        slug, problem = row_slug(row.fields, name, self.settings)
        if not slug:
            return None, f"Name {name!r} gives no usable slug and there is no Slug; row skipped"
        metadata = {key: value for key, value in row.fields.items() if key in MEMBER_FIELDS}
        metadata.update(name=name, title=name, slug=slug)
        member = Member(
            self.bio_html(first_text(row.fields.get("bio"))),
            metadata,
            settings=self.settings,
            source_path=path,
            context=self.context,
            origin=f"{relative}, {row.place}",
        )
        member.data_place = row.place  # the row itself is not kept: it holds the e-mail
        return member, problem

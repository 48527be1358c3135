"""Attendee files: `Attendees-File` on an event names a registration export (YAML, JSON or CSV)
whose rows are members (their slug names one) or guests, listed or only counted."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..log import get_logger
from ..settings.config import is_inside
from .datafiles import first_text, row_slug
from .fields import CLEAR_NO, CLEAR_YES, plain_value
from .models import Event, Member, checked_sources, gravatar_email
from .tables import read_table

logger = get_logger(__name__)


class Guest:
    """An attendee without a member file: a name and an avatar in the event's attendee list,
    no profile page (`url` is empty), in no member list or group."""

    url = ""
    save_as = ""

    def __init__(self, name: str, slug: str, fields: dict[str, Any], origin: str, source_path: str):
        self.name = name
        self.slug = slug
        self.origin = origin
        self.source_path = source_path
        sources = checked_sources({k: first_text(v) for k, v in fields.items()}, origin)
        self.avatar = sources.get("avatar") or None
        self.github = sources.get("github")
        self.gravatar = sources.get("gravatar")
        self.email_for_gravatar: str | None = gravatar_email(sources.get("email"), origin)
        self.named_avatars = [self.avatar] if self.avatar else []
        self.groups: list[Any] = []

    def __repr__(self) -> str:
        return f"<Guest {self.slug}>"


def listed(value: Any, origin: str) -> bool:
    """`Listed`: no value or a clear yes lists the attendee; anything else only counts them
    (a warning when it is not a clear no either: not everyone agrees to be listed)."""
    if value is None or not plain_value(value):
        return True
    word = plain_value(value).lower()
    if word in CLEAR_YES:
        return True
    if word not in CLEAR_NO:
        logger.warning("%s: Listed %r is not a clear yes or no; not listed", origin, str(value))
    return False


def attendee_file_path(content_root: str, event: Event) -> str | None:
    """The real path of the event's attendee file, or None (with a warning) when it is missing
    or lies outside the content folder."""
    relative = event.attendees_file
    path = os.path.realpath(os.path.join(content_root, relative.lstrip("/")))
    if not is_inside(path, content_root):
        logger.warning(
            "%s: Attendees-File %r points outside the content folder (PATH); not read",
            event.source_path,
            relative,
        )
        return None
    if not os.path.isfile(path):
        logger.warning(
            "%s: Attendees-File %r does not exist (it is relative to the content folder, PATH)",
            event.source_path,
            relative,
        )
        return None
    return path


def add_file_attendees(
    event: Event,
    path: str,
    content_root: str,
    members_by_slug: dict[str, Member],
    guests_by_slug: dict[str, Guest],
    new_guest: Callable[[Guest], None],
    unlisted: set[str],
) -> None:
    """Append the rows of the attendee file at `path` to `event`: members, guests, and the count
    of those not listed. Each person once: a slug already on the event is skipped. A guest seen
    at an earlier event (same slug) is that same guest; `new_guest` gets each new one, and
    `unlisted` the slugs of those only counted."""
    relative = os.path.relpath(path, content_root)
    settings = event.settings
    table = read_table(path, "attendees")
    for _, problem in table.problems:
        logger.warning("%s: %s (Attendees-File of %s)", relative, problem, event.source_path)
    seen = {person.slug for person in event.attendees}
    for row in table.rows:
        origin = f"{relative}, {row.place}"
        name = first_text(row.fields.get("name"))
        if not name:
            logger.warning("%s: no Name; attendee skipped", origin)
            continue
        slug, problem = row_slug(row.fields, name, settings)
        if problem:
            logger.warning("%s: %s", origin, problem)
        if not slug:
            logger.warning("%s: Name %r gives no usable slug; attendee skipped", origin, name)
            continue
        if slug in seen:
            continue
        seen.add(slug)
        if not listed(row.fields.get("listed"), origin):
            event.unlisted_count += 1
            unlisted.add(slug)
            continue
        person: Member | Guest | None = members_by_slug.get(slug) or guests_by_slug.get(slug)
        if person is None:
            person = guests_by_slug[slug] = Guest(name, slug, row.fields, origin, path)
            new_guest(person)
        event.attendees.append(person)

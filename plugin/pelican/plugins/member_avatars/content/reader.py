"""Reading a build's people and events: member files, member data files, event files with their
attendee files, and the private data that gives them e-mail addresses.

Everything a build reads goes through `Roster`, so the command line can read exactly what a
build reads. Warnings are logged here, in the build's thread, naming the file (and the row).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from pelican.utils import get_date, order_content

from ..log import get_logger
from ..settings.config import config_of
from .attendees import Guest, add_file_attendees, attendee_file_path
from .datafiles import DataFileReader
from .fields import upload_spellings
from .models import Event, Member, name_sort_key
from .private import PrivateData
from .tables import TABLE_EXTENSIONS, is_table

logger = get_logger(__name__)
Accept = Callable[[Any], None]


class Roster:
    """The members, guests and events of one build, read through a Pelican generator (for its
    readers, file listing, settings and context)."""

    def __init__(self, generator: Any):
        self.generator = generator
        self.path: str = generator.path
        self.settings: dict[str, Any] = generator.settings
        self.private = PrivateData.load(config_of(self.settings).private_data)
        self.data_files = DataFileReader(self.settings, generator.context)
        # (folder the value is relative to, Avatar value) of every person read, kept or not.
        self.named_avatars: list[tuple[str, str]] = []
        self.attendee_files: set[str] = set()
        self.guests: dict[str, Guest] = {}
        self.unlisted: set[str] = set()

    # --- members ----------------------------------------------------------------------------
    def member_sources(self) -> list[tuple[str, bool]]:
        """Every member file and data file under MEMBER_PATHS, by path: (path, is a data file)."""
        # One walk of the folders for both kinds of file.
        extensions = (*self.generator.readers.extensions, *TABLE_EXTENSIONS)
        files = self.generator.get_files(self.settings["MEMBER_PATHS"], extensions=extensions)
        return sorted((path, is_table(path)) for path in files)

    def read_file(self, path: str, content_class: type) -> Any | None:
        try:
            return self.generator.readers.read_file(
                base_path=self.path,
                path=path,
                content_class=content_class,
                context=self.generator.context,
            )
        except (OSError, ValueError, TypeError, KeyError) as exc:
            logger.warning("%s: could not be read: %s", path, exc)
            return None

    def members_of(self, path: str, is_data: bool) -> list[tuple[str, Member]]:
        """The members of one file, each with the place warnings name ("x.csv, line 4")."""
        if not is_data:
            member = self.read_file(path, Member)
            if member is None:
                return []
            if not getattr(member, "name", None):
                self.note_avatars(member)
                logger.warning("%s: no Name (or Title); member skipped", path)
                return []
            return [(path, member)]
        members, problems = self.data_files.members(os.path.join(self.path, path), path)
        for row, problem in problems:
            logger.warning("%s: %s", f"{path}, {row.place}" if row else path, problem)
        return [(member.origin, member) for member in members]

    def read_members(self, accepted: Accept | None = None) -> list[Member]:
        """The members, sorted by name; `accepted` is called with each one as soon as it is read
        (the first of two with one slug wins, so each is final when it is accepted)."""
        by_slug: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for path, is_data in self.member_sources():
            for origin, member in self.members_of(path, is_data):
                self.note_avatars(member)
                if not first_with_slug(origin, member, by_slug, origins):
                    continue
                self.private.apply(member)
                if accepted is not None:
                    accepted(member)
        return sorted(by_slug.values(), key=lambda member: name_sort_key(member.name))

    def note_avatars(self, person: Any) -> None:
        folder = os.path.dirname(person.source_path)
        self.named_avatars += [(folder, named) for named in person.named_avatars]

    # --- events -----------------------------------------------------------------------------
    def read_events(self, members_by_slug: dict[str, Member], new_guest: Accept | None = None):
        """The events, newest first, with their attendees (members, then guests of their
        attendee files); `new_guest` is called with each guest as soon as it is read."""
        events = []
        by_slug: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for path in sorted(self.generator.get_files(self.settings["EVENT_PATHS"])):
            event = self.read_file(path, Event)
            if event is None:
                continue
            missing = [key for key in ("title", "date") if not getattr(event, key, None)]
            if missing:
                logger.warning("%s: no %s; event skipped", path, " or ".join(missing).title())
                continue
            if not first_with_slug(path, event, by_slug, origins):
                continue
            if event.end:
                try:
                    event.end = get_date(str(event.end))
                except ValueError:
                    logger.warning("%s: End %r is not a date", path, event.end)
                    event.end = None
            for slug in event.attendee_slugs:
                member = members_by_slug.get(slug)
                if member is None:
                    logger.warning("%s: attendee %r is not a member; left out", path, slug)
                else:
                    event.attendees.append(member)
            if event.attendees_file:
                self.read_attendee_file(event, members_by_slug, new_guest)
            events.append(event)
        return order_content(events, "reversed-date")

    def read_attendee_file(
        self, event: Event, members_by_slug: dict[str, Member], new_guest: Accept | None
    ) -> None:
        path = attendee_file_path(self.path, event)
        if path is None:
            return
        self.attendee_files.add(path)

        def accept(guest: Guest) -> None:
            self.note_avatars(guest)
            self.private.apply(guest)
            if new_guest is not None:
                new_guest(guest)

        add_file_attendees(
            event, path, self.path, members_by_slug, self.guests, accept, self.unlisted
        )

    # --- after reading ----------------------------------------------------------------------
    def warn_unused_private_data(self, members: list[Member]) -> None:
        known = {member.slug for member in members} | set(self.guests) | self.unlisted
        self.private.warn_unknown(known)

    def never_published(self) -> set[str]:
        """The real paths of every picture anyone names as `Avatar` (in any spelling) and of
        every attendee file: none of them may become a static file of the output."""
        found: set[str] = set(self.attendee_files)
        for folder, named in self.named_avatars:
            found |= upload_spellings(self.path, folder, named)
        return found


def first_with_slug(
    origin: str, item: Any, by_slug: dict[str, Any], origins: dict[str, str]
) -> bool:
    """Keep `item` unless an earlier one (by file path, then row) has its slug; warn naming
    both places."""
    first = by_slug.setdefault(item.slug, item)
    if first is not item:
        logger.warning(
            "%s: slug %r is already used by %s; keeping the first",
            origin,
            item.slug,
            origins[item.slug],
        )
        return False
    origins[item.slug] = origin
    return True

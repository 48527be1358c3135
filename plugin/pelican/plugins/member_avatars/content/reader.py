"""Reading a build's people and events: member files, member data files, event files with their
attendee files, and the private data that gives them e-mail addresses.

Everything a build reads goes through `Roster`, so the command line can read exactly what a
build reads. Warnings are logged here, in the build's thread, naming the file (and the row).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from pelican.contents import Content
from pelican.utils import get_date, order_content

from ..diagnostics import Place, warn
from ..log import get_logger
from ..settings.choices import TABLE_EXTENSIONS
from ..settings.config import config_of
from .attendees import Guest, add_file_attendees, attendee_file_path
from .datafiles import DataFileReader
from .fields import upload_spellings
from .models import Event, Member, Person, name_sort_key
from .private import PrivateData
from .tables import is_table

logger = get_logger(__name__)
Accept = Callable[[Person], None]
ContentT = TypeVar("ContentT", Member, Event)


class Roster:
    """The members, guests and events of one build, read through a Pelican generator (for its
    readers, file listing, settings and context)."""

    def __init__(self, generator: Any):
        self.generator = generator
        self.path: str = generator.path
        self.settings: dict[str, Any] = generator.settings
        self.config = config_of(self.settings)
        self.private = PrivateData.load(self.config.private_data)
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
        files = self.generator.get_files(list(self.config.member_paths), extensions=extensions)
        return sorted((path, is_table(path)) for path in files)

    def read_file(self, path: str, content_class: type[ContentT]) -> ContentT | None:
        try:
            content: ContentT = self.generator.readers.read_file(
                base_path=self.path,
                path=path,
                content_class=content_class,
                context=self.generator.context,
            )
            return content
        except (OSError, ValueError, TypeError, KeyError) as exc:
            warn(logger, path, f"could not be read: {exc}")
            return None

    def members_of(self, path: str, is_data: bool) -> list[tuple[Place, Member]]:
        """The members of one file, each with the place warnings name ("x.csv, line 4")."""
        if not is_data:
            member = self.read_file(path, Member)
            if member is None:
                return []
            if not getattr(member, "name", None):
                self.note_avatars(member)
                warn(logger, path, "no Name (or Title); member skipped")
                return []
            return [(Place(path), member)]
        members, problems = self.data_files.members(os.path.join(self.path, path), path)
        for row, problem in problems:
            warn(logger, row.place_in(path) if row else path, problem)
        return [(member.place, member) for member in members]

    def read_members(self, accepted: Accept | None = None) -> list[Member]:
        """The members, sorted by name; `accepted` is called with each one as soon as it is read
        (the first of two with one slug wins, so each is final when it is accepted)."""
        by_slug: dict[str, Member] = {}
        origins: dict[str, Place] = {}
        for path, is_data in self.member_sources():
            for origin, member in self.members_of(path, is_data):
                self.note_avatars(member)
                if not first_with_slug(origin, member, by_slug, origins):
                    continue
                self.private.apply(member)
                if accepted is not None:
                    accepted(member)
        return sorted(by_slug.values(), key=lambda member: name_sort_key(member.name))

    def note_avatars(self, person: Person) -> None:
        folder = os.path.dirname(person.source_path)
        self.named_avatars += [(folder, named) for named in person.named_avatars]

    # --- events -----------------------------------------------------------------------------
    def read_events(
        self, members_by_slug: dict[str, Member], new_guest: Accept | None = None
    ) -> list[Event]:
        """The events, newest first, with their attendees (members, then guests of their
        attendee files); `new_guest` is called with each guest as soon as it is read."""
        events: list[Event] = []
        by_slug: dict[str, Event] = {}
        origins: dict[str, Place] = {}
        for path in sorted(self.generator.get_files(list(self.config.event_paths))):
            event = self.read_file(path, Event)
            if event is None:
                continue
            missing = [key for key in ("title", "date") if not getattr(event, key, None)]
            if missing:
                warn(logger, path, f"no {' or '.join(missing).title()}; event skipped")
                continue
            if not first_with_slug(Place(path), event, by_slug, origins):
                continue
            if event.end:
                try:
                    event.end = get_date(str(event.end))
                except ValueError:
                    warn(logger, path, f"End {event.end!r} is not a date", "End")
                    event.end = None
            for slug in event.attendee_slugs:
                member = members_by_slug.get(slug)
                if member is None:
                    message = f"attendee {slug!r} is not a member; left out"
                    warn(logger, path, message, "Attendees")
                else:
                    event.attendees.append(member)
            if event.attendees_file:
                self.read_attendee_file(event, members_by_slug, new_guest)
            events.append(event)
        ordered = order_content(list[Content](events), "reversed-date")
        return cast("list[Event]", ordered)  # the same events, newest first

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
    origin: Place, item: ContentT, by_slug: dict[str, ContentT], origins: dict[str, Place]
) -> bool:
    """Keep `item` unless an earlier one (by file path, then row) has its slug; warn naming
    both places."""
    first = by_slug.setdefault(item.slug, item)
    if first is not item:
        message = f"slug {item.slug!r} is already used by {origins[item.slug]}; keeping the first"
        warn(logger, origin, message, "Slug")
        return False
    origins[item.slug] = origin
    return True

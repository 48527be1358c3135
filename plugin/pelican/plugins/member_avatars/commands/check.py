"""`pelican-avatars check`: every problem a build would warn about in a site's member and event
files, found by reading them as a build does, without a request and without writing anything.

The rules live where the build applies them (community.py, generator.py, sources.py): this
module only listens to the warnings they log while the files are read, gives each one its file
and line, and adds what a build finds only while it resolves avatars (the `Avatar` upload).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..avatars.resolver import origin_of
from ..avatars.sources import candidates
from ..content.fields import upload_path
from ..content.relations import build_groups
from ..images import process
from ..settings.config import config_of
from .check_reading import TrackedReaders, WarningCollector, collecting

# A warning is about the metadata key its first word names ("Avatar file ...", "Email is ..."),
# or about the key in this table ("attendee 'x' is not a member" is about `Attendees`).
KEY_BY_FIRST_WORD = {"attendee": "attendees", "group": "groups", "slug": "slug"}
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")
DATA_ROW = re.compile(r"(.+?), (row|line) (\d+)")


@dataclass(frozen=True)
class Problem:
    """One problem: `path` relative to the working folder (None: no file), `line` from 1."""

    path: str | None
    line: int | None
    message: str


@dataclass
class Found:
    """What the readers found: the members and events a build would keep, the files read."""

    members: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    files_read: int = 0


# --- the readers: each reads one kind of file as a build does --------------------------------
def read_member_files(generator: Any, found: Found) -> None:
    found.members = generator.read_members()


def read_event_files(generator: Any, found: Found) -> None:
    """Event files and the attendee files they name (read by the roster `read_members` made)."""
    by_slug = {member.slug: member for member in found.members}
    found.events = generator.roster.read_events(by_slug)


def claim_pages(generator: Any, found: Found) -> None:
    """Pages that would overwrite one another (the plugin's own; Pelican's are not read)."""
    generator.members, generator.events = found.members, found.events
    generator.groups = build_groups(found.members, found.events, generator.settings)
    generator.skip_clashing_pages()


# In reading order (events need the members). Member files and member data files are read
# together, as a build does (duplicate slugs across both); attendee files with their events.
READERS: tuple[Callable[[Any, Found], None], ...] = (read_member_files, read_event_files)


# --- what a build finds only while resolving avatars ----------------------------------------
def upload_problem(content_root: str, value: str, max_bytes: int, max_pixels: int) -> str:
    """What is wrong with an `Avatar` upload ("" when nothing): where it is, its size, and
    whether its header is an image's. No pixel is decoded."""
    path, reason = upload_path(content_root, value)
    if path is None:
        return reason
    size = os.path.getsize(path)
    if size > max_bytes:
        return f"Avatar file {value!r} has {size} bytes, over AVATAR_MAX_BYTES ({max_bytes})"
    with open(path, "rb") as file:
        data = file.read(max_bytes)
    try:
        process.open_image(data, max_pixels).close()
    except process.ImageRejected as exc:
        return f"Avatar file {value!r} refused: {exc}"
    return ""


def upload_problems(members: list[Any], settings: dict[str, Any]) -> list[tuple[str, str]]:
    """(member file, problem) for each upload a build would refuse."""
    config = config_of(settings)
    problems = []
    for member in members:
        for candidate in candidates(member, config, config.pixel_sizes[0]):
            if candidate.source == "upload":
                problem = upload_problem(
                    settings["PATH"], candidate.target, config.max_bytes, config.max_pixels
                )
                if problem:
                    problems.append((origin_of(member), problem))
    return problems


# --- files and lines -------------------------------------------------------------------------
def key_of(message: str) -> str | None:
    """The metadata key a warning is about, from its first word (None: no key)."""
    word = message.split(" ", 1)[0].strip(",;:")
    if word.lower() in KEY_BY_FIRST_WORD:
        return KEY_BY_FIRST_WORD[word.lower()]
    return word.lower() if word[:1].isupper() and word.isalpha() else None


def key_line(text: str, key: str, markdown: bool) -> int | None:
    """The line (from 1) of metadata `key` in a file's text: a Markdown header line `Key: ...`
    (the header ends at the first blank line) or a reST field `:key: ...`."""
    pattern = rf"\s*{re.escape(key)}\s*:" if markdown else rf"\s*:{re.escape(key)}:"
    compiled = re.compile(pattern, re.IGNORECASE)
    for number, line in enumerate(text.splitlines(), start=1):
        if markdown and not line.strip():
            return None
        if compiled.match(line):
            return number
    return None


def problem_at(path: str | None, message: str, content_root: str, here: str) -> Problem:
    """A warning as a problem: its file relative to `here` and the line of its key. A "file"
    that is none (a setting or group name) stays in the message."""
    row = DATA_ROW.fullmatch(path) if path else None
    if row:  # a row of a data or attendee file: "members/people.csv, line 3"
        path, where, number = row.group(1), row.group(2), int(row.group(3))
        if where == "row":  # YAML/JSON: the position in the list, not a line
            message = f"row {number}: {message}"
    full = os.path.join(content_root, path) if path else None
    if full is None or not os.path.isfile(full):
        return Problem(None, None, f"{path}: {message}" if path else message)
    if row:
        return Problem(os.path.relpath(full, here), number if where == "line" else None, message)
    line = None
    key = key_of(message)
    if key:
        with open(full, encoding="utf-8", errors="replace") as file:
            markdown = full.lower().endswith(MARKDOWN_EXTENSIONS)
            line = key_line(file.read(), key, markdown)
    return Problem(os.path.relpath(full, here), line, message)


def find_problems(generator: Any, here: str) -> tuple[list[Problem], int]:
    """Every problem in the files `generator` reads, and how many files it read; `here` is the
    folder paths are shown relative to."""
    collector = WarningCollector()
    readers = generator.readers = TrackedReaders(generator.readers, collector)
    found = Found()
    with collecting(collector):
        for reader in READERS:
            reader(generator, found)
        claim_pages(generator, found)
    found.files_read = readers.files_read
    warnings = collector.warnings + upload_problems(found.members, generator.settings)
    problems = [problem_at(path, text, generator.path, here) for path, text in warnings]
    problems.sort(key=lambda problem: (problem.path or "", problem.line or 0))
    return problems, found.files_read


# --- printing --------------------------------------------------------------------------------
def as_text(problem: Problem) -> str:
    """`path:line: message`, like a compiler."""
    place = ":".join(str(part) for part in (problem.path, problem.line) if part is not None)
    return f"{place}: {problem.message}" if place else problem.message


def github_data(text: str) -> str:
    """Escaped as GitHub Actions' workflow commands require of a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """Escaped as they require of a property value (`file=...`)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problem: Problem) -> str:
    """`::warning file=PATH,line=N::message`, an annotation on the pull request's file."""
    properties = []
    if problem.path is not None:
        properties.append(f"file={github_property(problem.path)}")
        if problem.line is not None:
            properties.append(f"line={problem.line}")
    head = f"warning {','.join(properties)}" if properties else "warning"
    return f"::{head}::{github_data(problem.message)}"


FORMATS = {"text": as_text, "github": as_github}


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def summary(problems: list[Problem], files_read: int) -> str:
    """The last line: how many problems, or none."""
    if not problems:
        return f"No problems in {counted(files_read, 'file')}"
    files = {problem.path for problem in problems if problem.path}
    return f"{counted(len(problems), 'problem')} in {len(files)} of {counted(files_read, 'file')}"

"""Open the avatar cache folder whatever state it is in: a damaged cache never stops a build.

- A database that cannot be opened (garbage, cut short): the folder is moved aside, kept for
  inspection, and a new cache started.
- A file where the folder should be: moved aside the same way.
- A folder or database that cannot be written: read as it is, nothing written.
- When none of that works: a temporary folder, removed when the store closes.

Each of these gives one warning; the caller logs it (this module never logs). Once open,
`SafeCache` reads a value that cannot be read as a miss and skips a write that cannot be made,
and says so in `problems`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import diskcache

from .read_only import DATABASE, ReadOnlyCache

MISSING = object()
HOW_TO_CLEAR = "`pelican-avatars clear` (or deleting the folder) removes it"


@dataclass
class OpenedCache:
    """The cache to use, and what was wrong with the folder asked for."""

    backend: Any  # a diskcache.Cache, or a ReadOnlyCache
    read_only: bool = False
    temporary: str | None = None  # a folder to remove at close
    warnings: list[str] = field(default_factory=list)


def open_cache(directory: str) -> OpenedCache:
    """The cache in `directory`, healed when it is damaged (see the module's docstring)."""
    directory = os.path.abspath(directory)
    if os.path.lexists(directory) and not os.path.isdir(directory):
        return start_anew(directory, "was a file, not a folder")
    if not writable(directory):
        return open_read_only(directory)
    try:
        return OpenedCache(open_writable(directory))
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):
            return open_read_only(directory)
        reason = str(exc)
    except (sqlite3.Error, OSError) as exc:
        reason = str(exc)
    return start_anew(directory, f"could not be opened ({reason})")


def start_anew(directory: str, problem: str) -> OpenedCache:
    """Move a cache that cannot be used aside and start a new one in its place; `problem`
    says what was wrong ("was a file, not a folder")."""
    moved = move_aside(directory)
    if moved is None:
        return in_temporary_folder(directory, problem)
    try:
        cache = open_writable(directory)
    except (sqlite3.Error, OSError) as exc:
        return in_temporary_folder(directory, f"{problem}; then {exc}")
    warning = (
        f"the avatar cache {directory} {problem}: moved it aside to {moved} (kept for "
        f"inspection) and started a new cache; {HOW_TO_CLEAR}"
    )
    return OpenedCache(cache, warnings=[warning])


def open_as_found(directory: str) -> OpenedCache:
    """The cache in `directory` to read only, healing nothing; raises OSError or sqlite3.Error
    (with what is wrong) when it cannot be read."""
    if not os.path.lexists(directory):
        raise FileNotFoundError(f"no cache at {os.path.abspath(directory)}")
    return OpenedCache(ReadOnlyCache(os.path.abspath(directory)), read_only=True)


def open_read_only(directory: str) -> OpenedCache:
    try:
        cache = ReadOnlyCache(directory)
    except (sqlite3.Error, OSError) as exc:
        return in_temporary_folder(directory, f"it cannot be written, nor read ({exc})")
    warning = (
        f"the avatar cache {directory} cannot be written: it is read, but nothing new is saved"
    )
    return OpenedCache(cache, read_only=True, warnings=[warning])


def in_temporary_folder(directory: str, reason: str) -> OpenedCache:
    temporary = tempfile.mkdtemp(prefix="avatar-cache-")
    warning = (
        f"the avatar cache {directory} cannot be used ({reason}): this build uses a temporary "
        f"cache, removed at its end; fix or delete {directory}"
    )
    return OpenedCache(open_writable(temporary), temporary=temporary, warnings=[warning])


def open_writable(directory: str) -> diskcache.Cache:
    os.makedirs(directory, exist_ok=True)
    # No size-based eviction: avatars are small and `pelican-avatars prune` drops unused ones.
    return diskcache.Cache(directory, eviction_policy="none")


def writable(directory: str) -> bool:
    """Whether the cache can be written, as far as the permissions tell (root: always)."""
    if not os.path.isdir(directory):
        return True  # created by open_writable, which says so when it cannot
    database = os.path.join(directory, DATABASE)
    return os.access(directory, os.W_OK) and (
        not os.path.exists(database) or os.access(database, os.W_OK)
    )


def move_aside(path: str) -> str | None:
    """Rename `path` to `<path>.damaged-<time>` next to it; None when it cannot be renamed."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        target = f"{path}.damaged-{stamp}" + (f"-{attempt}" if attempt else "")
        if os.path.lexists(target):
            continue
        try:
            os.rename(path, target)
        except OSError:
            return None
        return target
    return None


def damaged_copies(directory: str) -> list[str]:
    """The folders and files `move_aside` left next to `directory`."""
    directory = os.path.abspath(directory)
    parent, name = os.path.split(directory)
    if not os.path.isdir(parent):
        return []
    prefix = f"{name}.damaged-"
    return sorted(
        os.path.join(parent, entry) for entry in os.listdir(parent) if entry.startswith(prefix)
    )


class SafeCache:
    """An opened cache that never raises: a damaged value reads as missing, a failed write is
    skipped (and no write is tried again in this build); `warnings` and `problems` say why."""

    def __init__(self, opened: OpenedCache):
        self.backend = opened.backend
        self.directory = opened.backend.directory
        self.read_only = opened.read_only
        self.temporary = opened.temporary
        self.warnings = list(opened.warnings)  # what was wrong when it was opened
        # SQLite lets one writer in at a time, and a writer that finds the lock taken sleeps
        # in growing steps (1, 2, 5, 10, 15, 20, 25 ms ...) before trying again: the pool's
        # workers queue on this lock instead, and each is let in the moment the last is done.
        # Other processes sharing the cache still meet SQLite's own lock.
        self._writing = threading.RLock()
        self.unreadable = 0
        self._write_problem = ""
        self.read_keys: set[str] | None = None  # a set while recording (see `dry_run`)

    def get(self, key: str) -> Any:
        if self.read_keys is not None:
            self.read_keys.add(key)
        try:
            value = self.backend.get(key, MISSING)
            if value is MISSING and key in self.backend:
                # diskcache reads a lost value file as a miss. Or another thread stored the
                # key between the two look-ups: then a second read finds the value.
                value = self.backend.get(key, MISSING)
                if value is MISSING and key in self.backend:
                    raise OSError("its value file is gone")
        # A damaged database or value file; unpickling garbage can raise anything.
        except Exception:  # noqa: BLE001
            self.unreadable += 1
            return None
        return None if value is MISSING else value

    def contains(self, key: str) -> bool:
        try:
            return key in self.backend
        except sqlite3.Error:
            return False

    def write(self, write: Callable[[], Any]) -> Any:
        """`write()` under the write lock; None, and no write, when the cache cannot be written."""
        if self.read_only or self.read_keys is not None:
            return None
        try:
            with self._writing:
                return write()
        except (sqlite3.Error, OSError) as exc:
            self._cannot_write(exc)
            return None

    def _cannot_write(self, exc: BaseException) -> None:
        self.read_only = True
        self._write_problem = str(exc) or type(exc).__name__

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes in one transaction (one lock, one commit)."""
        if self.read_only or self.read_keys is not None:
            yield
            return
        with self._writing:
            try:
                with self.backend.transact():
                    yield
            except (sqlite3.Error, OSError) as exc:
                self._cannot_write(exc)

    @contextlib.contextmanager
    def dry_run(self) -> Iterator[set[str]]:
        """Write nothing inside; yields the keys read meanwhile."""
        self.read_keys = read_keys = set()
        try:
            yield read_keys
        finally:
            self.read_keys = None

    @property
    def problems(self) -> list[str]:
        """What went wrong since the cache was opened, one sentence each."""
        found = []
        if self.unreadable:
            found.append(
                f"the avatar cache {self.directory}: {self.unreadable} stored value(s) could "
                "not be read (damaged or missing value files): made again"
            )
        if self._write_problem:
            found.append(
                f"the avatar cache {self.directory} cannot be written ({self._write_problem}): "
                f"nothing new is saved; {HOW_TO_CLEAR}"
            )
        return found

    def close(self) -> None:
        self.backend.close()
        if self.temporary:
            shutil.rmtree(self.temporary, ignore_errors=True)

"""Reading a diskcache folder that cannot be written (permissions, a read-only disk)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import diskcache

DATABASE = "cache.db"  # diskcache's file name


class ReadOnlyCache:
    """Reads a diskcache folder without writing anything, not even SQLite's lock files.

    diskcache always writes when it opens a cache; this reads its table (schema stable since
    diskcache 3) and decodes values with diskcache's own `Disk`.
    """

    def __init__(self, directory: str):
        self.directory = directory
        database = os.path.join(directory, DATABASE)
        if not os.path.isdir(directory):
            raise NotADirectoryError(f"{directory} is not a folder")
        if not os.path.isfile(database):
            raise FileNotFoundError(f"there is no {DATABASE} in {directory}")
        try:
            self._con = self._connect(f"file:{database}?mode=ro")
        except sqlite3.OperationalError:
            # WAL mode needs its shared-memory file, which a folder we cannot write lacks:
            # read the file as it is instead.
            self._con = self._connect(f"file:{database}?immutable=1")
        settings = dict(self._con.execute("SELECT key, value FROM Settings").fetchall())
        self._disk = diskcache.Disk(
            directory,
            min_file_size=settings.get("disk_min_file_size", 2**15),
            pickle_protocol=settings.get("disk_pickle_protocol", 0),
        )

    @staticmethod
    def _connect(uri: str) -> sqlite3.Connection:
        con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            con.execute("SELECT count(*) FROM Cache").fetchall()
        except sqlite3.Error:
            con.close()
            raise
        return con

    def get(self, key: str, default: Any = None) -> Any:
        db_key, raw = self._disk.put(key)
        rows = self._con.execute(
            "SELECT mode, filename, value FROM Cache WHERE key = ? AND raw = ?"
            " AND (expire_time IS NULL OR expire_time > ?)",
            (db_key, raw, time.time()),
        ).fetchall()
        if not rows:
            return default
        ((mode, filename, value),) = rows
        try:
            return self._disk.fetch(mode, filename, value, False)
        except OSError:
            return default

    def __contains__(self, key: str) -> bool:
        db_key, raw = self._disk.put(key)
        query = "SELECT 1 FROM Cache WHERE key = ? AND raw = ?"
        return bool(self._con.execute(query, (db_key, raw)).fetchall())

    def iterkeys(self) -> Iterator[Any]:
        rows = self._con.execute("SELECT key, raw FROM Cache ORDER BY rowid").fetchall()
        return (self._disk.get(key, raw) for key, raw in rows)

    def volume(self) -> int:
        ((page_count,),) = self._con.execute("PRAGMA page_count").fetchall()
        ((page_size,),) = self._con.execute("PRAGMA page_size").fetchall()
        ((files,),) = self._con.execute("SELECT COALESCE(SUM(size), 0) FROM Cache").fetchall()
        return page_count * page_size + files

    @contextlib.contextmanager
    def transact(self) -> Iterator[None]:
        yield

    def close(self) -> None:
        self._con.close()

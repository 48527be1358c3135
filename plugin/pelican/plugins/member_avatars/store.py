"""The avatar cache on disk (diskcache): source entries, bodies, failures and rendered images.

Keys are plain strings and values plain dicts/bytes, so the cache outlives refactors of the
code. diskcache makes every operation atomic and safe across processes, which is what lets two
builds share one cache and lets a build killed mid-fetch leave a usable cache behind.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import diskcache

from .freshness import Entry, Failure

# Bump when the image pipeline changes what it writes, so old renders are not reused.
# 2: generated avatars became lossless WebP, and resizing box-reduces first.
RENDER_VERSION = 2


class AvatarStore:
    """A handle on the cache for one build (or one command); close it when done."""

    def __init__(self, directory: str):
        self.directory = directory
        # No size-based eviction: avatars are small and `pelican-avatars prune` drops unused ones.
        self._cache = diskcache.Cache(directory, eviction_policy="none")
        # SQLite lets one writer in at a time, and a writer that finds the lock taken sleeps
        # in growing steps (1, 2, 5, 10, 15, 20, 25 ms ...) before trying again: the pool's
        # workers queue on this lock instead, and each is let in the moment the last is done.
        # Other processes sharing the cache still meet SQLite's own lock.
        self._writing = threading.RLock()

    def _get(self, key: str) -> Any:
        return self._cache.get(key)

    def _set(self, key: str, value: Any, expire: float | None = None) -> None:
        with self._writing:
            self._cache.set(key, value, expire=expire)

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> AvatarStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- remote sources -------------------------------------------------------------------
    def entry(self, url: str) -> Entry | None:
        raw = self._get(f"src:{url}")
        return Entry(**raw) if isinstance(raw, dict) else None

    def put_entry(self, url: str, entry: Entry) -> None:
        self._set(f"src:{url}", entry.__dict__.copy())

    def failure(self, url: str) -> Failure | None:
        raw = self._get(f"fail:{url}")
        return Failure(**raw) if isinstance(raw, dict) else None

    def put_failure(self, url: str, failure: Failure) -> None:
        expire = max(1.0, failure.until - time.time())
        self._set(f"fail:{url}", failure.__dict__.copy(), expire=expire)

    def clear_failure(self, url: str) -> None:
        key = f"fail:{url}"
        # Looking is a cheap read; a delete is a write transaction even when nothing is there.
        if key in self._cache:
            self.delete(key)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes in one transaction (one lock, one commit)."""
        with self._writing, self._cache.transact():
            yield

    def body(self, sha: str) -> bytes | None:
        value = self._get(f"body:{sha}")
        return value if isinstance(value, bytes) else None

    def put_body(self, sha: str, body: bytes) -> None:
        self._set(f"body:{sha}", body)

    # --- uploads --------------------------------------------------------------------------
    def upload_sha(self, stamp: str) -> str | None:
        value = self._get(f"upload:{stamp}")
        return value if isinstance(value, str) else None

    def put_upload_sha(self, stamp: str, sha: str) -> None:
        self._set(f"upload:{stamp}", sha)

    # --- rendered images ------------------------------------------------------------------
    @staticmethod
    def render_key(source_id: str, fmt: str, quality: int, sizes: list[int]) -> str:
        size_list = ",".join(str(size) for size in sorted(sizes))
        return f"img:v{RENDER_VERSION}:{source_id}:{fmt}:{quality}:{size_list}"

    def rendered(self, key: str) -> dict[int, bytes] | None:
        value = self._get(key)
        return value if isinstance(value, dict) else None

    def put_rendered(self, key: str, images: dict[int, bytes]) -> None:
        self._set(key, images)

    # --- maintenance ----------------------------------------------------------------------
    def iter_keys(self) -> Iterator[str]:
        return (key for key in self._cache.iterkeys() if isinstance(key, str))

    def delete(self, key: str) -> None:
        with self._writing:
            self._cache.delete(key)

    def clear(self) -> int:
        with self._writing:
            return self._cache.clear()

    def size_on_disk(self) -> int:
        return int(self._cache.volume())

    def raw(self, key: str) -> Any:
        return self._cache.get(key)

"""The avatar cache on disk (diskcache): source entries, bodies, failures and rendered images.

Keys are plain strings and values plain dicts/bytes, so the cache outlives refactors of the
code. diskcache makes every operation atomic and safe across processes, which is what lets two
builds share one cache and lets a build killed mid-fetch leave a usable cache behind. Only this
module knows the keys: the command line asks it for counts, related keys and clearing.

A damaged cache never stops a build (`cache_folder`): a value that cannot be read is a miss, so
it is fetched or rendered again; `warnings` and `problems` say what was wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any

from .folder import SafeCache, open_as_found, open_cache
from .entries import Entry, Failure

# Bump when the image pipeline changes what it writes, so old renders are not reused.
# 2: generated avatars became lossless WebP, and resizing box-reduces first.
RENDER_VERSION = 2
# What every image format we write starts with (WebP: "RIFF"), to tell a damaged value.
IMAGE_STARTS = (b"RIFF", b"\xff\xd8", b"\x89PNG")


class Kind(Enum):
    """The kinds of cache entries, as `pelican-avatars status` counts them."""

    FRESH_IMAGE = "fresh image"
    STALE_IMAGE = "stale image"
    FRESH_NONE = "fresh no-avatar"
    STALE_NONE = "stale no-avatar"
    FAILURE = "fail"
    BODY = "body"
    RENDERED = "img"
    UPLOAD = "upload"
    OTHER = "other"


PREFIX_KINDS = {
    "fail": Kind.FAILURE,
    "body": Kind.BODY,
    "img": Kind.RENDERED,
    "upload": Kind.UPLOAD,
}


class AvatarStore:
    """A handle on the cache for one build (or one command); close it when done."""

    def __init__(self, cache: SafeCache):
        self._cache = cache
        self.directory = cache.directory

    @classmethod
    def open(cls, directory: str) -> AvatarStore:
        """The cache in `directory`, healed when damaged (see `warnings`)."""
        return cls(SafeCache(open_cache(directory)))

    @classmethod
    def open_as_found(cls, directory: str) -> AvatarStore:
        """The cache in `directory`, read only, healing nothing; raises OSError or
        sqlite3.Error when it cannot be read."""
        return cls(SafeCache(open_as_found(directory)))

    @property
    def read_only(self) -> bool:
        return self._cache.read_only

    @property
    def temporary(self) -> bool:
        """Whether this is a stand-in cache, removed at close (the real one could not be used)."""
        return self._cache.temporary is not None

    @property
    def warnings(self) -> list[str]:
        """What was wrong with the cache when it was opened."""
        return self._cache.warnings

    @property
    def problems(self) -> list[str]:
        """What went wrong since (values that could not be read, writes that could not be made)."""
        return self._cache.problems

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> AvatarStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Group several writes in one transaction (one lock, one commit)."""
        return self._cache.transaction()

    def dry_run(self) -> contextlib.AbstractContextManager[set[str]]:
        """Write nothing inside; yields the set of keys read meanwhile (what a build uses)."""
        return self._cache.dry_run()

    def _set(self, key: str, value: Any, expire: float | None = None) -> None:
        self._cache.write(lambda: self._cache.backend.set(key, value, expire=expire))

    # --- remote sources -------------------------------------------------------------------
    def entry(self, url: str) -> Entry | None:
        return _as(Entry, self._cache.get(f"src:{url}"))

    def put_entry(self, url: str, entry: Entry) -> None:
        self._set(f"src:{url}", entry.__dict__.copy())

    def failure(self, url: str) -> Failure | None:
        return _as(Failure, self._cache.get(f"fail:{url}"))

    def put_failure(self, url: str, failure: Failure) -> None:
        expire = max(1.0, failure.until - time.time())
        self._set(f"fail:{url}", failure.__dict__.copy(), expire=expire)

    def clear_failure(self, url: str) -> None:
        key = f"fail:{url}"
        # Looking is a cheap read; a delete is a write transaction even when nothing is there.
        if self._cache.contains(key):
            self.delete(key)

    def record_answer(
        self,
        url: str,
        entry: Entry,
        *,
        body: bytes | None = None,
        rendered: tuple[str, dict[int, bytes]] | None = None,
        clear_failure: bool = False,
    ) -> None:
        """Record a server's answer in one transaction (concurrent workers queue on it): the
        entry, the body and its rendered images (key, images) when new, no failure any more."""
        with self.transaction():
            if rendered is not None:
                self.put_rendered(*rendered)
            if body is not None and entry.body_sha:
                self.put_body(entry.body_sha, body)
            self.put_entry(url, entry)
            if clear_failure:
                self.clear_failure(url)

    def body(self, sha: str) -> bytes | None:
        value = self._cache.get(f"body:{sha}")
        if not isinstance(value, bytes):
            return None
        if hashlib.sha256(value).hexdigest() != sha:  # a damaged value file
            self._cache.unreadable += 1
            return None
        return value

    def put_body(self, sha: str, body: bytes) -> None:
        self._set(f"body:{sha}", body)

    # --- uploads --------------------------------------------------------------------------
    def upload_sha(self, stamp: str) -> str | None:
        value = self._cache.get(f"upload:{stamp}")
        return value if isinstance(value, str) else None

    def put_upload_sha(self, stamp: str, sha: str) -> None:
        self._set(f"upload:{stamp}", sha)

    # --- rendered images ------------------------------------------------------------------
    @staticmethod
    def render_key(source_id: str, fmt: str, quality: int, sizes: list[int]) -> str:
        size_list = ",".join(str(size) for size in sorted(sizes))
        return f"img:v{RENDER_VERSION}:{source_id}:{fmt}:{quality}:{size_list}"

    def rendered(self, key: str) -> dict[int, bytes] | None:
        value = self._cache.get(key)
        if not isinstance(value, dict):
            return None
        if not all(isinstance(v, bytes) and v.startswith(IMAGE_STARTS) for v in value.values()):
            self._cache.unreadable += 1  # a damaged value file that still unpickles
            return None
        return value

    def put_rendered(self, key: str, images: dict[int, bytes]) -> None:
        self._set(key, images)

    # --- maintenance (the command line) ---------------------------------------------------
    def iter_keys(self) -> Iterator[str]:
        return (key for key in self._cache.backend.iterkeys() if isinstance(key, str))

    def delete(self, key: str) -> None:
        self._cache.write(lambda: self._cache.backend.delete(key))

    def clear(self) -> int:
        return self._cache.write(self._cache.backend.clear) or 0

    def size_on_disk(self) -> int:
        return int(self._cache.backend.volume())

    def count_by_kind(self, now: float, max_age: float) -> Counter[Kind]:
        """How many entries of each kind; remote answers split by age and by image or none."""
        kinds: Counter[Kind] = Counter()
        for key in self.iter_keys():
            prefix, _, rest = key.partition(":")
            kind = PREFIX_KINDS.get(prefix, Kind.OTHER)
            entry = self.entry(rest) if prefix == "src" else None
            if entry is not None:
                fresh = now - entry.fetched_at < max_age
                if entry.has_image:
                    kind = Kind.FRESH_IMAGE if fresh else Kind.STALE_IMAGE
                else:
                    kind = Kind.FRESH_NONE if fresh else Kind.STALE_NONE
            kinds[kind] += 1
        return kinds

    def failures_until(self) -> list[float]:
        """Until when each remembered failure is left alone."""
        urls = (url for prefix, _, url in map(_split_key, self.iter_keys()) if prefix == "fail")
        found = (self.failure(url) for url in urls)
        return [failure.until for failure in found if failure is not None]

    def related_keys(self, keys: Iterable[str]) -> set[str]:
        """`keys` with the bodies and remembered failures behind the source entries among them."""
        related = set(keys)
        for key in list(related):
            prefix, _, url = key.partition(":")
            if prefix == "src":
                related.add(f"fail:{url}")
                entry = self.entry(url)
                if entry is not None and entry.body_sha:
                    related.add(f"body:{entry.body_sha}")
        return related

    def keep_only(self, keep: set[str]) -> tuple[int, int]:
        """Delete every entry not in `keep`; (dropped, kept)."""
        unused = [key for key in self.iter_keys() if key not in keep]
        for key in unused:
            self.delete(key)
        return len(unused), sum(1 for _ in self.iter_keys())

    def clear_failures(self) -> int:
        """Forget every remembered failure; how many there were."""
        failures = [key for key in self.iter_keys() if key.startswith("fail:")]
        for key in failures:
            self.delete(key)
        return len(failures)


def _as(record: type, raw: Any) -> Any:
    """`record(**raw)` for a stored dict; None for anything else (a damaged value)."""
    if not isinstance(raw, dict):
        return None
    try:
        return record(**raw)
    except TypeError:
        return None


def _split_key(key: str) -> tuple[str, str, str]:
    return key.partition(":")

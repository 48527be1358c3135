"""Resolve every member's avatar for one build: try the sources in order, through the cache.

Runs in worker threads, so it never logs: each outcome carries its warnings, and the build
logs them from the main thread (where Pelican's `--fatal warnings` can stop the build).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import generated, imaging
from .fetch import Answer, Fetcher
from .freshness import Action, Entry, Failure, decide, failure_until
from .settings import pixel_sizes
from .sources import Candidate, candidates, upload_path
from .store import AvatarStore

T = TypeVar("T")
HOW = ("cache", "revalidated", "fetched", "uploaded", "generated")
SOURCE_LABELS = {"gravatar": "Gravatar", "github": "GitHub"}


@dataclass
class Outcome:
    """One member's avatar: encoded images by pixel size, where they came from, what went wrong."""

    slug: str
    source_path: str
    source: str | None = None
    how: str | None = None
    images: dict[int, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    failures: int = 0
    # Until when sources that failed in an earlier build are left alone (that build warned).
    remembered: list[float] = field(default_factory=list)


class NeedsWork(Exception):
    """The cache alone cannot give this avatar: it needs a request, a decode or an encode."""


@dataclass(frozen=True)
class RemoteResult:
    images: dict[int, bytes] | None
    how: str | None = None
    problem: str = ""
    remembered_until: float | None = None  # a failure an earlier build warned about


class OncePerKey:
    """Runs `compute` once per key; concurrent callers for the same key wait for that one run.

    The first caller computes in its own thread, so waiters always wait on running work and a
    full pool cannot deadlock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[str, Future] = {}

    def get(self, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if owner:
                future = self._futures[key] = Future()
        if owner:
            try:
                future.set_result(compute())
            except BaseException as exc:
                future.set_exception(exc)
                raise
        return future.result()

    def started(self, key: str) -> bool:
        """Whether `compute` has been started for `key` in this build."""
        with self._lock:
            return key in self._futures


class Resolver:
    """The avatar work of one build; thread-safe; holds no resource of its own."""

    def __init__(
        self, settings: dict[str, Any], store: AvatarStore, fetcher: Fetcher | None, now: float
    ):
        self.settings = settings
        self.store = store
        self.fetcher = fetcher
        self.now = now
        self.fmt = settings["AVATAR_FORMAT"]
        self.quality = int(settings["AVATAR_QUALITY"])
        self.max_pixels = int(settings["AVATAR_MAX_PIXELS"])
        self.max_bytes = int(settings["AVATAR_MAX_BYTES"])
        self.sizes = pixel_sizes(settings)
        # Online builds get their Fetcher once the first avatar needs a request or an image
        # (`AvatarJob`); a warm build opens no HTTP session at all.
        self.offline = bool(settings["AVATAR_OFFLINE"])
        self._remote = OncePerKey()

    # --- one member -------------------------------------------------------------------------
    def resolve(self, member: Any, cache_only: bool = False) -> Outcome:
        """Try the member's sources in order; the first usable image wins.

        With `cache_only`, raise `NeedsWork` rather than make a request or render an image:
        a warm build answers every member that way, in its own thread, with no pool at all.
        """
        outcome = Outcome(member.slug, member.source_path)
        if not self.sizes:
            return outcome
        for candidate in candidates(member, self.settings, max(self.sizes)):
            images, how, problem, remembered_until = self._try(candidate, member, cache_only)
            if problem:
                outcome.warnings.append(problem)
                outcome.failures += 1
            if remembered_until is not None:
                outcome.remembered.append(remembered_until)
            if images:
                outcome.source, outcome.how, outcome.images = candidate.kind, how, images
                break
        return outcome

    def _try(
        self, candidate: Candidate, member: Any, cache_only: bool
    ) -> tuple[dict | None, str | None, str, float | None]:
        if candidate.kind == "upload":
            images, problem = self.upload(candidate.target, cache_only)
            return images, "uploaded", problem, None
        if candidate.kind == "generated":
            try:
                images = self.generated(member.name, member.slug, cache_only)
            except imaging.EncodeFailed as exc:
                return None, None, f"generated avatar could not be encoded here: {exc}", None
            return images, "generated", "", None
        if cache_only:
            # No request can happen in this pass, so there is nothing to do once per URL.
            result = self.remote(candidate.target, cache_only=True)
        else:
            result = self._remote.get(candidate.target, lambda: self.remote(candidate.target))
        problem = (
            f"{SOURCE_LABELS[candidate.kind]} avatar: {result.problem}" if result.problem else ""
        )
        return result.images, result.how, problem, result.remembered_until

    # --- uploads ----------------------------------------------------------------------------
    def upload(
        self, relative: str, cache_only: bool = False
    ) -> tuple[dict[int, bytes] | None, str]:
        """An uploaded picture, by its path relative to the content folder."""
        path, reason = upload_path(self.settings["PATH"], relative)
        if path is None:
            return None, f"{reason}; using the next source"
        stat = os.stat(path)
        if stat.st_size > self.max_bytes:
            return None, (
                f"Avatar file {relative!r} has {stat.st_size} bytes, over AVATAR_MAX_BYTES "
                f"({self.max_bytes}); using the next source"
            )
        stamp = f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
        sha = self.store.upload_sha(stamp)
        if sha:
            images = self.store.rendered(self._render_key(sha))
            if images:
                return images, ""
        if cache_only:
            raise NeedsWork
        with open(path, "rb") as file:
            data = file.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:  # it grew since the stat above
            return None, f"Avatar file {relative!r} is over AVATAR_MAX_BYTES; using the next source"
        try:
            images, sha = self._render(data)
        except imaging.ImageRejected as exc:
            return None, f"Avatar file {relative!r} refused: {exc}; using the next source"
        except imaging.EncodeFailed as exc:
            return None, (
                f"Avatar file {relative!r} could not be encoded here ({exc}); using the next source"
            )
        self.store.put_upload_sha(stamp, sha)
        return images, ""

    # --- generated --------------------------------------------------------------------------
    def generated(self, name: str, slug: str, cache_only: bool = False) -> dict[int, bytes]:
        """Initials on a colour from the slug: the same bytes on every build."""
        source_id = "gen-" + sha256(f"{name}\0{slug}".encode())
        key = self._render_key(source_id)
        images = self.store.rendered(key)
        if not images:
            if cache_only:
                raise NeedsWork
            images = generated.render_generated(name, slug, self.sizes, self.fmt, self.quality)
            self.store.put_rendered(key, images)
        return images

    # --- remote -----------------------------------------------------------------------------
    def remote(self, url: str, cache_only: bool = False) -> RemoteResult:
        """A remote avatar through the cache: at most one request per URL and build."""
        try:
            return self._remote_through_cache(url, cache_only)
        except imaging.EncodeFailed as exc:
            # This machine's fault, not the server's: nothing is remembered as a failure.
            return RemoteResult(
                None, problem=f"could not encode the image here ({exc}); using the next source"
            )

    def _remote_through_cache(self, url: str, cache_only: bool) -> RemoteResult:
        entry = self.store.entry(url)
        failure = None if self.offline else self.store.failure(url)
        if cache_only and self._remote.started(url):
            # Another member's worker asks this URL in this build (what is in the cache may be
            # its half-written answer): wait for that answer, as the pool's members do.
            raise NeedsWork
        action = decide(entry, failure, self.now, self.settings["AVATAR_MAX_AGE"], self.offline)
        if action is Action.SKIP:
            if failure:
                # The build that saw it warned; this one counts it in the summary line.
                return RemoteResult(None, remembered_until=failure.until)
            return RemoteResult(None)
        if action is Action.USE:
            if entry is None or not entry.has_image:
                return RemoteResult(None)
            images = self._rendered_from_cache(entry.body_sha, cache_only)
            if images is not None:
                return RemoteResult(images, "cache")
            if self.offline:
                return RemoteResult(None)
            entry = None  # the body is gone from the cache: fetch it again
        if cache_only:
            raise NeedsWork
        return self._ask(url, entry if action is Action.REVALIDATE else None, failure is not None)

    def _ask(self, url: str, entry: Entry | None, failed_before: bool = True) -> RemoteResult:
        """Request `url` and store the answer; `failed_before` False: there is no remembered
        failure to clear (saves a cache write per avatar on a cold build)."""
        assert self.fetcher is not None
        answer = self.fetcher.get(
            url, entry.etag if entry else None, entry.last_modified if entry else None
        )
        now = time.time()
        if answer.outcome == "none":
            with self.store.transaction():
                self.store.put_entry(url, Entry(fetched_at=now))
                if failed_before:
                    self.store.clear_failure(url)
            return RemoteResult(None)
        if answer.outcome == "not_modified" and entry is not None:
            images = self._rendered_from_cache(entry.body_sha)
            if images is not None:
                self._keep(url, entry, now, answer, failed_before)
                return RemoteResult(images, "revalidated")
            return self._ask(url, None, failed_before)
        if answer.outcome == "ok":
            sha = sha256(answer.body)
            if entry is not None and entry.body_sha == sha:
                images = self._rendered_from_cache(sha)
                if images is not None:
                    self._keep(url, entry, now, answer, failed_before)
                    return RemoteResult(images, "revalidated")
            try:
                images, fresh_render = self._render_new(sha, answer.body)
            except imaging.ImageRejected as exc:
                return self._failed(url, entry, f"the answer is not a usable image ({exc})", None)
            except imaging.EncodeFailed:
                self._keep_unrendered(url, sha, answer)
                raise
            # One transaction for all a new avatar writes: concurrent workers queue on it.
            with self.store.transaction():
                if fresh_render:
                    self.store.put_rendered(self._render_key(sha), images)
                self.store.put_body(sha, answer.body)
                self.store.put_entry(url, Entry(now, sha, answer.etag, answer.last_modified))
                if failed_before:
                    self.store.clear_failure(url)
            return RemoteResult(images, "fetched")
        return self._failed(url, entry, answer.reason or "unexpected answer", answer.retry_after)

    def _failed(
        self, url: str, entry: Entry | None, reason: str, retry_after: float | None
    ) -> RemoteResult:
        until = failure_until(
            time.time(),
            self.settings["AVATAR_RETRY_AFTER"],
            self.settings["AVATAR_MAX_AGE"],
            retry_after,
        )
        self.store.put_failure(url, Failure(until, reason))
        if entry is not None and entry.has_image:
            images = self._rendered_from_cache(entry.body_sha)
            if images is not None:
                return RemoteResult(images, "cache", f"{reason}; keeping the cached copy")
        return RemoteResult(None, problem=f"{reason}; using the next source")

    def _keep_unrendered(self, url: str, sha: str, answer: Answer) -> None:
        """A body that could not be rendered here: kept, under an entry that is stale at once,
        so the next build asks again (conditionally) and renders it from the kept body."""
        with self.store.transaction():
            self.store.put_body(sha, answer.body)
            self.store.put_entry(url, Entry(0.0, sha, answer.etag, answer.last_modified))

    def _keep(
        self, url: str, entry: Entry, now: float, answer: Answer, failed_before: bool
    ) -> None:
        etag = answer.etag or entry.etag
        last_modified = answer.last_modified or entry.last_modified
        with self.store.transaction():
            self.store.put_entry(url, Entry(now, entry.body_sha, etag, last_modified))
            if failed_before:
                self.store.clear_failure(url)

    # --- rendering --------------------------------------------------------------------------
    def _render_key(self, source_id: str) -> str:
        return self.store.render_key(source_id, self.fmt, self.quality, self.sizes)

    def _render(self, data: bytes) -> tuple[dict[int, bytes], str]:
        """Decode, crop, resize and encode `data` at every size; cached by the bytes' hash."""
        sha = sha256(data)
        images, fresh_render = self._render_new(sha, data)
        if fresh_render:
            self.store.put_rendered(self._render_key(sha), images)
        return images, sha

    def _render_new(self, sha: str, data: bytes) -> tuple[dict[int, bytes], bool]:
        """The rendered images of `data` from the cache, or rendered now (True: not stored)."""
        images = self.store.rendered(self._render_key(sha))
        if images:
            return images, False
        return imaging.render_sizes(data, self.sizes, self.fmt, self.quality, self.max_pixels), True

    def _rendered_from_cache(
        self, sha: str | None, cache_only: bool = False
    ) -> dict[int, bytes] | None:
        if sha is None:
            return None
        images = self.store.rendered(self._render_key(sha))
        if images:
            return images
        if cache_only:
            raise NeedsWork
        body = self.store.body(sha)
        if body is None:
            return None
        try:
            return self._render(body)[0]
        except imaging.ImageRejected:
            return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

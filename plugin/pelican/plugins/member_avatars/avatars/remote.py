"""Remote avatars (Gravatar, GitHub) through the cache: at most one request per URL and build.

`peek` answers from the cache alone (None: a request or an image is needed); `get` asks the
server when the freshness decision says so and records the answer. Runs in worker threads:
it logs debug lines only, and returns its warnings in the result.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from ..cache.entries import Entry, Failure
from ..images import encode, process
from ..log import get_logger
from ..net.fetch import Answer, Fetcher, Reply
from ..settings.config import AvatarConfig
from .freshness import Action, decide, failure_until
from .renders import RenderCache, sha256
from .results import NOTHING, How, SourceResult

logger = get_logger(__name__)
T = TypeVar("T")
# urllib3 logs every request line at DEBUG (`pelican -D`): a Gravatar URL holds an e-mail hash.
URLLIB3_LOGGER = "urllib3.connectionpool"


class NoRequestLines(logging.Filter):
    """Drops urllib3's DEBUG lines (the URLs it requests) while a build fetches avatars."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


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


class RemoteSource:
    """The remote avatars of one build. `fetcher` opens the build's HTTP session on first use
    (a warm build opens none); offline builds get None and never ask."""

    def __init__(
        self,
        config: AvatarConfig,
        renders: RenderCache,
        fetcher: Callable[[], Fetcher] | None,
        now: float,
    ):
        self.renders = renders
        self.store = renders.store
        self.fetcher = fetcher
        self.now = now
        self.max_age = config.max_age
        self.retry_after = config.retry_after
        self._once = OncePerKey()

    @property
    def offline(self) -> bool:
        return self.fetcher is None

    def _look(self, url: str) -> tuple[Entry | None, Failure | None, Action]:
        entry = self.store.entry(url)
        failure = None if self.offline else self.store.failure(url)
        return entry, failure, decide(entry, failure, self.now, self.max_age, self.offline)

    def peek(self, url: str, label: str) -> SourceResult | None:
        """The answer the cache alone gives, or None when a request or an image is needed."""
        if self._once.started(url):
            # Another member's worker asks this URL in this build (what is in the cache may be
            # its half-written answer): wait for that answer, as the pool's members do.
            return None
        entry, failure, action = self._look(url)
        settled = self._settled(entry, failure, action, label)
        if settled is not None:
            return settled
        if action is Action.USE and entry is not None:
            images = self.renders.cached(entry.body_sha)
            if images:
                _log_cached(label, failure)
                return SourceResult(images, How.CACHE)
        return None

    def _settled(
        self, entry: Entry | None, failure: Failure | None, action: Action, label: str
    ) -> SourceResult | None:
        """The answer when nothing is to be asked or rendered: a source skipped (offline, or
        failed before) or a cached "has none"; None when there is an image or a request."""
        if action is Action.SKIP:
            return self._skipped(failure, label)
        if action is Action.USE and (entry is None or not entry.has_image):
            logger.debug("%s: has none (a cached answer)", label)
            return NOTHING
        return None

    def _skipped(self, failure: Failure | None, label: str) -> SourceResult:
        if failure is None:
            logger.debug("%s: not cached, skipped offline", label)
            return NOTHING
        # The build that saw the failure warned; this one counts it in the summary line.
        logger.debug("%s: failed before (%s), not asked again yet", label, failure.reason)
        return SourceResult(remembered_until=failure.until)

    def get(self, url: str, label: str) -> SourceResult:
        """The avatar at `url`; `label` names it in debug lines (never the URL: it may hold
        an e-mail hash)."""
        try:
            return self._once.get(url, lambda: self._resolve(url, label))
        except encode.EncodeFailed as exc:
            # This machine's fault, not the server's: nothing is remembered as a failure.
            return SourceResult(
                problem=f"could not encode the image here ({exc}); using the next source"
            )

    def _resolve(self, url: str, label: str) -> SourceResult:
        entry, failure, action = self._look(url)
        settled = self._settled(entry, failure, action, label)
        if settled is not None:
            return settled
        if action is Action.USE and entry is not None:
            images = self.renders.from_body(entry.body_sha)
            if images is not None:
                _log_cached(label, failure)
                return SourceResult(images, How.CACHE)
            if self.offline:
                return NOTHING
            logger.debug("%s: cached image gone, fetched again", label)
            entry = None
        revalidate = entry if action is Action.REVALIDATE else None
        logger.debug("%s: %s", label, "stale, revalidating" if revalidate else "fetching")
        return self._ask(url, label, revalidate, failed_before=failure is not None)

    def _ask(self, url: str, label: str, entry: Entry | None, failed_before: bool) -> SourceResult:
        assert self.fetcher is not None  # only online builds get here
        answer = self.fetcher().get(
            url, entry.etag if entry else None, entry.last_modified if entry else None
        )
        now = time.time()
        if answer.reply is Reply.NONE:
            self._record(url, Entry(fetched_at=now), failed_before)
            return NOTHING
        if answer.reply is Reply.NOT_MODIFIED and entry is not None:
            images = self.renders.from_body(entry.body_sha)
            if images is None:
                logger.debug("%s: 304, but the image is gone: refetching", label)
                return self._ask(url, label, None, failed_before)
            self._keep(url, entry, now, answer, failed_before)
            logger.debug("%s: revalidated (304)", label)
            return SourceResult(images, How.REVALIDATED)
        if answer.reply is Reply.OK:
            return self._new_body(url, label, entry, answer, failed_before)
        return self._failed(url, label, entry, answer.reason or "unexpected answer", answer)

    def _new_body(
        self, url: str, label: str, entry: Entry | None, answer: Answer, failed_before: bool
    ) -> SourceResult:
        now = time.time()
        sha = sha256(answer.body)
        if entry is not None and entry.body_sha == sha:
            images = self.renders.from_body(sha)
            if images is not None:
                self._keep(url, entry, now, answer, failed_before)
                logger.debug("%s: revalidated (same bytes)", label)
                return SourceResult(images, How.REVALIDATED)
        try:
            images, fresh_render = self.renders.new(sha, answer.body)
        except process.ImageRejected as exc:
            reason = f"the answer is not a usable image ({exc})"
            return self._failed(url, label, entry, reason, None)
        except encode.EncodeFailed:
            # Kept under an entry that is stale at once: the next build asks again
            # (conditionally) and renders the kept body.
            self._record(url, Entry(0.0, sha, answer.etag, answer.last_modified), False, answer)
            raise
        self._record(
            url,
            Entry(now, sha, answer.etag, answer.last_modified),
            failed_before,
            answer,
            images if fresh_render else None,
        )
        logger.debug("%s: fetched", label)
        return SourceResult(images, How.FETCHED)

    def _record(
        self,
        url: str,
        entry: Entry,
        failed_before: bool,
        answer: Answer | None = None,
        images: dict[int, bytes] | None = None,
    ) -> None:
        rendered = (self.renders.key(entry.body_sha), images) if images and entry.body_sha else None
        self.store.record_answer(
            url,
            entry,
            body=answer.body if answer is not None else None,
            rendered=rendered,
            clear_failure=failed_before,
        )

    def _keep(
        self, url: str, entry: Entry, now: float, answer: Answer, failed_before: bool
    ) -> None:
        etag = answer.etag or entry.etag
        last_modified = answer.last_modified or entry.last_modified
        self._record(url, Entry(now, entry.body_sha, etag, last_modified), failed_before)

    def _failed(
        self, url: str, label: str, entry: Entry | None, reason: str, answer: Answer | None
    ) -> SourceResult:
        retry_after = answer.retry_after if answer else None
        until = failure_until(time.time(), self.retry_after, self.max_age, retry_after)
        self.store.put_failure(url, Failure(until, reason))
        logger.debug("%s: failed (%s), remembered", label, reason)
        if entry is not None and entry.has_image:
            images = self.renders.from_body(entry.body_sha)
            if images is not None:
                return SourceResult(images, How.CACHE, f"{reason}; keeping the cached copy")
        return SourceResult(problem=f"{reason}; using the next source")


def _log_cached(label: str, failure: Failure | None) -> None:
    if failure is None:
        logger.debug("%s: from the cache", label)
    else:
        logger.debug("%s: failed before (%s), the cached copy is used", label, failure.reason)

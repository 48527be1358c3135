"""One build's avatar work, started while Pelican still reads and writes, and waited for.

`AvatarJob` opens the cache, (only when something needs a request) the HTTP session and a
thread pool, answers what it can from the cache at once, and resolves the rest in the pool
while Pelican goes on reading member files and writing pages. A page that needs an avatar
waits for that one (or resolves it itself when no worker has started it yet). `finish` waits
for every avatar, closes everything and logs from the main thread; a job left open by a build
that failed halfway is closed by the next build (`close_leftover_jobs`), and its queued work is
dropped at interpreter exit, so nothing outlives the build that started it.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import re
import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any

from pelican.log import console

from . import __version__
from .fetch import Fetcher
from .progress import progress_bar
from .resolver import HOW, NeedsWork, Outcome, Resolver
from .store import AvatarStore

logger = logging.getLogger(__name__)
USER_AGENT = (
    f"pelican-member-avatars/{__version__} (Pelican plugin; fetches each avatar once per build)"
)

_OPEN_JOBS: weakref.WeakSet[AvatarJob] = weakref.WeakSet()


class AvatarJob:
    """The avatars of one build's members. Use it in `with`; call `finish` on success."""

    def __init__(
        self, settings: dict[str, Any], store: AvatarStore | None = None, announce: bool = True
    ):
        self.settings = settings
        self.announce = announce
        # For the summary: time spent answering from the cache, plus the time from the first
        # member handed to the pool until the last avatar was ready.
        self.lookup_seconds = 0.0
        self.first_queued: float | None = None
        self.last_ready = 0.0
        self.enabled = bool(settings["AVATAR_SOURCES"])
        self._exit = contextlib.ExitStack()
        self.fetcher: Fetcher | None = None
        self.resolver: Resolver | None = None
        if self.enabled:
            if store is None:
                os.makedirs(settings["AVATAR_CACHE_PATH"], exist_ok=True)
                store = self._exit.enter_context(AvatarStore(settings["AVATAR_CACHE_PATH"]))
            self.resolver = Resolver(settings, store, None, time.time())
        self._pool: ThreadPoolExecutor | None = None
        self._workers = 0
        self._closed = False
        self.members: list[Any] = []
        self.outcomes: dict[str, Outcome] = {}
        self._futures: dict[str, tuple[Future, Any]] = {}
        # Members waiting for a worker. The pool is handed one member per free worker, never
        # the whole queue: the interpreter joins a pool's threads at exit only after they ran
        # all that was handed to them, and a failed build must not sit through a cold fetch.
        self._queue: collections.deque[tuple[Future, Any]] = collections.deque()
        self._running = 0
        self._lock = threading.Lock()
        _OPEN_JOBS.add(self)

    # --- starting work ----------------------------------------------------------------------
    def add(self, member: Any) -> None:
        """Answer `member` from the cache now, or queue its avatar for the pool."""
        self.members.append(member)
        if self.resolver is None:
            self.outcomes[member.slug] = Outcome(member.slug, member.source_path)
            return
        started = time.monotonic()
        try:
            self.outcomes[member.slug] = self.resolver.resolve(member, cache_only=True)
            self.lookup_seconds += time.monotonic() - started
        except NeedsWork:
            self.lookup_seconds += time.monotonic() - started
            if self.first_queued is None:
                self.first_queued = time.monotonic()
            self._start_pool()
            future: Future = Future()
            self._futures[member.slug] = (future, member)
            with self._lock:
                self._queue.append((future, member))
            self._feed()

    def _start_pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            assert self.resolver is not None
            if not self.resolver.offline:
                self.fetcher = self._exit.enter_context(Fetcher(self.settings, USER_AGENT))
                self.resolver.fetcher = self.fetcher
            # AVATAR_CONCURRENCY bounds requests in flight (in the Fetcher); a few more workers
            # decode and encode images while the others wait on the network.
            self._workers = max(1, int(self.settings["AVATAR_CONCURRENCY"])) + (os.cpu_count() or 1)
            self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="avatars")
        return self._pool

    def _feed(self) -> None:
        """Hand queued members to free workers (from the main thread or a finishing worker)."""
        with self._lock:
            while self._queue and self._running < self._workers and not self._closed:
                future, member = self._queue.popleft()
                if not future.set_running_or_notify_cancel():
                    continue  # taken by a page that resolved it itself
                assert self._pool is not None
                try:
                    self._pool.submit(self._run, future, member)
                except RuntimeError:  # the interpreter is shutting down: a failed build
                    return
                self._running += 1

    def _run(self, future: Future, member: Any) -> None:
        try:
            assert self.resolver is not None
            future.set_result(self.resolver.resolve(member))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread by result()
            future.set_exception(exc)
        finally:
            with self._lock:
                self._running -= 1
            self._feed()

    def _resolve(self, member: Any) -> Outcome:
        assert self.resolver is not None
        return self.resolver.resolve(member)

    # --- using results ----------------------------------------------------------------------
    def images(self, slug: str) -> dict[int, bytes]:
        """The encoded images of one member: waits for them, or resolves them in this thread
        when no worker has started yet (a page should not queue behind a thousand others)."""
        known = slug in self.outcomes or slug in self._futures
        return self._outcome(slug).images if known else {}

    def _outcome(self, slug: str) -> Outcome:
        outcome = self.outcomes.get(slug)
        if outcome is None:
            future, member = self._futures.pop(slug)
            # Not started yet: resolve it here. Else wait; result() re-raises a worker's
            # unexpected error here, in the build's thread.
            outcome = self._resolve(member) if future.cancel() else future.result()
            self.outcomes[slug] = outcome
            self.last_ready = time.monotonic()
        return outcome

    def in_completion_order(self, members: Iterable[Any]) -> Iterator[Any]:
        """`members`, those whose avatars are ready first, then each as its avatar is done."""
        waiting = {}
        for member in members:
            if member.slug in self._futures:
                waiting[self._futures[member.slug][0]] = member
            else:
                yield member
        for future in as_completed(waiting):
            member = waiting[future]
            if member.slug not in self.outcomes:
                self._outcome(member.slug)
            yield member

    # --- ending -----------------------------------------------------------------------------
    def finish(self) -> list[Outcome]:
        """Wait for every avatar, close the job, then log warnings and the summary line."""
        pending = list(self._futures)
        wanted = self.announce and bool(self.settings["AVATAR_PROGRESS"])
        with progress_bar(len(pending), wanted) as advance:
            for slug in pending:
                self._outcome(slug)
                advance()
        requests_made = self.fetcher.requests_made if self.fetcher else 0
        self.close()
        outcomes = [self.outcomes[member.slug] for member in self.members]
        if self.announce and self.enabled and outcomes:
            pool_seconds = self.last_ready - self.first_queued if self.first_queued else 0.0
            report(outcomes, requests_made, self.lookup_seconds + pool_seconds)
        return outcomes

    def close(self) -> None:
        """Drop queued work, wait for running work, close the pool, session and cache."""
        if self._closed:
            return
        with self._lock:
            self._closed = True
            for future, _member in self._queue:
                future.cancel()
            self._queue.clear()
        _OPEN_JOBS.discard(self)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._exit.close()

    def __enter__(self) -> AvatarJob:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def close_leftover_jobs() -> None:
    """Close jobs that a failed build left open (a `pelican --autoreload` session goes on)."""
    for job in list(_OPEN_JOBS):
        job.close()


def resolve_avatars(
    members: list[Any],
    settings: dict[str, Any],
    store: AvatarStore | None = None,
    announce: bool = True,
) -> list[Outcome]:
    """Resolve the avatars of `members` and return when every thread, socket and file is closed.

    `store` is the caller's open cache (the command line's); by default the job opens its own.
    `announce` False: no progress bar, warnings or summary (the command line's own look-ups).
    """
    with AvatarJob(settings, store, announce) as job:
        for member in members:
            job.add(member)
        return job.finish()


def report(outcomes: list[Outcome], requests_made: int, seconds: float) -> None:
    """Log each member's warnings (naming the member file), then one summary line."""
    for outcome in outcomes:
        for warning in outcome.warnings:
            logger.warning(
                "[member_avatars] %s: %s",
                outcome.source_path,
                warning,
                # Pelican's LimitFilter groups by this message: one group per kind of failure,
                # so twenty missing uploads do not hide the one server that answers 500.
                extra={"limit_msg": f"[member_avatars] more avatar warnings like: {kind(warning)}"},
            )
    line = summary_line(outcomes, requests_made, seconds)
    logger.debug("[member_avatars] %s", line)
    # Like Pelican's own "Done:" line: printed on its console unless the build runs --quiet.
    if logger.isEnabledFor(logging.WARNING):
        console.print(f"[member_avatars] {line}", markup=False, highlight=False)


def kind(warning: str) -> str:
    """A warning with its particulars (quoted paths and names, numbers) masked out."""
    masked = re.sub(r"'[^']*'|\"[^\"]*\"", "…", warning)
    return re.sub(r"\d+(\.\d+)?", "N", masked)


def summary_line(outcomes: list[Outcome], requests_made: int, seconds: float) -> str:
    """ "Avatars: 3 from cache, 0 revalidated, ..., 1 failed (2 requests) in 0.4 s"."""
    counts = Counter(outcome.how for outcome in outcomes if outcome.how)
    failed = sum(outcome.failures for outcome in outcomes)
    labels = {"cache": "from cache"}
    parts = [f"{counts.get(how, 0)} {labels.get(how, how)}" for how in HOW]
    parts.append(f"{failed} failed")
    missing = sum(1 for outcome in outcomes if not outcome.how)
    if missing:
        parts.append(f"{missing} without avatar")
    return f"Avatars: {', '.join(parts)} ({requests_made} requests) in {seconds:.2f} s"

"""One build's avatar work, started while Pelican still reads the member files.

`AvatarJob` opens the cache and answers what it can from it at once; members it cannot answer
go to a thread pool (and, when one needs a request, an HTTP session) as soon as their files are
read, so fetching and image work overlap with reading the rest. `finish` waits for every
avatar before any page is written, closes everything and logs from the main thread; leaving
the job's `with` block early (an error while reading) drops the queued work and closes it all.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..cache.store import AvatarStore
from ..log import get_logger
from ..net.fetch import Fetcher
from ..settings.config import AvatarConfig, config_of
from ..version import __version__
from .progress import progress_bar
from .remote import URLLIB3_LOGGER, NoRequestLines
from .resolver import Resolver
from .results import Outcome
from .summary import report

logger = get_logger(__name__)
USER_AGENT = (
    f"pelican-member-avatars/{__version__} (Pelican plugin; fetches each avatar once per build)"
)


class AvatarJob:
    """The avatars of one build's members: `add` each member, then `finish`, inside `with`."""

    def __init__(
        self,
        settings: dict[str, Any],
        store: AvatarStore | None = None,
        announce: bool = True,
        config: AvatarConfig | None = None,
    ):
        self.settings = settings
        # The command line resolves with a variant (offline, or everything stale).
        self.config = config or config_of(settings)
        self.announce = announce
        # For the summary: the time spent answering from the cache; once a member went to the
        # pool, the time from then until the last avatar is in (reading overlaps with it).
        self.lookup_seconds = 0.0
        self.first_queued: float | None = None
        self._exit = contextlib.ExitStack()
        self._store = store
        self.fetcher: Fetcher | None = None
        self.resolver: Resolver | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._answers: list[Outcome | Future] = []
        self._lock = threading.Lock()

    def add(self, member: Any) -> None:
        """Answer `member` from the cache now, or hand its avatar to the pool."""
        if not self.config.sources:
            self._answers.append(Outcome(member.slug, member.source_path))
            return
        resolver = self._open()
        started = time.monotonic()
        outcome = resolver.lookup(member)
        if outcome is not None:
            self._answers.append(outcome)
        else:
            self._answers.append(self._start_pool().submit(resolver.resolve, member))
            if self.first_queued is None:
                self.first_queued = started
        self.lookup_seconds += time.monotonic() - started

    def _open(self) -> Resolver:
        """The cache (and resolver), opened with the first member: a site without members
        gets no cache folder."""
        if self.resolver is None:
            with contextlib.ExitStack() as opened:  # closed again if anything below fails
                store = self._store
                if store is None:
                    store = AvatarStore.open(self.config.cache_path)
                    # A damaged cache only warns: what was wrong is logged now, what goes
                    # wrong in the workers once the store is closed (in the build's thread).
                    opened.callback(lambda: log_cache_warnings(store.problems))
                    opened.enter_context(store)
                    log_cache_warnings(store.warnings)
                http = None if self.config.offline else self._http
                self.resolver = Resolver(
                    self.config, self.settings["PATH"], store, http, time.time()
                )
                self._exit.enter_context(opened.pop_all())
        return self.resolver

    def _http(self) -> Fetcher:
        """The build's HTTP session, opened by the first request: a warm build opens none."""
        with self._lock:
            if self.fetcher is None:
                quiet, urllib3_logger = NoRequestLines(), logging.getLogger(URLLIB3_LOGGER)
                urllib3_logger.addFilter(quiet)
                self._exit.callback(urllib3_logger.removeFilter, quiet)
                self.fetcher = self._exit.enter_context(Fetcher(self.config, USER_AGENT))
            return self.fetcher

    def _start_pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            # AVATAR_CONCURRENCY bounds requests in flight (in the Fetcher); a few more workers
            # decode and encode images while the others wait on the network.
            workers = self.config.concurrency + (os.cpu_count() or 1)
            self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="avatars")
        return self._pool

    def finish(self) -> list[Outcome]:
        """Wait for every avatar, close the job, then log warnings and the summary line."""
        pending = sum(1 for answer in self._answers if isinstance(answer, Future))
        wanted = self.announce and self.config.progress
        outcomes = []
        with progress_bar(pending, wanted) as advance:
            for answer in self._answers:
                if isinstance(answer, Future):
                    # result() re-raises a worker's unexpected error here, in the build's thread.
                    answer = answer.result()
                    advance()
                outcomes.append(answer)
        seconds = self.lookup_seconds
        if self.first_queued is not None:
            seconds = time.monotonic() - self.first_queued
        requests_made = self.fetcher.requests_made if self.fetcher else 0
        self.close()
        if self.announce and self.resolver is not None and outcomes:
            report(outcomes, requests_made, seconds)
        return outcomes

    def close(self) -> None:
        """Drop work not started yet, wait for running work, close the pool, session, cache."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._exit.close()

    def __enter__(self) -> AvatarJob:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def log_cache_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        logger.warning("%s", warning)


def resolve_avatars(
    members: list[Any],
    settings: dict[str, Any],
    store: AvatarStore | None = None,
    announce: bool = True,
    config: AvatarConfig | None = None,
) -> list[Outcome]:
    """Resolve the avatars of `members` and return when every thread, socket and file is closed.

    `store` is the caller's open cache (the command line's); by default the job opens its own.
    `announce` False: no progress bar, warnings or summary (the command line's own look-ups).
    `config`: a variant of the site's configuration (offline, or every entry stale).
    """
    with AvatarJob(settings, store, announce, config) as job:
        for member in members:
            job.add(member)
        return job.finish()

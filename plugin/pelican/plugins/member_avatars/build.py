"""One build's avatar work: open the cache, the HTTP session and the pool, resolve every member,
close them all, then log what happened from the main thread."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
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


def resolve_avatars(
    members: list[Any],
    settings: dict[str, Any],
    store: AvatarStore | None = None,
    announce: bool = True,
) -> list[Outcome]:
    """Resolve the avatars of `members`; every thread, socket and file is closed on return.

    `store` is the caller's open cache (the command line's); by default the build opens its own.
    `announce` False: no progress bar, warnings or summary (the command line's own look-ups).
    """
    if not members or not settings["AVATAR_SOURCES"]:
        return []
    started = time.monotonic()
    cache_path = settings["AVATAR_CACHE_PATH"]
    os.makedirs(cache_path, exist_ok=True)
    offline = bool(settings["AVATAR_OFFLINE"])
    with (
        contextlib.nullcontext(store) if store else AvatarStore(cache_path) as store,
        contextlib.nullcontext() if offline else Fetcher(settings, USER_AGENT) as fetcher,
        progress_bar(len(members), announce and settings["AVATAR_PROGRESS"]) as advance,
    ):
        resolver = Resolver(settings, store, fetcher, time.time())
        outcomes: list[Outcome | None] = []
        for member in members:
            try:
                outcomes.append(resolver.resolve(member, cache_only=True))
                advance()
            except NeedsWork:
                outcomes.append(None)
        pending = [index for index, outcome in enumerate(outcomes) if outcome is None]
        if pending:
            resolve_in_pool(resolver, members, pending, outcomes, settings, advance)
        requests_made = fetcher.requests_made if fetcher else 0
    if announce:
        report(outcomes, requests_made, time.monotonic() - started)
    return outcomes


def resolve_in_pool(
    resolver: Resolver,
    members: list[Any],
    pending: list[int],
    outcomes: list[Outcome | None],
    settings: dict[str, Any],
    advance: Any,
) -> None:
    """Resolve the members the cache could not answer, in a pool closed before returning.

    The Fetcher bounds requests in flight to AVATAR_CONCURRENCY; a few more workers than that
    decode and encode images while the others wait on the network.
    """
    workers = max(1, int(settings["AVATAR_CONCURRENCY"])) + (os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="avatars") as pool:
        futures = [(index, pool.submit(resolver.resolve, members[index])) for index in pending]
        for index, future in futures:
            # result() re-raises a worker's unexpected error here, in the build's own thread.
            outcomes[index] = future.result()
            advance()


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

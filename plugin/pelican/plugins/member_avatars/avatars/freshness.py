"""When to ask a server again: one pure decision over a cached entry, tested without I/O.

Freshness comes from AVATAR_MAX_AGE alone; the server's Cache-Control and Expires are ignored
(Gravatar says five minutes, which would make every build ask again).
"""

from __future__ import annotations

from enum import Enum

from ..cache.entries import Entry, Failure


class Action(Enum):
    USE = "use"  # the cached entry as it is (fresh, offline, or the source failed recently)
    REVALIDATE = "revalidate"  # a conditional request, with the entry's validators
    FETCH = "fetch"  # a plain request: nothing cached
    SKIP = "skip"  # nothing cached and no request allowed: try the next source



def decide(
    entry: Entry | None, failure: Failure | None, now: float, max_age: float, offline: bool
) -> Action:
    """Choose what to do for one URL."""
    if offline:
        return Action.USE if entry else Action.SKIP
    if entry and now - entry.fetched_at < max_age:
        return Action.USE
    if failure and now < failure.until:
        return Action.USE if entry else Action.SKIP
    return Action.REVALIDATE if entry and entry.has_image else Action.FETCH


def failure_until(
    now: float, retry_after_setting: float, max_age: float, server_retry_after: float | None
) -> float:
    """Until when a failure is remembered: the shorter of the two settings, or longer if the
    server's Retry-After asks for it."""
    wait = min(retry_after_setting, max_age)
    if server_retry_after is not None:
        wait = max(wait, server_retry_after)
    return now + wait

"""Resolve one member's avatar: try the sources in order, through the cache.

Runs in worker threads, so it never logs warnings: each outcome carries its warnings, and the
build logs them from the main thread (where Pelican's `--fatal warnings` can stop the build).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..cache.store import AvatarStore
from ..net.fetch import Fetcher
from ..net.hosts import refusal
from ..settings.config import AvatarConfig
from .local import LocalSources
from .remote import RemoteSource
from .renders import RenderCache
from .results import Outcome, SourceResult
from .sources import Candidate, candidates

SOURCE_LABELS = {"gravatar": "Gravatar", "github": "GitHub", "avatar-url": "Avatar URL"}
# How a source's warnings start.
WARNING_PREFIXES = {
    "gravatar": "Gravatar avatar",
    "github": "GitHub avatar",
    "avatar-url": "Avatar URL",
}


def origin_of(member: Any) -> str:
    """What warnings name: the member file, or the data or attendee file with the row."""
    return getattr(member, "origin", None) or member.source_path


class Resolver:
    """Chooses each member's sources and asks them in order; thread-safe; holds no resource.

    `lookup` answers from the cache alone (None: some source needs work), in the build's own
    thread; `resolve` does whatever work is needed, in a worker.
    """

    def __init__(
        self,
        config: AvatarConfig,
        content_root: str,
        store: AvatarStore,
        fetcher: Callable[[], Fetcher] | None,
        now: float,
    ):
        self.config = config
        self.renders = RenderCache(config, store)
        self.local = LocalSources(config, content_root, self.renders)
        self.remote = RemoteSource(config, self.renders, fetcher, now)

    def lookup(self, member: Any) -> Outcome | None:
        """The member's avatar from the cache alone, or None when it needs work."""
        return self._walk(member, self._peek)

    def resolve(self, member: Any) -> Outcome:
        """The member's avatar: the first source that yields a usable image wins."""
        outcome = self._walk(member, self._get)
        assert outcome is not None  # `_get` always answers
        return outcome

    def _walk(
        self, member: Any, ask: Callable[[Candidate, Any], SourceResult | None]
    ) -> Outcome | None:
        outcome = Outcome(member.slug, origin_of(member))
        if not self.renders.sizes:
            return outcome
        for candidate in candidates(member, self.config, max(self.renders.sizes)):
            result = ask(candidate, member)
            if result is None:
                return None
            if result.problem:
                prefix = WARNING_PREFIXES.get(candidate.source)
                outcome.warnings.append(f"{prefix}: {result.problem}" if prefix else result.problem)
                outcome.failures += 1
            if result.remembered_until is not None:
                outcome.remembered.append(result.remembered_until)
            if result.images:
                outcome.source, outcome.how, outcome.images = (
                    candidate.source,
                    result.how,
                    result.images,
                )
                break
        return outcome

    def _refused(self, candidate: Candidate) -> SourceResult | None:
        """An `Avatar` URL whose host is not allowed: refused before any request."""
        if candidate.source != "avatar-url":
            return None
        reason = refusal(candidate.target, self.config.allowed_hosts)
        return SourceResult(problem=f"{reason}; using the next source") if reason else None

    def _peek(self, candidate: Candidate, member: Any) -> SourceResult | None:
        refused = self._refused(candidate)
        if refused is not None:
            return refused
        if candidate.source == "upload":
            return self.local.peek_upload(candidate.target)
        if candidate.source == "generated":
            return self.local.peek_generated(member.name, member.slug)
        return self.remote.peek(candidate.target, _label(candidate, member))

    def _get(self, candidate: Candidate, member: Any) -> SourceResult:
        refused = self._refused(candidate)
        if refused is not None:
            return refused
        if candidate.source == "upload":
            return self.local.upload(candidate.target)
        if candidate.source == "generated":
            return self.local.generated(member.name, member.slug)
        return self.remote.get(candidate.target, _label(candidate, member))


def _label(candidate: Candidate, member: Any) -> str:
    """How debug lines name a remote source: the member's file (and row) and the service,
    never the URL."""
    return f"{origin_of(member)}: {SOURCE_LABELS.get(candidate.source, candidate.source)}"

"""Resolve one member's avatar: try the sources in order, through the cache.

Runs in worker threads, so it never logs warnings: each outcome carries its warnings, and the
build logs them from the main thread (where Pelican's `--fatal warnings` can stop the build).
"""

from __future__ import annotations

from collections.abc import Callable

from ..cache.store import AvatarStore
from ..content.models import Person
from ..diagnostics import Diagnostic, Place
from ..net.fetch import Fetcher
from ..net.hosts import refusal
from ..settings.choices import Source
from ..settings.config import AvatarConfig
from .local import LocalSources
from .lookups import SERVICES, Lookups
from .remote import RemoteSource
from .renders import RenderCache
from .results import Outcome, SourceResult
from .sources import Candidate, candidates

SOURCE_LABELS = {
    Source.GRAVATAR: "Gravatar",
    Source.GITHUB: "GitHub",
    Source.AVATAR_URL: "Avatar URL",
    Source.MASTODON: "Mastodon",
    Source.BLUESKY: "Bluesky",
    Source.CODEBERG: "Codeberg",
    Source.LIBRAVATAR: "Libravatar",
}
# How a source's warnings start.
WARNING_PREFIXES = {
    source: label if source is Source.AVATAR_URL else f"{label} avatar"
    for source, label in SOURCE_LABELS.items()
}
# Sources whose hosts need not be in AVATAR_ALLOWED_HOSTS: any host, at public addresses.
OPEN_HOST_SOURCES = frozenset({Source.LIBRAVATAR, *SERVICES})
# The metadata field each source's warnings are about.
SOURCE_KEYS = {
    Source.GRAVATAR: "Gravatar",
    Source.GITHUB: "GitHub",
    Source.AVATAR_URL: "Avatar",
    Source.UPLOAD: "Avatar",
    Source.MASTODON: "Mastodon",
    Source.BLUESKY: "Bluesky",
    Source.CODEBERG: "Codeberg",
    Source.LIBRAVATAR: "Libravatar",
}


def origin_of(member: Person) -> str:
    """What warnings name: the member file, or the data or attendee file with the row."""
    return member.origin


def place_of(member: Person) -> Place:
    """Where a member (or guest) was read: its file, or the data or attendee file and row."""
    return member.place


class Resolver:
    """Chooses each member's sources and asks them in order; thread-safe; holds no resource.

    `peek` answers from the cache alone (None: some source needs work), in the build's own
    thread; `get` does whatever work is needed, in a worker.
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
        self.lookups = Lookups(self.remote)

    def peek(self, member: Person) -> Outcome | None:
        """The member's avatar from the cache alone, or None when it needs work."""
        return self._walk(member, self._peek_source)

    def get(self, member: Person) -> Outcome:
        """The member's avatar: the first source that yields a usable image wins."""
        outcome = self._walk(member, self._get_source)
        assert outcome is not None  # `_get_source` always answers
        return outcome

    def _walk(
        self, member: Person, ask: Callable[[Candidate, Person], SourceResult | None]
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
                message = f"{prefix}: {result.problem}" if prefix else result.problem
                key = SOURCE_KEYS.get(candidate.source)
                outcome.warnings.append(Diagnostic.at(place_of(member), message, key))
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
        if candidate.source is not Source.AVATAR_URL:
            return None
        reason = refusal(candidate.target, self.config.allowed_hosts)
        return SourceResult(problem=f"{reason}; using the next source") if reason else None

    def _peek_source(self, candidate: Candidate, member: Person) -> SourceResult | None:
        refused = self._refused(candidate)
        if refused is not None:
            return refused
        if candidate.source is Source.UPLOAD:
            return self.local.peek_upload(candidate.target)
        if candidate.source is Source.GENERATED:
            return self.local.peek_generated(member.name, member.slug)
        service = SERVICES.get(candidate.source)
        if service is not None:
            return self.lookups.peek(candidate.target, service, _label(candidate, member))
        return self.remote.peek(candidate.target, _label(candidate, member))

    def _get_source(self, candidate: Candidate, member: Person) -> SourceResult:
        refused = self._refused(candidate)
        if refused is not None:
            return refused
        if candidate.source is Source.UPLOAD:
            return self.local.get_upload(candidate.target)
        if candidate.source is Source.GENERATED:
            return self.local.get_generated(member.name, member.slug)
        service = SERVICES.get(candidate.source)
        if service is not None:
            return self.lookups.get(candidate.target, service, _label(candidate, member))
        open_hosts = candidate.source in OPEN_HOST_SOURCES
        return self.remote.get(candidate.target, _label(candidate, member), open_hosts)


def _label(candidate: Candidate, member: Person) -> str:
    """How debug lines name a remote source: the member's file (and row) and the service,
    never the URL."""
    return f"{origin_of(member)}: {SOURCE_LABELS.get(candidate.source, candidate.source)}"

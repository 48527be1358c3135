"""Two-step sources (Mastodon, Bluesky, Codeberg): an API answer names the picture's URL.

The API answer goes through the cache like a picture does (freshness, revalidation,
remembered failures, offline mode, once per URL and build); the cache keeps only the picture's
URL it names, never the profile. The picture then goes through `RemoteSource` as any remote
avatar. A warm build asks neither. Runs in worker threads: debug lines only.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..cache.entries import Entry, Failure
from ..cache.store import LOOKUP_PREFIX
from ..log import get_logger
from ..net.fetch import JSON_ACCEPT, Answer, Reply
from ..settings.choices import Source
from .freshness import Action, failure_until
from .remote import RemoteSource
from .renders import sha256
from .results import NOTHING, How, SourceResult

logger = get_logger(__name__)
# Cache keys of API answers start with this, apart from the pictures' URLs.
KEY_PREFIX = LOOKUP_PREFIX
# How much a build counts a member's avatar as work: the most of its two steps.
_WEIGHT = {How.CACHE: 0, How.REVALIDATED: 1, How.FETCHED: 2}


@dataclass(frozen=True)
class Service:
    """An API that answers JSON naming a picture: `field` holds its URL."""

    source: Source
    field: str
    # Statuses that mean "no such account" (Bluesky answers 400 "Profile not found").
    none_statuses: frozenset[int] = frozenset({404, 410})
    # Paths of a service's default picture, which counts as none.
    default_pictures: tuple[str, ...] = ()


SERVICES = {
    Source.MASTODON: Service(
        Source.MASTODON, "avatar_static", default_pictures=("/avatars/original/missing.png",)
    ),
    Source.BLUESKY: Service(Source.BLUESKY, "avatar", none_statuses=frozenset({400, 404, 410})),
    Source.CODEBERG: Service(Source.CODEBERG, "avatar_url"),
}


@dataclass(frozen=True)
class Link:
    """What an API answer came to: the picture's URL (None: none), how it was obtained, and
    a problem to warn about (a failed request whose stale answer is used, or no answer)."""

    picture: str | None
    how: How | None = None
    settled: SourceResult | None = None  # the result when there is no picture to fetch
    problem: str = ""


def picture_url(body: bytes, api_url: str, service: Service) -> tuple[str | None, str]:
    """The picture's URL in an API answer (None: the account has none), or a problem."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None, "the answer is not JSON"
    if not isinstance(data, dict):
        return None, "the answer is not a JSON object"
    value = data.get(service.field)
    if value is None or value == "":
        return None, ""
    if not isinstance(value, str):
        return None, f"the answer's {service.field} is not a URL"
    url = urljoin(api_url, value.strip())
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None, f"the answer's {service.field} is not an http(s) URL"
    if urlsplit(url).path in service.default_pictures:
        return None, ""
    return url, ""


class Lookups:
    """The API step of two-step sources for one build, beside its `RemoteSource`."""

    def __init__(self, remote: RemoteSource):
        self.remote = remote
        self.store = remote.store

    # --- from the cache alone -------------------------------------------------------------
    def peek(self, api_url: str, service: Service, label: str) -> SourceResult | None:
        """The avatar the cache alone gives (None: a request or an image is needed)."""
        key = KEY_PREFIX + api_url
        if self.remote.once.started(key):
            return None
        entry, failure, action = self.remote.look(key)
        settled = self.remote.settled(entry, failure, action, label)
        if settled is not None:
            return settled
        if action is not Action.USE or entry is None or entry.body_sha is None:
            return None
        picture = self._cached_picture(entry)
        if picture is None:
            return None
        return self.remote.peek(picture, label)

    # --- with requests where needed -------------------------------------------------------
    def get(self, api_url: str, service: Service, label: str) -> SourceResult:
        """The avatar: the API's answer (cached or asked), then the picture it names."""
        key = KEY_PREFIX + api_url
        link = self.remote.once.get(key, lambda: self._resolve(key, api_url, service, label))
        if link.picture is None:
            return link.settled or SourceResult(problem=link.problem)
        result = self.remote.get(link.picture, label, open_hosts=True)
        if result.images is None:
            problem = "; ".join(part for part in (link.problem, result.problem) if part)
            return SourceResult(problem=problem, remembered_until=result.remembered_until)
        how = result.how
        if (
            link.how is not None
            and how is not None
            and _WEIGHT.get(link.how, 0) > _WEIGHT.get(how, 0)
        ):
            how = link.how
        return SourceResult(result.images, how, link.problem or result.problem)

    def _cached_picture(self, entry: Entry) -> str | None:
        body = self.store.body(entry.body_sha) if entry.body_sha else None
        return body.decode("utf-8", "replace") if body is not None else None

    def _resolve(self, key: str, api_url: str, service: Service, label: str) -> Link:
        entry, failure, action = self.remote.look(key)
        settled = self.remote.settled(entry, failure, action, label)
        if settled is not None:
            return Link(None, settled=settled)
        if action is Action.USE and entry is not None:
            picture = self._cached_picture(entry)
            if picture is not None:
                logger.debug("%s: API answer from the cache", label)
                return Link(picture, How.CACHE)
            if self.remote.offline:
                return Link(None, settled=NOTHING)
            entry = None  # the kept URL is gone: asked again
        stale = entry if action is Action.REVALIDATE else None
        logger.debug("%s: %s the API", label, "revalidating with" if stale else "asking")
        return self._ask(key, api_url, service, label, stale, failed_before=failure is not None)

    def _ask(
        self,
        key: str,
        api_url: str,
        service: Service,
        label: str,
        stale: Entry | None,
        failed_before: bool,
    ) -> Link:
        assert self.remote.fetcher is not None  # only online builds get here
        answer = self.remote.fetcher().get(
            api_url,
            stale.etag if stale else None,
            stale.last_modified if stale else None,
            accept=JSON_ACCEPT,
            none_statuses=service.none_statuses,
            open_hosts=True,
        )
        now = time.time()
        if answer.reply is Reply.NONE:
            self._record(key, Entry(fetched_at=now), None, failed_before)
            logger.debug("%s: the API knows no such account", label)
            return Link(None, settled=NOTHING)
        if answer.reply is Reply.NOT_MODIFIED and stale is not None:
            picture = self._cached_picture(stale)
            if picture is not None:
                self._keep(key, stale, now, answer, failed_before)
                logger.debug("%s: API answer revalidated (304)", label)
                return Link(picture, How.REVALIDATED)
            return self._ask(key, api_url, service, label, None, failed_before)
        if answer.reply is Reply.OK:
            picture, problem = picture_url(answer.body, api_url, service)
            if problem:
                return self._failed(key, label, stale, problem, None)
            if picture is None:
                self._record(key, Entry(fetched_at=now), None, failed_before)
                logger.debug("%s: the account has no picture", label)
                return Link(None, settled=NOTHING)
            body = picture.encode("utf-8")
            sha = sha256(body)
            if stale is not None and stale.body_sha == sha:
                self._keep(key, stale, now, answer, failed_before)
                logger.debug("%s: API answer revalidated (same picture)", label)
                return Link(picture, How.REVALIDATED)
            self._record(
                key, Entry(now, sha, answer.etag, answer.last_modified), body, failed_before
            )
            logger.debug("%s: API answered", label)
            return Link(picture, How.FETCHED)
        return self._failed(key, label, stale, answer.reason or "unexpected answer", answer)

    def _record(self, key: str, entry: Entry, body: bytes | None, failed_before: bool) -> None:
        self.store.record_answer(key, entry, body=body, clear_failure=failed_before)

    def _keep(
        self, key: str, entry: Entry, now: float, answer: Answer, failed_before: bool
    ) -> None:
        etag = answer.etag or entry.etag
        last_modified = answer.last_modified or entry.last_modified
        self._record(key, Entry(now, entry.body_sha, etag, last_modified), None, failed_before)

    def _failed(
        self, key: str, label: str, stale: Entry | None, reason: str, answer: Answer | None
    ) -> Link:
        retry_after = answer.retry_after if answer else None
        until = failure_until(
            time.time(), self.remote.retry_after, self.remote.max_age, retry_after
        )
        self.store.put_failure(key, Failure(until, reason))
        logger.debug("%s: API failed (%s), remembered", label, reason)
        picture = self._cached_picture(stale) if stale is not None else None
        if picture is not None:
            return Link(picture, How.CACHE, problem=f"{reason}; keeping the cached answer")
        return Link(None, problem=f"{reason}; using the next source")

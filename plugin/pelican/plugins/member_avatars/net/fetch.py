"""HTTP for remote avatars: one session per build, bounded in every dimension.

Redirects are followed by hand so that every hop is checked against AVATAR_ALLOWED_HOSTS
(see `hosts`); bodies are streamed and cut at AVATAR_MAX_BYTES; a host, or the proxy in between,
that cannot be reached again and again is not asked for the rest of the build (see `routes`).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

import requests
import urllib3.exceptions

from ..settings.config import AvatarConfig
from .headers import parse_retry_after
from .hosts import client_target, redirect_target, refusal
from .routes import RouteHealth, counts_against, is_connect_failure, route_of

MAX_REDIRECTS = 5
# A Retry-After longer than this is not waited for within a build; the failure is remembered.
LONGEST_RETRY_WAIT = 5.0
# Answers without an image whose declared body is at most this long are read to the end, so
# their connection is reused (keep-alive) rather than closed.
SMALL_BODY = 64 * 1024
SMALL_BODY_WAIT = 0.2  # seconds such a body may take to arrive


class Reply(StrEnum):
    """What a server's answer comes to."""

    OK = "ok"  # an image body
    NOT_MODIFIED = "not_modified"  # 304: the cached copy is still current
    NONE = "none"  # 404/410: this member has no avatar there
    FAILED = "failed"  # anything else, with a reason


@dataclass(frozen=True)
class Answer:
    """What one fetch came to, with the body and validators of an image."""

    reply: Reply
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    reason: str = ""
    retry_after: float | None = None
    retryable: bool = False


def failed(reason: str, retry_after: float | None = None, retryable: bool = False) -> Answer:
    return Answer(Reply.FAILED, reason=reason, retry_after=retry_after, retryable=retryable)


class Fetcher:
    """Fetches avatar URLs for one build. Close it (or use `with`) when the build is done."""

    def __init__(self, config: AvatarConfig, user_agent: str):
        self.allowed_hosts = config.allowed_hosts
        self.timeout = config.timeout
        self.max_bytes = config.max_bytes
        self.retries = config.retries
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "image/webp,image/png,image/jpeg,image/*;q=0.8"
        # Images come compressed already; a gzip body could inflate a thousandfold per read.
        self.session.headers["Accept-Encoding"] = "identity"
        # requests would read the proxy, no_proxy, .netrc and CA-bundle settings from the
        # environment again on every request (half a millisecond each); read them once.
        self.session.trust_env = False
        self.session.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        self._proxies_by_host: dict[str, dict[str, str]] = {}
        self._slots = threading.BoundedSemaphore(config.concurrency)
        self._lock = threading.Lock()
        self._routes = RouteHealth()
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Answer:
        """GET `url` (conditionally when validators are given), retrying 429/5xx a few times."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            answer = self._follow(url, headers)
            if not answer.retryable or attempt >= self.retries:
                return answer
            wait = answer.retry_after if answer.retry_after is not None else 0.5 * 2**attempt
            if wait > min(self.timeout, LONGEST_RETRY_WAIT):
                return answer
            time.sleep(wait)
            attempt += 1

    def _follow(self, url: str, headers: dict[str, str]) -> Answer:
        seen = set()
        for _hop in range(MAX_REDIRECTS + 1):
            if url in seen:
                return failed(f"redirect loop at {url}")
            seen.add(url)
            reason = refusal(url, self.allowed_hosts)
            if reason:
                return failed(reason)
            answer, location = self._request(url, headers)
            if location is None:
                return answer
            url, reason = redirect_target(url, location)
            if reason:
                return failed(reason)
        return failed(f"more than {MAX_REDIRECTS} redirects")

    def _proxies(self, url: str) -> dict[str, str]:
        """The environment's proxies for this URL's host ({} when no_proxy exempts it)."""
        host = client_target(url).name
        proxies = self._proxies_by_host.get(host)
        if proxies is None:
            proxies = self._proxies_by_host[host] = requests.utils.get_environ_proxies(url)
        return proxies

    def _request(self, url: str, headers: dict[str, str]) -> tuple[Answer, str | None]:
        """One HTTP exchange; returns the answer, or the Location of a redirect."""
        proxies = self._proxies(url)
        route = route_of(url, proxies)
        with self._slots:
            # Asked once a slot is free: the requests that waited for one while others failed
            # are given up too, not sent one timeout after another.
            reason = self._routes.given_up(route)
            if reason:
                return failed(reason), None
            with self._lock:
                self.requests_made += 1
            try:
                response = self.session.get(
                    url,
                    headers=headers,
                    proxies=proxies,
                    stream=True,
                    allow_redirects=False,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                unreachable = counts_against(route, exc)
                self._routes.note(route, failed=unreachable)
                through = f" ({route.name})" if route.through_proxy and unreachable else ""
                return failed(_describe(exc) + through), None
            self._routes.note(route, failed=False)
            with response:
                answer, location = self._answer(response)
                if response.status_code != 200:
                    self._discard_small_body(response)
                return answer, location

    def _discard_small_body(self, response: requests.Response) -> None:
        """Read the short body of an answer without an image (a 404 page, a redirect), so
        its connection can serve the next request. Only briefly: a body that is not there at
        once (a server that declares bytes it never sends) costs the connection, not time."""
        declared = response.headers.get("Content-Length", "")
        small = declared.isdigit() and int(declared) <= SMALL_BODY
        connection = response.raw.connection
        sock = getattr(connection, "sock", None)
        if not (response.status_code == 304 or small) or sock is None:
            return  # the connection is closed with the response
        try:
            # The next request on this connection sets its own read timeout again.
            sock.settimeout(SMALL_BODY_WAIT)
            self._read_capped(response, SMALL_BODY_WAIT)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, BodyRefused):
            return  # the connection is closed with the response
        response.raw.release_conn()

    def _answer(self, response: requests.Response) -> tuple[Answer, str | None]:
        status = response.status_code
        if response.is_redirect:
            return failed("redirect"), response.headers["Location"]
        if status == 304:
            return Answer(Reply.NOT_MODIFIED), None
        if status in (404, 410):
            return Answer(Reply.NONE), None
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time())
            return failed(f"HTTP {status}", retry_after, retryable=True), None
        if status != 200:
            return failed(f"HTTP {status}"), None
        try:
            body = self._read_capped(response)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            return failed(_describe(exc)), None
        except BodyRefused as exc:
            return failed(str(exc)), None
        # The whole body is read: the connection goes back to the pool for the next request.
        # (requests would close it, as the body was not read through requests.)
        response.raw.release_conn()
        return Answer(
            Reply.OK,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        ), None

    def _read_capped(self, response: requests.Response, seconds: float | None = None) -> bytes:
        """The whole body, refused beyond AVATAR_MAX_BYTES or after `seconds` (default
        AVATAR_TIMEOUT)."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise BodyRefused(
                f"body of {declared} bytes is over AVATAR_MAX_BYTES ({self.max_bytes})"
            )
        limit = self.timeout if seconds is None else seconds
        deadline = time.monotonic() + limit
        chunks: list[bytes] = []
        received = 0
        while True:
            # read1 returns what one socket read brings: a body trickling in a few bytes at a
            # time meets the deadline below, where iter_content would wait for 64 KiB, one
            # socket timeout per few bytes. Not decoded: we asked for no Content-Encoding.
            chunk = response.raw.read1(65536, decode_content=False)
            if not chunk:
                break
            received += len(chunk)
            if received > self.max_bytes:
                raise BodyRefused(f"body is over AVATAR_MAX_BYTES ({self.max_bytes} bytes)")
            if time.monotonic() > deadline:
                raise BodyRefused(f"body took longer than AVATAR_TIMEOUT ({self.timeout:g} s)")
            chunks.append(chunk)
        return b"".join(chunks)


class BodyRefused(Exception):
    """A response body that is too large or too slow to read."""


def _describe(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout | urllib3.exceptions.TimeoutError | TimeoutError):
        return "timed out"
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return "connection broken while reading the body"
    if isinstance(exc, requests.ConnectionError) and is_connect_failure(exc):
        return "connection failed"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broken while reading the body"
    if isinstance(exc, requests.ConnectionError):
        return "connection error"
    return type(exc).__name__

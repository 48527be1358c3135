"""Which connections are still worth trying in this build.

A host that cannot be reached again and again, or the proxy in between that cannot be reached
or never answers, is given up for the rest of the build: an offline machine or a dead proxy
must not cost one timeout per member.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import requests
import urllib3.exceptions
from urllib3.exceptions import ConnectTimeoutError, LocationParseError
from urllib3.util import parse_url

from .hosts import client_target

# Consecutive failed connections after which a route is given up for the build.
HOST_DOWN_AFTER = 3


@dataclass(frozen=True)
class Route:
    """Where a request's connection goes: "host H:P", or "proxy URL" when one is used."""

    name: str
    through_proxy: bool


def route_of(url: str, proxies: dict[str, str]) -> Route:
    """The route of a request for `url` (an allowed URL) with the environment's `proxies`."""
    proxy = requests.utils.select_proxy(url, proxies)
    if proxy:
        return Route(f"proxy {shown_proxy(proxy)}", through_proxy=True)
    return Route(f"host {client_target(url).name}", through_proxy=False)


def shown_proxy(proxy: str) -> str:
    """The proxy's address without the user name and password it may carry."""
    try:
        parts = parse_url(proxy)
    except LocationParseError:
        return "(unreadable proxy URL)"
    return f"{parts.scheme or 'http'}://{parts.netloc}"


def is_connect_failure(exc: requests.RequestException) -> bool:
    """The connection (to the host, or to the proxy) was refused, not found or timed out."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, urllib3.exceptions.ProxyError):
        # A proxy that answered (a tunnel it refused) is not unreachable: its cause decides.
        reason = reason.original_error
    # NewConnectionError (refused, no route, unknown name) is a ConnectTimeoutError too.
    return isinstance(reason, ConnectTimeoutError | ConnectionRefusedError)


def counts_against(route: Route, exc: requests.RequestException) -> bool:
    """Whether a failed request counts toward giving `route` up. Through a proxy any timeout
    does: a proxy that accepts and never answers times out reading, on every request alike."""
    return is_connect_failure(exc) or (route.through_proxy and isinstance(exc, requests.Timeout))


class RouteHealth:
    """Consecutive failed connections per route, shared by a build's worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed_in_a_row: dict[Route, int] = {}

    def given_up(self, route: Route) -> str:
        """Why `route` is not tried any more, or "" while it still is."""
        with self._lock:
            failures = self._failed_in_a_row.get(route, 0)
        if failures >= HOST_DOWN_AFTER:
            return f"{route.name} unreachable (gave up after {failures} failed connections)"
        return ""

    def note(self, route: Route, failed: bool) -> None:
        """Record one connection: a failed one counts, any answer starts the count again."""
        with self._lock:
            self._failed_in_a_row[route] = self._failed_in_a_row.get(route, 0) + 1 if failed else 0

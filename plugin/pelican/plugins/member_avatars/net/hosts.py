"""Which URLs the fetcher may request: AVATAR_ALLOWED_HOSTS, judged as the HTTP client reads
each URL.

Two URL parsers can read one string as two hosts: `http://a:1\\@b:2/` is host b for
urllib.parse but host a for urllib3, which requests connects with. A URL is requested only
when what requests will connect to is allowed, urllib.parse reads the same scheme, host and
port, and the URL holds nothing that parsers are known to read differently: user info, a
backslash, whitespace or a control character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Target:
    """Where a request goes: scheme, lower-case host (IPv6 without brackets) and port."""

    scheme: str
    host: str
    port: int

    @property
    def name(self) -> str:
        """host:port, as an AVATAR_ALLOWED_HOSTS entry with a port is written."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def allowed_by(self, allowed_hosts: set[str]) -> bool:
        """An entry without a port allows any port; entries are lower-case."""
        return bool({self.host, f"[{self.host}]", self.name} & allowed_hosts)


def _target(scheme: str | None, host: str | None, port: int | None) -> Target:
    scheme = (scheme or "").lower()
    host = (host or "").lower().removeprefix("[").removesuffix("]")
    return Target(scheme, host, port or DEFAULT_PORTS.get(scheme, 0))


def client_target(url: str) -> Target:
    """Where requests connects for `url`: urllib3's reading of the URL requests prepares.
    Raises ValueError for a URL requests would not send."""
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, None)
        parts = parse_url(prepared.url or "")
    except (requests.RequestException, LocationParseError) as exc:
        raise ValueError(str(exc)) from exc
    return _target(parts.scheme, parts.host, parts.port)


def odd_character(text: str) -> str:
    """What in `text` parsers read differently ("a backslash", ...), or ""."""
    for character in text:
        if character == "\\":
            return "a backslash"
        if character.isspace() or unicodedata.category(character) == "Cc":
            return "whitespace or a control character"
    return ""


def refusal(url: str, allowed_hosts: set[str]) -> str:
    """Why `url` may not be requested, or "" when it may. `allowed_hosts` are lower-case."""
    odd = odd_character(url)
    if odd:
        return f"refused URL with {odd} in it"
    split = urlsplit(url)
    scheme = split.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return f"refused URL scheme {scheme!r}"
    try:
        client = client_target(url)
        stdlib = _target(split.scheme, split.hostname, split.port)
        user_info = "@" in split.netloc or parse_url(url).auth is not None
    except ValueError:  # LocationParseError and requests' InvalidURL are ValueErrors too
        return "refused malformed URL"
    if user_info:
        return "refused URL with user info (an @ before its host)"
    if client != stdlib:
        return f"refused URL read as two hosts ({client.name!r} or {stdlib.name!r})"
    if not client.allowed_by(allowed_hosts):
        return f"refused host {client.name!r} (not in AVATAR_ALLOWED_HOSTS)"
    return ""


def redirect_target(url: str, location: str) -> tuple[str, str]:
    """The URL a redirect from `url` to `location` leads to, and why it may not be followed
    ("" when it may, as far as the Location itself goes: the URL is judged on its own next).
    Checked before joining, as joining drops tabs and newlines."""
    odd = odd_character(location)
    if odd:
        return "", f"refused redirect with {odd} in its Location"
    return urljoin(url, location), ""

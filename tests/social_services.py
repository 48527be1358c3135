"""Local stand-ins for Mastodon, Bluesky, Codeberg and Libravatar, and a stand-in DNS.

`SocialServer` speaks real HTTP/1.1 (optionally TLS) on any loopback address and port, so a
test can put an instance on 127.0.0.1, its picture host on 127.0.0.2, and a server that must
see nothing on the address a refused name resolves to::

    with SocialServer() as instance, SocialServer("127.0.0.2") as pictures:
        pictures.set_file("/ada.png", make_png())
        instance.set_mastodon("ada", pictures.url("/ada.png"))

Routes, as the real services answer them:

* ``/api/v1/accounts/lookup?acct=USER``: Mastodon's account JSON (`avatar_static`), else 404.
* ``/xrpc/app.bsky.actor.getProfile?actor=HANDLE``: Bluesky's profile JSON (`avatar`), else
  400 with ``{"error": "InvalidRequest", "message": "Profile not found"}``.
* ``/api/v1/users/USER``: Codeberg's (Forgejo's) user JSON (`avatar_url`), else 404.
* ``/avatar/HASH``: Libravatar; an unknown hash is 404 (as with ``d=404``).
* any path given to `set_file`; `set_status` makes a path answer with a status of its own.

Every answer has an `ETag` and honours `If-None-Match` with 304. `connections` counts the
connections accepted (a refused host must cost none), `requests` logs each request.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

MISSING_MASTODON_PICTURE = "/avatars/original/missing.png"


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it."""

    path: str
    query: dict[str, str]
    host_header: str
    conditional: bool


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    social: SocialServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look the name up (getfqdn): not needed here.
        http.server.socketserver.TCPServer.server_bind(self)  # type: ignore[attr-defined]
        self.server_name, self.server_port = self.server_address[:2]

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.social.lock:
            self.social.connections += 1
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError):
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        social = self.server.social
        split = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(split.query).items()}
        seen = Seen(
            split.path, query, self.headers.get("Host", ""), "If-None-Match" in self.headers
        )
        with social.lock:
            social.requests.append(seen)
        status, body, content_type = social.answer(split.path, query)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == 200:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


def _json(data: dict[str, Any]) -> tuple[int, bytes, str]:
    return 200, json.dumps(data).encode(), "application/json; charset=utf-8"


class SocialServer:
    """Fake Mastodon instance, Bluesky API, Codeberg API, Libravatar and picture host."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.host = host
        self.lock = threading.Lock()
        self.requests: list[Seen] = []
        self.connections = 0
        self._files: dict[str, tuple[bytes, str]] = {}
        self._statuses: dict[str, int] = {}
        self._mastodon: dict[str, dict[str, Any]] = {}
        self._bluesky: dict[str, dict[str, Any]] = {}
        self._codeberg: dict[str, dict[str, Any]] = {}
        self.server_names: list[str] = []  # what TLS clients sent as server name (SNI)
        self._server = _Server((host, port), _Handler)
        self._server.social = self
        if tls is not None:
            tls.sni_callback = self._note_server_name
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port: int = self._server.server_address[1]
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"social-server-{host}",
            daemon=True,
        )

    def _note_server_name(self, sock: Any, name: str | None, context: Any) -> None:
        with self.lock:
            self.server_names.append(name or "")

    # -- lifecycle
    def __enter__(self) -> SocialServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()

    # -- addresses
    @property
    def base_url(self) -> str:
        default = {"http": 80, "https": 443}[self.scheme]
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def mastodon_url(self) -> str:
        return self.base_url + "/api/v1/accounts/lookup?acct={user}"

    @property
    def bluesky_url(self) -> str:
        return self.base_url + "/xrpc/app.bsky.actor.getProfile?actor={handle}"

    @property
    def codeberg_url(self) -> str:
        return self.base_url + "/api/v1/users/{user}"

    @property
    def libravatar_url(self) -> str:
        return self.base_url + "/avatar/{hash}?s={size}&d=404"

    # -- content
    def set_file(self, path: str, body: bytes, content_type: str = "image/png") -> None:
        with self.lock:
            self._files[path] = (body, content_type)

    def set_status(self, path: str, status: int) -> None:
        with self.lock:
            self._statuses[path] = status

    def set_mastodon(self, user: str, avatar_static: str | None) -> None:
        """An account; `avatar_static` None gives Mastodon's default picture."""
        picture = avatar_static or self.url(MISSING_MASTODON_PICTURE)
        account = {"id": "1", "username": user, "acct": user, "avatar": picture}
        with self.lock:
            self._mastodon[user.lower()] = {**account, "avatar_static": picture}

    def set_bluesky(self, handle: str, avatar: str | None) -> None:
        """A profile; `avatar` None: one without a picture (no `avatar` key at all)."""
        profile: dict[str, Any] = {"did": "did:plc:" + "a" * 24, "handle": handle}
        if avatar is not None:
            profile["avatar"] = avatar
        with self.lock:
            self._bluesky[handle.lower()] = profile

    def set_codeberg(self, user: str, avatar_url: str) -> None:
        with self.lock:
            self._codeberg[user.lower()] = {"id": 1, "login": user, "avatar_url": avatar_url}

    def set_answer(self, kind: str, key: str, answer: dict[str, Any]) -> None:
        """Any JSON (a hostile answer) for a Mastodon user, Bluesky handle or Codeberg user."""
        table = {"mastodon": self._mastodon, "bluesky": self._bluesky, "codeberg": self._codeberg}
        with self.lock:
            table[kind][key.lower()] = answer

    # -- log
    def count(self, path_start: str = "") -> int:
        with self.lock:
            return sum(1 for seen in self.requests if seen.path.startswith(path_start))

    # -- answers
    def answer(self, path: str, query: dict[str, str]) -> tuple[int, bytes, str]:
        with self.lock:
            status = self._statuses.get(path)
            if status is not None:
                return status, b"{}", "application/json"
            if path in self._files:
                body, content_type = self._files[path]
                return 200, body, content_type
            if path == "/api/v1/accounts/lookup":
                account = self._mastodon.get(query.get("acct", "").lower())
                if account is None:
                    return 404, b'{"error":"Record not found"}', "application/json"
                return _json(account)
            if path == "/xrpc/app.bsky.actor.getProfile":
                profile = self._bluesky.get(query.get("actor", "").lower())
                if profile is None:
                    body = b'{"error":"InvalidRequest","message":"Profile not found"}'
                    return 400, body, "application/json"
                return _json(profile)
            if path.startswith("/api/v1/users/"):
                user = self._codeberg.get(path.removeprefix("/api/v1/users/").lower())
                return _json(user) if user is not None else (404, b"{}", "application/json")
        return 404, b"Not Found\n", "text/plain"


def stand_in_dns(answers: dict[str, list[str] | Callable[[], list[str]]]) -> Callable:
    """A resolver for `net.addresses.system_lookup`'s place: each name answers its addresses
    (or what its function answers, asked anew on every lookup); any other name is unknown."""
    calls: list[str] = []

    def lookup(host: str, port: int) -> list[str]:
        calls.append(host)
        answer = answers.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answer() if callable(answer) else list(answer)

    lookup.calls = calls  # type: ignore[attr-defined]
    return lookup


def privileged_server(host: str, port: int, tls: ssl.SSLContext | None = None) -> SocialServer:
    """A server on a usual port (80 or 443) of a loopback address, where a test needs one
    (a refused host is refused on its usual port); skips the test where it cannot bind."""
    try:
        return SocialServer(host, port, tls)
    except PermissionError:
        pytest.skip(f"binding {host}:{port} needs root")
    except OSError as exc:
        pytest.skip(f"cannot bind {host}:{port} ({exc.strerror})")


@pytest.fixture
def social_server() -> Iterator[SocialServer]:
    with SocialServer() as server:
        yield server


@pytest.fixture
def picture_host() -> Iterator[SocialServer]:
    """A picture host on another loopback address than the instance (127.0.0.2)."""
    with SocialServer("127.0.0.2") as server:
        yield server


@contextlib.contextmanager
def listening(host: str, port: int) -> Iterator[SocialServer]:
    with privileged_server(host, port) as server:
        yield server

"""A local HTTP server that stands in for Gravatar and GitHub avatars in tests.

Standard library only (plus Pillow for the image helpers). It speaks real HTTP/1.1 with
keep-alive on 127.0.0.1 and an ephemeral port, so the plugin's fetcher runs unchanged
against it::

    with AvatarServer() as server:
        server.set_gravatar(gravatar_hash("ada@example.org"), make_jpeg())
        settings["AVATAR_GRAVATAR_URL"] = server.gravatar_url
        settings["AVATAR_GITHUB_URL"] = server.github_url

Routes:

* ``/avatar/<hash>[.ext]?s=..&d=404`` -- Gravatar; unknown hash -> 404.
* ``/gh/<user>.png?size=..`` -- GitHub; a known user -> 302 to ``/ghavatars/u/<id>?s=..&v=4``,
  which serves the image; unknown user -> 404 (both steps).
* any path given to :meth:`AvatarServer.set_path`.

Images come with ``ETag`` (quoted sha256 of the body), ``Last-Modified`` and
``Cache-Control: max-age=300`` and honour ``If-None-Match`` / ``If-Modified-Since`` with 304.

:meth:`AvatarServer.set_behaviour` makes a hash, a user or a path misbehave (errors, slowness,
resets, lying bodies, redirects...). Every wait in the server watches a stop event and the
client connection, and :meth:`AvatarServer.stop` shuts down every open connection, so stopping
leaves no thread and no socket behind.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import http.server
import io
import itertools
import select
import socket
import socketserver
import struct
import sys
import threading
import time
import traceback
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

HOST = "127.0.0.1"
CACHE_CONTROL = "max-age=300"
ENDLESS_CAP = 64 * 1024 * 1024
ENDLESS_CLAIMED_LENGTH = 4 * 1024 * 1024 * 1024
BOMB_SIZE = 60_000
FIRST_GITHUB_ID = 583_231
MAX_REQUEST_BODY = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Option names each behaviour accepts (anything else is a typo and raises TypeError).
BEHAVIOURS: dict[str, frozenset[str]] = {
    "ok": frozenset(),
    "status": frozenset({"code", "headers", "body"}),
    "retry_after": frozenset({"seconds", "code"}),
    "slow": frozenset({"delay"}),
    "slow_body": frozenset({"delay", "chunk_size"}),
    "reset": frozenset(),
    "short_body": frozenset({"sent"}),
    "html_body": frozenset(),
    "svg_body": frozenset(),
    "endless": frozenset({"content_length", "chunked", "cap", "claimed_length"}),
    "bomb": frozenset({"width", "height"}),
    "redirect": frozenset({"location", "code", "verbatim"}),
    "redirect_loop": frozenset({"code"}),
    "redirect_chain": frozenset({"hops", "code"}),
    "sequence": frozenset({"steps"}),
}

# "name:arg" in a sequence step sets this option.
_STEP_ARGUMENT = {
    "status": ("code", int),
    "retry_after": ("seconds", lambda text: int(text) if text.isdigit() else text),
    "slow": ("delay", float),
    "slow_body": ("delay", float),
    "short_body": ("sent", int),
    "redirect": ("location", str),
    "redirect_chain": ("hops", int),
}

HTML_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
    b"<body><p>Please sign in to continue.</p></body></html>\n"
)
SVG_BODY = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80" onload="alert(1)">'
    b'<script>alert("xss")</script><rect width="80" height="80" fill="red"/></svg>\n'
)


# --------------------------------------------------------------------------- image helpers


def gravatar_hash(email_address: str) -> str:
    """Gravatar's hash of an e-mail address: sha256 of the trimmed, lower-cased address."""
    return hashlib.sha256(email_address.strip().lower().encode("utf-8")).hexdigest()


def make_jpeg(
    colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (80, 80)
) -> bytes:
    """A plain JPEG of one colour (deterministic bytes for equal arguments)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_png(colour: tuple[int, ...] = (30, 120, 200), size: tuple[int, int] = (80, 80)) -> bytes:
    """A plain PNG of one colour; a 4-tuple colour gives an RGBA image."""
    buffer = io.BytesIO()
    Image.new("RGBA" if len(colour) == 4 else "RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def tiny_png(colour: tuple[int, int, int] = (0, 0, 0)) -> bytes:
    """A valid 1×1 RGB PNG built with the standard library only."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(colour))
    return (
        PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def make_bomb_png(width: int = BOMB_SIZE, height: int = BOMB_SIZE) -> bytes:
    """A tiny PNG whose IHDR claims `width`×`height` (a 1×1 PNG with a patched, re-CRC'd IHDR)."""
    png = bytearray(tiny_png())
    assert png[12:16] == b"IHDR"
    png[16:24] = struct.pack(">II", width, height)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])) & 0xFFFFFFFF)
    return bytes(png)


# --------------------------------------------------------------------------- records


@dataclass
class RequestRecord:
    """One request as the server saw it. Times are `time.monotonic()` values."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    client_port: int
    started: float
    ended: float | None = None
    status: int | None = None  # the status line sent; None when no response was sent
    behaviour: str | None = None  # the behaviour (sequence step) applied, None for plain routing
    bytes_sent: int = 0  # body bytes written

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def params(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(self.query).items()}

    @property
    def duration(self) -> float | None:
        return None if self.ended is None else self.ended - self.started

    def header(self, name: str, default: str | None = None) -> str | None:
        """A request header, looked up case-insensitively."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return default

    @property
    def conditional(self) -> bool:
        return (
            self.header("If-None-Match") is not None or self.header("If-Modified-Since") is not None
        )


@dataclass(frozen=True)
class _Item:
    body: bytes
    content_type: str
    etag: str
    last_modified: int  # Unix seconds

    @property
    def last_modified_http(self) -> str:
        return email.utils.formatdate(self.last_modified, usegmt=True)


@dataclass(frozen=True)
class _Behaviour:
    name: str
    options: dict[str, Any] = field(default_factory=dict)


def _make_behaviour(name: str, options: dict[str, Any]) -> _Behaviour:
    if name not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {name!r}; known: {', '.join(sorted(BEHAVIOURS))}")
    unknown = set(options) - BEHAVIOURS[name]
    if unknown:
        raise TypeError(f"behaviour {name!r} takes no option(s) {', '.join(sorted(unknown))}")
    if name == "redirect" and "location" not in options:
        raise TypeError("behaviour 'redirect' needs location=...")
    if name == "sequence":
        steps = [_parse_step(step) for step in options.get("steps", ())]
        if not steps:
            raise ValueError("behaviour 'sequence' needs a non-empty steps=[...]")
        return _Behaviour(name, {"steps": steps})
    return _Behaviour(name, dict(options))


def _parse_step(step: Any) -> _Behaviour:
    """A sequence step: "name", "name:arg", (name, {options}) or {"behaviour": name, ...}."""
    if isinstance(step, _Behaviour):
        return step
    if isinstance(step, str):
        name, _, argument = step.partition(":")
        if not argument:
            return _make_behaviour(name, {})
        if name not in _STEP_ARGUMENT:
            raise ValueError(f"behaviour {name!r} takes no ':argument' in a sequence step")
        option, convert = _STEP_ARGUMENT[name]
        return _make_behaviour(name, {option: convert(argument)})
    if isinstance(step, tuple) and len(step) == 2:
        return _make_behaviour(step[0], dict(step[1]))
    if isinstance(step, dict) and "behaviour" in step:
        options = dict(step)
        return _make_behaviour(options.pop("behaviour"), options)
    raise TypeError(f"cannot read sequence step {step!r}")


def _route(path: str) -> tuple[str, str] | None:
    """("gravatar", hash) / ("github", user) / ("github_image", id) / ("loop", token) /
    ("chain", "token/i/n") for the server's own routes, else None."""
    parts = path.split("/")
    if len(parts) == 3 and parts[1] == "avatar" and parts[2]:
        return "gravatar", parts[2].split(".", 1)[0].lower()
    if len(parts) == 3 and parts[1] == "gh" and parts[2].endswith(".png") and len(parts[2]) > 4:
        return "github", parts[2][:-4].lower()
    if len(parts) == 4 and parts[1:3] == ["ghavatars", "u"] and parts[3].isdigit():
        return "github_image", parts[3]
    if len(parts) == 3 and parts[1] == "_loop":
        return "loop", parts[2]
    if len(parts) == 5 and parts[1] == "_chain":
        return "chain", "/".join(parts[2:])
    return None


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip() for tag in if_none_match.split(","))
    return any(tag.removeprefix("W/") == etag for tag in tags)


# --------------------------------------------------------------------------- HTTP plumbing


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    avatar: AvatarServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handler_threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        # ThreadingMixIn does not keep daemon threads for server_close() to join: keep them here.
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"avatar-server-handler-{client_address[1]}",
            daemon=True,
        )
        with self._threads_lock:
            self.handler_threads[:] = [t for t in self.handler_threads if t.is_alive()]
            self.handler_threads.append(thread)
        thread.start()

    def join_handlers(self, timeout: float) -> list[threading.Thread]:
        """Join every handler thread; the ones still alive after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._threads_lock:
            threads = list(self.handler_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [thread for thread in threads if thread.is_alive()]

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn(), a DNS lookup; not needed here.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        self.avatar.errors.append(traceback.format_exc())
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AvatarServer/1.0"
    sys_version = ""
    # Headers and body go out in separate writes: with Nagle's algorithm on, the body waits
    # for the client's delayed ACK of the headers (40 ms on Linux) on every keep-alive
    # request. Real avatar services do not add that, so neither does this server.
    disable_nagle_algorithm = True
    server: _HTTPServer

    _record: RequestRecord | None = None

    # -- connection lifecycle

    def setup(self) -> None:
        self.avatar = self.server.avatar
        self.timeout = self.avatar.handler_timeout
        super().setup()
        self.avatar._register(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.avatar._unregister(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        if self._record is not None:
            self._record.status = code
        super().send_response(code, message)

    # -- methods

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        record = RequestRecord(
            method=self.command,
            path=split.path,
            query=split.query,
            headers=dict(self.headers.items()),
            client_port=self.client_address[1],
            started=time.monotonic(),
        )
        self._record = record
        self.avatar._begin(record)
        try:
            self._discard_request_body()
            if self.command not in ("GET", "HEAD"):
                self._send(405, b"Method Not Allowed\n", headers={"Allow": "GET, HEAD"})
            elif self.avatar.latency > 0 and not self._pause(self.avatar.latency):
                self.close_connection = True
            else:
                self._handle(split.path)
        except OSError:  # the client went away, or stop() shut the socket down
            self.close_connection = True
        finally:
            record.ended = time.monotonic()
            self._record = None
            self.avatar._end()

    def _discard_request_body(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return
        length = self.headers.get("Content-Length", "0").strip() or "0"
        if not length.isdigit() or int(length) > MAX_REQUEST_BODY:
            self.close_connection = True
        elif int(length):
            self.rfile.read(int(length))

    # -- waiting

    def _client_gone(self) -> bool:
        """True once the client has closed (or reset) its end of the connection."""
        try:
            if hasattr(select, "poll"):  # not limited to descriptors below FD_SETSIZE
                poller = select.poll()
                poller.register(self.connection, select.POLLIN)
                readable = bool(poller.poll(0))
            else:  # pragma: no cover - platforms without poll()
                readable = bool(select.select([self.connection], [], [], 0)[0])
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _pause(self, seconds: float) -> bool:
        """Wait; False as soon as the server stops or the client disconnects."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            if self.avatar._stop.wait(min(remaining, 0.05)) or self._client_gone():
                return False

    # -- writing

    def _write_body(self, data: bytes) -> None:
        if self.command == "HEAD" or not data:
            return
        self.wfile.write(data)
        if self._record is not None:
            self._record.bytes_sent += len(data)

    def _send(
        self,
        code: int,
        body: bytes = b"",
        content_type: str = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        no_body = code in (204, 304) or code < 200
        merged: dict[str, str] = {}
        if body and not no_body:
            merged["Content-Type"] = content_type
        if not no_body:
            merged["Content-Length"] = str(len(body))
        lowered = {name.lower(): name for name in merged}
        for name, value in (headers or {}).items():
            merged.pop(lowered.get(name.lower(), name), None)
            merged[name] = str(value)
        self.send_response(code)
        for name, value in merged.items():
            self.send_header(name, value)
        self.end_headers()
        if not no_body:
            self._write_body(body)

    def _redirect(self, location: str, code: int = 302) -> None:
        if location.startswith("/"):
            location = self.avatar.base_url + location
        self._send(code, headers={"Location": location})

    def _not_found(self) -> None:
        self._send(404, b"404 Not Found\n")

    def _validators(self, item: _Item) -> dict[str, str]:
        return {
            "ETag": item.etag,
            "Last-Modified": item.last_modified_http,
            "Cache-Control": CACHE_CONTROL,
        }

    def _serve_item(self, item: _Item) -> None:
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        not_modified = False
        if if_none_match is not None:
            not_modified = _etag_matches(if_none_match, item.etag)
        elif if_modified_since is not None:
            parsed = email.utils.parsedate_tz(if_modified_since)
            not_modified = (
                parsed is not None and email.utils.mktime_tz(parsed) >= item.last_modified
            )
        if not_modified:
            self._send(304, headers=self._validators(item))
        else:
            self._send(200, item.body, item.content_type, self._validators(item))

    # -- routing

    def _handle(self, path: str) -> None:
        key, step = self.avatar._behaviour_for(path)
        if step is None or step.name == "ok":
            self._serve_route(path)
            return
        assert self._record is not None
        assert key is not None
        self._record.behaviour = step.name
        getattr(self, f"_behave_{step.name}")(key, path, **step.options)

    def _serve_route(self, path: str) -> None:
        avatar = self.avatar
        item = avatar._item(("path", path))
        if item is not None:
            self._serve_item(item)
            return
        route = _route(path)
        kind, name = route if route else ("", "")
        if kind == "gravatar":
            item = avatar._item(("gravatar", name))
        elif kind == "github_image":
            user = avatar._github_user(int(name))
            item = avatar._item(("github", user)) if user else None
        elif kind == "github":
            if avatar._item(("github", name)) is None:
                self._not_found()
                return
            size = self._record.params.get("size") if self._record else None
            query = f"?s={size}&v=4" if size else "?v=4"
            self._redirect(avatar.github_image_path(name) + query)
            return
        elif kind == "loop":
            back = avatar._loop_back.get(name)
            if back is not None:
                self._redirect(back)
                return
        elif kind == "chain":
            self._chain_hop(name)
            return
        if item is None:
            self._not_found()
        else:
            self._serve_item(item)

    def _chain_hop(self, spec: str) -> None:
        token, hop, hops = spec.split("/")
        key = self.avatar._token_keys.get(token)
        if key is None or not hop.isdigit() or not hops.isdigit():
            self._not_found()
        elif int(hop) < int(hops):
            self._redirect(f"/_chain/{token}/{int(hop) + 1}/{hops}")
        else:
            self._serve_item(self.avatar._key_item(key))

    # -- behaviours (key is the behaviour's key: a hash, a user name or a path)

    def _behave_status(
        self,
        key: str,
        path: str,
        code: int = 500,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> None:
        self._send(code, body, headers=headers)

    def _behave_retry_after(self, key: str, path: str, seconds: Any = 1, code: int = 503) -> None:
        self._send(code, b"Service Unavailable\n", headers={"Retry-After": str(seconds)})

    def _behave_slow(self, key: str, path: str, delay: float = 2.0) -> None:
        if self._pause(delay):
            self._serve_route(path)
        else:
            self.close_connection = True

    def _behave_slow_body(
        self, key: str, path: str, delay: float = 0.2, chunk_size: int = 32
    ) -> None:
        item = self.avatar._key_item(key)
        self.send_response(200)
        self.send_header("Content-Type", item.content_type)
        self.send_header("Content-Length", str(len(item.body)))
        for name, value in self._validators(item).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        for start in range(0, len(item.body), chunk_size):
            if not self._pause(delay):
                self.close_connection = True
                return
            self._write_body(item.body[start : start + chunk_size])

    def _behave_reset(self, key: str, path: str) -> None:
        """Close with SO_LINGER 0, so the kernel answers with RST: the client sees ECONNRESET."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # rfile holds a reference to the socket: close it first so close() is real.
        self.rfile.close()
        self.connection.close()

    def _behave_short_body(self, key: str, path: str, sent: int | None = None) -> None:
        item = self.avatar._key_item(key)
        body = item.body
        count = len(body) // 2 if sent is None else max(0, min(sent, len(body) - 1))
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", item.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self._write_body(body[:count])

    def _behave_html_body(self, key: str, path: str) -> None:
        self._send(200, HTML_BODY, "image/jpeg", {"Cache-Control": CACHE_CONTROL})

    def _behave_svg_body(self, key: str, path: str) -> None:
        self._send(200, SVG_BODY, "image/svg+xml", {"Cache-Control": CACHE_CONTROL})

    def _behave_bomb(
        self, key: str, path: str, width: int = BOMB_SIZE, height: int = BOMB_SIZE
    ) -> None:
        body = make_bomb_png(width, height)
        etag = '"' + hashlib.sha256(body).hexdigest() + '"'
        self._send(200, body, "image/png", {"ETag": etag, "Cache-Control": CACHE_CONTROL})

    def _behave_endless(
        self,
        key: str,
        path: str,
        content_length: bool = True,
        chunked: bool = True,
        cap: int = ENDLESS_CAP,
        claimed_length: int = ENDLESS_CLAIMED_LENGTH,
    ) -> None:
        chunked = chunked and not content_length and self.request_version == "HTTP/1.1"
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        if content_length:
            self.send_header("Content-Length", str(claimed_length))
        elif chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")  # also sets close_connection
        self.end_headers()
        if self.command == "HEAD":
            return
        block = PNG_SIGNATURE + bytes(65536 - len(PNG_SIGNATURE))
        sent = 0
        while sent < cap and not self.avatar._stop.is_set():
            data = block[: cap - sent]
            if chunked:
                self.wfile.write(b"%X\r\n" % len(data) + data + b"\r\n")
                if self._record is not None:
                    self._record.bytes_sent += len(data)
            else:
                self._write_body(data)
            sent += len(data)
            block = bytes(65536)

    def _behave_redirect(
        self, key: str, path: str, location: str, code: int = 302, verbatim: bool = False
    ) -> None:
        if verbatim:  # a relative or odd Location as a hostile server would send it
            self._send(code, headers={"Location": location})
        else:
            self._redirect(location, code)

    def _behave_redirect_loop(self, key: str, path: str, code: int = 302) -> None:
        token = self.avatar._token(key)
        self.avatar._loop_back[token] = self.path
        self._redirect(f"/_loop/{token}", code)

    def _behave_redirect_chain(self, key: str, path: str, hops: int = 3, code: int = 302) -> None:
        if hops <= 0:
            self._serve_item(self.avatar._key_item(key))
        else:
            self._redirect(f"/_chain/{self.avatar._token(key)}/1/{hops}", code)


# --------------------------------------------------------------------------- the server


class AvatarServer:
    """Fake Gravatar + GitHub avatar host on 127.0.0.1 (see the module docstring).

    `latency` (seconds) delays every request; `handler_timeout` is the socket timeout of
    each connection (idle keep-alive connections and stuck writes end after it).
    """

    host = HOST

    def __init__(self, *, latency: float = 0.0, handler_timeout: float = 5.0) -> None:
        self.latency = latency
        self.handler_timeout = handler_timeout
        self.errors: list[str] = []  # tracebacks of unexpected handler errors
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._items: dict[tuple[str, str], _Item] = {}
        self._last_modified: dict[tuple[str, str], int] = {}
        self._behaviours: dict[str, _Behaviour] = {}
        self._sequence_position: dict[str, int] = {}
        self._github_ids: dict[str, int] = {}
        self._github_users: dict[int, str] = {}
        self._next_github_id = itertools.count(FIRST_GITHUB_ID)
        self._tokens: dict[str, str] = {}
        self._token_keys: dict[str, str] = {}
        self._loop_back: dict[str, str] = {}
        self._log: list[RequestRecord] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    # -- lifecycle

    def start(self) -> AvatarServer:
        if self._httpd is not None or self._stop.is_set():
            raise RuntimeError("an AvatarServer can be started once")
        httpd = _HTTPServer((HOST, 0), _Handler)
        httpd.avatar = self
        self._httpd = httpd
        self._port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"avatar-server-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end every handler and close every socket. Idempotent."""
        httpd, thread = self._httpd, self._thread
        self._stop.set()
        if httpd is None or thread is None:
            return
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()  # closes the listening socket
        stuck = httpd.join_handlers(timeout=10)
        self._httpd = self._thread = None
        if thread.is_alive() or stuck:
            raise RuntimeError(f"avatar server threads did not stop: {[thread, *stuck]}")

    def __enter__(self) -> AvatarServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("AvatarServer not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def gravatar_url(self) -> str:
        return self.base_url + "/avatar/{hash}?s={size}&d=404"

    @property
    def github_url(self) -> str:
        return self.base_url + "/gh/{user}.png?size={size}"

    def github_image_path(self, user: str) -> str:
        """The path /gh/<user>.png redirects to (usable as a set_behaviour path key)."""
        user = user.lower()
        with self._lock:
            if user not in self._github_ids:
                number = next(self._next_github_id)
                self._github_ids[user] = number
                self._github_users[number] = user
            return f"/ghavatars/u/{self._github_ids[user]}"

    # -- content

    def set_gravatar(self, hash_hex: str, body: bytes, content_type: str = "image/jpeg") -> None:
        self._set_item(("gravatar", hash_hex.lower()), body, content_type)

    def set_github(self, user: str, body: bytes, content_type: str = "image/png") -> None:
        self.github_image_path(user)  # assigns the numeric id
        self._set_item(("github", user.lower()), body, content_type)

    def set_path(self, path: str, body: bytes, content_type: str = "image/png") -> None:
        """Serve an image at an arbitrary path (same validators and 304 handling)."""
        if not path.startswith("/"):
            raise ValueError("a path starts with '/'")
        self._set_item(("path", path), body, content_type)

    def remove(self, key: str) -> None:
        """Forget a hash, user or path (and its behaviour): it answers 404 from now on."""
        normal = _normal_key(key)
        with self._lock:
            for kind in ("path",) if normal.startswith("/") else ("gravatar", "github"):
                self._items.pop((kind, normal), None)
            self._behaviours.pop(normal, None)

    def set_behaviour(self, path_key: str, behaviour: str, **options: Any) -> None:
        """Make a gravatar hash, github user or "/path" misbehave (see BEHAVIOURS)."""
        made = _make_behaviour(behaviour, options)
        key = _normal_key(path_key)
        with self._lock:
            self._behaviours[key] = made
            self._sequence_position[key] = 0

    def _set_item(self, key: tuple[str, str], body: bytes, content_type: str) -> None:
        body = bytes(body)
        with self._lock:
            old = self._items.get(key)
            if old is not None and old.body == body and old.content_type == content_type:
                return
            now = int(time.time())
            previous = self._last_modified.get(key)
            last_modified = now if previous is None else max(now, previous + 1)
            self._last_modified[key] = last_modified
            etag = '"' + hashlib.sha256(body).hexdigest() + '"'
            self._items[key] = _Item(body, content_type, etag, last_modified)

    # -- log

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def count(self, path_contains: str = "") -> int:
        """Requests whose target (path plus query) contains `path_contains`."""
        return sum(1 for record in self.requests if path_contains in record.target)

    def conditional_count(self) -> int:
        """Requests that carried If-None-Match or If-Modified-Since."""
        return sum(1 for record in self.requests if record.conditional)

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._connections)

    def reset_log(self) -> None:
        """Clear the request log; max_in_flight restarts from the requests in flight now."""
        with self._lock:
            self._log.clear()
            self._max_in_flight = self._in_flight

    def wait_idle(self, timeout: float = 5.0, connections: bool = True) -> bool:
        """Wait until no request is in flight (and, by default, no connection is open)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._in_flight == 0 and not (connections and self._connections):
                    return True
            time.sleep(0.01)
        return False

    # -- used by the handler

    def _register(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
        if self._stop.is_set():
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def _unregister(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _begin(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _item(self, key: tuple[str, str]) -> _Item | None:
        with self._lock:
            return self._items.get(key)

    def _github_user(self, number: int) -> str | None:
        with self._lock:
            return self._github_users.get(number)

    def _key_item(self, key: str) -> _Item:
        """The image a behaviour key stands for; a 1×1 PNG when it has none."""
        if key.startswith("/"):
            candidates = [("path", key)]
            route = _route(key)
            if route and route[0] in ("gravatar", "github"):
                candidates.append(route)
            elif route and route[0] == "github_image":
                user = self._github_user(int(route[1]))
                if user:
                    candidates.append(("github", user))
        else:
            candidates = [("gravatar", key), ("github", key)]
        for candidate in candidates:
            item = self._item(candidate)
            if item is not None:
                return item
        body = tiny_png()
        return _Item(body, "image/png", '"' + hashlib.sha256(body).hexdigest() + '"', 0)

    def _behaviour_for(self, path: str) -> tuple[str | None, _Behaviour | None]:
        """The behaviour step for a request path (a path key wins over a hash/user key)."""
        with self._lock:
            key: str | None = path if path in self._behaviours else None
            if key is None:
                route = _route(path)
                if route and route[0] in ("gravatar", "github") and route[1] in self._behaviours:
                    key = route[1]
            if key is None:
                return None, None
            behaviour = self._behaviours[key]
            if behaviour.name != "sequence":
                return key, behaviour
            steps = behaviour.options["steps"]
            position = self._sequence_position.get(key, 0)
            self._sequence_position[key] = position + 1
            return key, steps[min(position, len(steps) - 1)]

    def _token(self, key: str) -> str:
        with self._lock:
            if key not in self._tokens:
                token = str(len(self._tokens) + 1)
                self._tokens[key] = token
                self._token_keys[token] = key
            return self._tokens[key]


def _normal_key(key: str) -> str:
    return key if key.startswith("/") else key.lower()


@pytest.fixture
def avatar_server() -> Iterator[AvatarServer]:
    """A started AvatarServer, stopped (threads joined, sockets closed) after the test."""
    with AvatarServer() as server:
        yield server

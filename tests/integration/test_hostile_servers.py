"""Hostile avatar servers, one row each, through real builds against a local HTTP server.

Every row runs twice:

* cold: nothing cached; Gravatar misbehaves, so the member gets the next source (GitHub);
* stale: a good Gravatar picture is cached by an earlier build; the refresh (AVATAR_MAX_AGE=0)
  meets the misbehaving server and the cached picture is kept, byte for byte.

Either way the build succeeds within a few seconds, one warning names the member file and the
reason, no rejected body (nor a render of one) enters the cache, the failure is remembered so
the next build asks nobody, and the server sees every connection closed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from avatar_server import ENDLESS_CAP, AvatarServer, gravatar_hash
from helpers import (
    BLUE,
    GREEN,
    RED,
    body_shas,
    cache_keys,
    cache_value,
    jpeg,
    near,
    plugin_warnings,
    png,
    render_sources,
    sha256,
    warnings_about,
)

EMAIL, GITHUB_USER = "grace@example.org", "grace-gh"
HASH = gravatar_hash(EMAIL)
GRAVATAR_BODY, GITHUB_BODY = jpeg(RED), png(GREEN)
MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class Row:
    behaviour: str
    options: Callable[[Any], dict[str, Any]] = lambda server: {}
    reason: str = ""
    settings: dict[str, Any] = field(default_factory=dict)


def to(location: str) -> Callable[[Any], dict[str, Any]]:
    return lambda server: {"location": location.format(port=server.port, hash=HASH)}


ROWS = {
    "500": Row("status", lambda server: {"code": 500}, "HTTP 500"),
    "503 with Retry-After": Row(
        "retry_after", lambda server: {"seconds": 120}, "HTTP 503", {"AVATAR_RETRY_AFTER": 10}
    ),
    "no answer past the timeout": Row("slow", lambda server: {"delay": 5}, "timed out"),
    "body trickling past the timeout": Row(
        "slow_body", lambda server: {"delay": 0.3, "chunk_size": 16}, "AVATAR_TIMEOUT"
    ),
    "connection reset": Row("reset", reason="connection"),
    "body shorter than its Content-Length": Row("short_body", reason="connection broken"),
    "HTML body as image/jpeg": Row("html_body", reason="not an image"),
    "SVG body with a script": Row("svg_body", reason="SVG"),
    "empty 200 body": Row("status", lambda server: {"code": 200}, "empty"),
    "endless body with Content-Length": Row(
        "endless", lambda server: {"content_length": True}, "AVATAR_MAX_BYTES"
    ),
    "endless chunked body": Row(
        "endless", lambda server: {"content_length": False}, "AVATAR_MAX_BYTES"
    ),
    "endless body until close": Row(
        "endless",
        lambda server: {"content_length": False, "chunked": False},
        "AVATAR_MAX_BYTES",
    ),
    "decompression bomb": Row("bomb", reason="image too large"),
    "redirect to a host not allowed": Row(
        "redirect", to("http://avatars.example.net/{hash}.png"), "AVATAR_ALLOWED_HOSTS"
    ),
    "redirect to 127.0.0.2": Row(
        "redirect", to("http://127.0.0.2:{port}/avatar/{hash}"), "AVATAR_ALLOWED_HOSTS"
    ),
    "redirect to [::1]": Row(
        "redirect", to("http://[::1]:{port}/avatar/{hash}"), "AVATAR_ALLOWED_HOSTS"
    ),
    "redirect with user info before an IP": Row(
        "redirect", to("http://localhost:{port}@127.0.0.2:{port}/x.png"), "user info"
    ),
    "redirect to a file: URL": Row("redirect", to("file:///etc/passwd"), "scheme"),
    "redirect loop": Row("redirect_loop", reason="redirect loop"),
    "too many redirects": Row("redirect_chain", lambda server: {"hops": 6}, "more than 5"),
}


@pytest.fixture
def hostile_site(site, avatar_server):
    # Only "localhost" and the server's own redirect target are allowed: IP literals of the
    # same machine (127.0.0.2, [::1]) must still be refused.
    site.settings.update(
        AVATAR_GRAVATAR_URL=f"http://localhost:{avatar_server.port}/avatar/{{hash}}?s={{size}}",
        AVATAR_GITHUB_URL=avatar_server.github_url,
        AVATAR_ALLOWED_HOSTS=["localhost", "127.0.0.1"],
        AVATAR_TIMEOUT=0.5,
        AVATAR_MAX_BYTES=MAX_BYTES,
    )
    avatar_server.set_gravatar(HASH, GRAVATAR_BODY)
    avatar_server.set_github(GITHUB_USER, GITHUB_BODY)
    site.member("grace", "Grace Hopper", email=EMAIL, github=GITHUB_USER)
    return site


def gravatar_url(server) -> str:
    return f"http://localhost:{server.port}/avatar/{HASH}?s=320"


def check_bounded_and_closed(server, started: float) -> None:
    assert time.monotonic() - started < 4
    # Every connection of the build is closed: the server saw the client go away.
    assert server.wait_idle(timeout=5)
    for record in server.requests:
        assert record.ended is not None
        assert record.bytes_sent < ENDLESS_CAP // 4, record


def check_failure_remembered(site, server, row: Row, caplog, **settings) -> None:
    failure = cache_value(site.cache / "avatars", f"fail:{gravatar_url(server)}")
    assert failure is not None
    assert row.reason in failure["reason"]
    if row.behaviour == "retry_after":
        assert failure["until"] > time.time() + 100  # the server's Retry-After: 120 wins
    server.reset_log()
    site.build(caplog, **row.settings, **settings)
    assert server.count() == 0  # not asked again yet


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_cold_build_uses_the_next_source(hostile_site, avatar_server, caplog, row):
    site = hostile_site
    avatar_server.set_behaviour(HASH, row.behaviour, **row.options(avatar_server))
    started = time.monotonic()
    result = site.build(caplog, **row.settings)
    check_bounded_and_closed(avatar_server, started)

    assert near(site.avatar("members/index.html", "grace").centre_colour(), GREEN)
    about = warnings_about(result.warnings, "grace.md")
    assert len(about) == 1, result.warnings
    assert "Gravatar" in about[0]
    assert row.reason in about[0]
    assert plugin_warnings(result.warnings) == about

    keys = cache_keys(site.cache / "avatars")
    assert body_shas(keys) == {sha256(GITHUB_BODY)}
    assert render_sources(keys) == {sha256(GITHUB_BODY)}
    check_failure_remembered(site, avatar_server, row, caplog)


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_stale_refresh_keeps_the_cached_avatar(hostile_site, avatar_server, caplog, row):
    site = hostile_site
    assert plugin_warnings(site.build(caplog).warnings) == []
    before = site.all_output()
    assert near(site.avatar("members/index.html", "grace").centre_colour(), RED)

    avatar_server.set_behaviour(HASH, row.behaviour, **row.options(avatar_server))
    avatar_server.reset_log()
    started = time.monotonic()
    result = site.build(caplog, AVATAR_MAX_AGE=0, **row.settings)
    check_bounded_and_closed(avatar_server, started)
    assert avatar_server.count(HASH) >= 1  # it was asked, and failed

    assert site.all_output() == before
    about = warnings_about(result.warnings, "grace.md")
    assert len(about) == 1, result.warnings
    assert row.reason in about[0]
    assert "keeping the cached copy" in about[0]
    assert plugin_warnings(result.warnings) == about

    keys = cache_keys(site.cache / "avatars")
    assert body_shas(keys) == {sha256(GRAVATAR_BODY)}
    assert render_sources(keys) == {sha256(GRAVATAR_BODY)}
    assert avatar_server.count(GITHUB_USER) == 0


def test_five_redirects_are_still_followed(hostile_site, avatar_server, caplog):
    avatar_server.set_behaviour(HASH, "redirect_chain", hops=5)
    result = hostile_site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    assert near(hostile_site.avatar("members/index.html", "grace").centre_colour(), RED)
    assert avatar_server.count("/_chain/") == 5


def test_endless_body_is_cut_at_max_bytes(hostile_site, avatar_server, caplog):
    avatar_server.set_behaviour(HASH, "endless", content_length=False)
    started = time.monotonic()
    hostile_site.build(caplog)
    assert time.monotonic() - started < 4
    assert avatar_server.wait_idle(timeout=5)
    (record,) = [r for r in avatar_server.requests if HASH in r.path]
    # The client stopped reading just past the cap; what the server got out on top of that
    # is what the socket buffers took before its writes failed.
    assert MAX_BYTES < record.bytes_sent < ENDLESS_CAP // 4


# Redirects to a second server that is not allowed, written so that one URL parser or another
# (or a browser) reads them as the allowed one: one row each, with the reason it is refused.
BYPASSES = {
    "backslash before @": (
        "http://127.0.0.1:{other}\\@127.0.0.1:{port}/avatar/{hash}",
        "backslash",
    ),
    "user info naming the allowed server": (
        "http://127.0.0.1:{port}@127.0.0.1:{other}/avatar/{hash}",
        "user info",
    ),
    "tab before @": ("http://127.0.0.1:{other}\t@127.0.0.1:{port}/avatar/{hash}", "whitespace"),
    "scheme-relative": ("//127.0.0.1:{other}/avatar/{hash}", "AVATAR_ALLOWED_HOSTS"),
    "backslash for a slash": ("/\\127.0.0.1:{other}/avatar/{hash}", "backslash"),
    "%40 for the @": ("http://127.0.0.1:{other}%40127.0.0.1:{port}/avatar/{hash}", "malformed"),
}


@pytest.fixture
def other_server():
    """A second avatar server, on a port that is not allowed, with its own picture."""
    with AvatarServer() as server:
        server.set_gravatar(HASH, jpeg(BLUE))
        yield server


@pytest.mark.parametrize(("location", "reason"), BYPASSES.values(), ids=BYPASSES.keys())
def test_redirect_to_a_host_not_allowed_is_never_followed(
    site, avatar_server, other_server, caplog, location, reason
):
    """Only this server's port is allowed: whatever the redirect says, the other server must
    receive no request, and the member gets the next source with one warning."""
    site.settings.update(
        AVATAR_GRAVATAR_URL=avatar_server.gravatar_url,
        AVATAR_GITHUB_URL=avatar_server.github_url,
        AVATAR_ALLOWED_HOSTS=[f"127.0.0.1:{avatar_server.port}"],
    )
    avatar_server.set_github(GITHUB_USER, GITHUB_BODY)
    redirect = location.format(port=avatar_server.port, other=other_server.port, hash=HASH)
    avatar_server.set_behaviour(HASH, "redirect", location=redirect, verbatim=True)
    site.member("grace", "Grace Hopper", email=EMAIL, github=GITHUB_USER)

    result = site.build(caplog)

    assert other_server.requests == []
    assert avatar_server.count(HASH) == 1  # the redirect itself
    assert near(site.avatar("members/index.html", "grace").centre_colour(), GREEN)
    about = warnings_about(result.warnings, "grace.md")
    assert len(about) == 1, result.warnings
    assert "Gravatar" in about[0]
    assert reason in about[0]
    assert plugin_warnings(result.warnings) == about

"""The fetcher on its own, against real sockets on 127.0.0.1."""

import socket
import time

import pytest
from avatar_server import gravatar_hash, make_jpeg
from pelican.plugins.member_avatars.fetch import HOST_DOWN_AFTER, Fetcher, refusal
from pelican.plugins.member_avatars.settings import DEFAULTS


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetcher(**settings):
    return Fetcher({**DEFAULTS, "AVATAR_ALLOWED_HOSTS": ["127.0.0.1"], **settings}, "test-agent")


def test_a_host_that_refuses_connections_is_given_up_for_the_build():
    port = closed_port()
    with fetcher(AVATAR_RETRIES=0) as client:
        answers = [client.get(f"http://127.0.0.1:{port}/avatar/{n}") for n in range(10)]
        assert client.requests_made == HOST_DOWN_AFTER
    assert all(answer.outcome == "failed" for answer in answers)
    assert "connection failed" in answers[0].reason
    assert "unreachable" in answers[-1].reason


def test_many_members_on_a_dead_host_do_not_each_wait_for_a_timeout(site, caplog):
    port = closed_port()
    site.settings.update(
        AVATAR_GRAVATAR_URL=f"http://127.0.0.1:{port}/avatar/{{hash}}?s={{size}}",
        AVATAR_CONCURRENCY=1,
    )
    for number in range(30):
        site.member(f"m{number}", f"Member {number}", email=f"m{number}@example.org")
    started = time.monotonic()
    result = site.build(caplog)
    assert time.monotonic() - started < 20
    assert sum("unreachable" in warning for warning in result.warnings) >= 1
    assert len(site.avatars("members/index.html")) == 30  # all generated


def test_conditional_headers_are_sent(avatar_server):
    key = gravatar_hash("a@example.org")
    avatar_server.set_gravatar(key, make_jpeg((1, 2, 3)))
    url = avatar_server.gravatar_url.format(hash=key, size=96)
    with fetcher() as client:
        first = client.get(url)
        assert first.outcome == "ok"
        assert first.etag
        again = client.get(url, etag=first.etag, last_modified=first.last_modified)
    assert again.outcome == "not_modified"
    assert avatar_server.requests[-1].header("If-None-Match") == first.etag
    assert "test-agent" in avatar_server.requests[-1].header("User-Agent")


@pytest.mark.parametrize(
    ("url", "allowed", "refused"),
    [
        ("https://www.gravatar.com/avatar/x", ["www.gravatar.com"], False),
        ("https://WWW.Gravatar.com/avatar/x", ["www.gravatar.com"], False),
        ("https://evil.example/avatar/x", ["www.gravatar.com"], True),
        ("http://127.0.0.1:8080/x", ["127.0.0.1"], False),
        ("http://127.0.0.1:8080/x", ["127.0.0.1:9090"], True),
        ("http://127.0.0.1:9090/x", ["127.0.0.1:9090"], False),
        ("file:///etc/passwd", ["127.0.0.1"], True),
        ("http://www.gravatar.com@evil.example/x", ["www.gravatar.com"], True),
    ],
)
def test_refusal(url, allowed, refused):
    assert bool(refusal(url, set(allowed))) is refused


def test_proxy_settings_come_from_the_environment(avatar_server, monkeypatch):
    """HTTP_PROXY is used, NO_PROXY exempts a host: read once per build, not per request."""
    key = gravatar_hash("a@example.org")
    avatar_server.set_gravatar(key, make_jpeg((1, 2, 3)))
    url = avatar_server.gravatar_url.format(hash=key, size=96)
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    with fetcher(AVATAR_RETRIES=0) as client:
        answer = client.get(url)
    assert answer.outcome == "failed"  # through the (closed) proxy
    assert avatar_server.count() == 0
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with fetcher(AVATAR_RETRIES=0) as client:
        assert client.get(url).outcome == "ok"
        assert client.get(url).outcome == "ok"
    assert avatar_server.count() == 2


def test_one_connection_serves_request_after_request(avatar_server):
    """Keep-alive: images, 404s, 304s and redirects all leave their connection reusable."""
    key = gravatar_hash("a@example.org")
    avatar_server.set_gravatar(key, make_jpeg((1, 2, 3)))
    avatar_server.set_github("octo", make_jpeg((4, 5, 6)))
    image = avatar_server.gravatar_url.format(hash=key, size=96)
    missing = avatar_server.gravatar_url.format(hash="0" * 64, size=96)
    redirected = avatar_server.github_url.format(user="octo", size=96)
    with fetcher(AVATAR_CONCURRENCY=1) as client:
        first = client.get(image)
        answers = [first, client.get(missing), client.get(image, etag=first.etag)]
        answers += [client.get(redirected), client.get(image), client.get(missing)]
    assert [answer.outcome for answer in answers] == [
        "ok",
        "none",
        "not_modified",
        "ok",
        "ok",
        "none",
    ]
    records = avatar_server.requests
    assert len(records) == 7  # the redirect is two requests
    assert len({record.client_port for record in records}) == 1


def test_a_404_that_never_sends_its_body_costs_no_timeout(avatar_server):
    """Reading the short body of a 404 (to keep the connection) must not wait for bytes a
    server declares and never sends: the answer is "none" at once, the connection dropped."""
    key = gravatar_hash("a@example.org")
    avatar_server.set_behaviour(key, "status", code=404, headers={"Content-Length": "100"})
    url = avatar_server.gravatar_url.format(hash=key, size=96)
    with fetcher(AVATAR_TIMEOUT=3) as client:
        started = time.monotonic()
        answer = client.get(url)
        waited = time.monotonic() - started
    assert answer.outcome == "none"
    assert waited < 1.5  # not AVATAR_TIMEOUT (3 s)

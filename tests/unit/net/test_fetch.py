"""The fetcher on its own, against real sockets on 127.0.0.1; its URL checks as pure functions."""

import socket
import threading
import time

import pytest
from avatar_server import gravatar_hash, make_jpeg
from helpers import generated_avatar, warnings_about
from pelican.plugins.member_avatars.net.fetch import Fetcher
from pelican.plugins.member_avatars.net.hosts import redirect_target, refusal
from pelican.plugins.member_avatars.net.routes import HOST_DOWN_AFTER
from pelican.plugins.member_avatars.settings.config import config_of
from pelican.plugins.member_avatars.settings.defaults import DEFAULTS


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetcher(**settings):
    config = config_of({**DEFAULTS, "AVATAR_ALLOWED_HOSTS": ["127.0.0.1"], **settings})
    return Fetcher(config, "test-agent")


class SilentServer:
    """Accepts connections and never answers a byte: a hung proxy. Counts what it accepted."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-server", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()
        self.listener.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def use_proxy(monkeypatch, proxy: str) -> None:
    """Every request through `proxy`, as HTTP_PROXY/HTTPS_PROXY say (nothing exempt)."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("HTTPS_PROXY", proxy)


def test_a_host_that_refuses_connections_is_given_up_for_the_build():
    port = closed_port()
    with fetcher(AVATAR_RETRIES=0) as client:
        answers = [client.get(f"http://127.0.0.1:{port}/avatar/{n}") for n in range(10)]
        assert client.requests_made == HOST_DOWN_AFTER
    assert all(answer.reply == "failed" for answer in answers)
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
        assert first.reply == "ok"
        assert first.etag
        again = client.get(url, etag=first.etag, last_modified=first.last_modified)
    assert again.reply == "not_modified"
    assert avatar_server.requests[-1].header("If-None-Match") == first.etag
    assert "test-agent" in avatar_server.requests[-1].header("User-Agent")


# One row per URL: (url, allow-list, the refusal it gets: "" when it may be requested).
REFUSALS = {
    "allowed host": ("https://www.gravatar.com/avatar/x", ["www.gravatar.com"], ""),
    "upper-case host": ("https://WWW.Gravatar.com/avatar/x", ["www.gravatar.com"], ""),
    "upper-case scheme": ("HTTPS://www.gravatar.com/avatar/x", ["www.gravatar.com"], ""),
    "host not allowed": ("https://evil.example/x", ["www.gravatar.com"], "AVATAR_ALLOWED_HOSTS"),
    "any port of a host": ("http://127.0.0.1:8080/x", ["127.0.0.1"], ""),
    "other port": ("http://127.0.0.1:8080/x", ["127.0.0.1:9090"], "AVATAR_ALLOWED_HOSTS"),
    "allowed port": ("http://127.0.0.1:9090/x", ["127.0.0.1:9090"], ""),
    "default port spelt out": ("https://www.gravatar.com/x", ["www.gravatar.com:443"], ""),
    "file: scheme": ("file:///etc/passwd", ["127.0.0.1"], "scheme"),
    "no scheme": ("//127.0.0.1/x", ["127.0.0.1"], "scheme"),
    "user info": ("http://www.gravatar.com@evil.example/x", ["www.gravatar.com"], "user info"),
    "user info before an allowed host": ("http://evil@127.0.0.1/x", ["127.0.0.1"], "user info"),
    "empty user info": ("http://@127.0.0.1/x", ["127.0.0.1"], "user info"),
    "%40 in user info": ("http://a%40b@127.0.0.1/x", ["127.0.0.1"], "user info"),
    "%40 in the host": ("http://127.0.0.1%40evil.example/x", ["127.0.0.1"], "ALLOWED_HOSTS"),
    "backslash before @": ("http://evil.example:80\\@127.0.0.1:80/x", ["127.0.0.1"], "backslash"),
    "backslash after the scheme": ("http:/\\127.0.0.1/x", ["127.0.0.1"], "backslash"),
    "backslashes for slashes": ("http:\\\\127.0.0.1/x", ["127.0.0.1"], "backslash"),
    "backslash in the path": ("http://127.0.0.1/a\\b", ["127.0.0.1"], "backslash"),
    "tab in the host": ("http://127.0.0.1\t/x", ["127.0.0.1"], "whitespace"),
    "newline in the host": ("http://127.0.0\n.1/x", ["127.0.0.1"], "whitespace"),
    "space in the host": ("http://127.0.0.1 /x", ["127.0.0.1"], "whitespace"),
    "leading space": (" http://127.0.0.1/x", ["127.0.0.1"], "whitespace"),
    "NUL byte": ("http://127.0.0.1\x00.evil.example/x", ["127.0.0.1"], "control"),
    "ideographic space": ("http://127.0.0.1\u3000/x", ["127.0.0.1"], "whitespace"),
    "trailing dot": ("http://127.0.0.1./x", ["127.0.0.1"], "AVATAR_ALLOWED_HOSTS"),
    "IPv6 loopback": ("http://[::1]:8080/x", ["127.0.0.1"], "AVATAR_ALLOWED_HOSTS"),
    "IPv4-mapped IPv6": ("http://[::ffff:127.0.0.1]/x", ["127.0.0.1"], "AVATAR_ALLOWED_HOSTS"),
    "IPv6 allowed bare": ("http://[::1]:8080/x", ["::1"], ""),
    "IPv6 allowed in brackets": ("http://[::1]:8080/x", ["[::1]"], ""),
    "IPv6 allowed with port": ("http://[::1]:8080/x", ["[::1]:8080"], ""),
    "IPv6 other port": ("http://[::1]:8081/x", ["[::1]:8080"], "AVATAR_ALLOWED_HOSTS"),
    "decimal IP": ("http://2130706433/x", ["127.0.0.1"], "AVATAR_ALLOWED_HOSTS"),
    "short IP": ("http://127.1/x", ["127.0.0.1"], "AVATAR_ALLOWED_HOSTS"),
    "percent-encoded host": ("http://gr%61vatar.com/x", ["gravatar.com"], "two hosts"),
    "fullwidth digits": ("http://\uff11\uff12\uff17.0.0.1/x", ["127.0.0.1"], "malformed"),
    "soft hyphen": ("http://www.grav\u00adatar.com/x", ["www.gravatar.com"], "malformed"),
    "two ports": ("http://127.0.0.1:80:81/x", ["127.0.0.1"], "malformed"),
    "port out of range": ("http://127.0.0.1:99999/x", ["127.0.0.1"], "malformed"),
    "signed port": ("http://127.0.0.1:+80/x", ["127.0.0.1"], "malformed"),
    "no host": ("http:///127.0.0.1/x", ["127.0.0.1"], "malformed"),
    "@ after a fragment mark": ("http://127.0.0.1#@evil.example/x", ["127.0.0.1"], ""),
    "@ after a query mark": ("http://127.0.0.1?@evil.example/x", ["127.0.0.1"], ""),
}


@pytest.mark.parametrize(("url", "allowed", "refused"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refusal(url, allowed, refused):
    reason = refusal(url, set(allowed))
    if refused:
        assert refused in reason
    else:
        assert reason == ""


# One row per Location: where a redirect from BASE leads (on 127.0.0.1:8000 only) and why it is
# refused: at once for the Location itself, or as the URL it leads to.
BASE = "http://127.0.0.1:8000/avatar/x"
REDIRECTS = {
    "path": ("/other.png", "http://127.0.0.1:8000/other.png", ""),
    "relative path": ("other.png", "http://127.0.0.1:8000/avatar/other.png", ""),
    "scheme-relative, other host": ("//evil.example/x", "http://evil.example/x", "ALLOWED_HOSTS"),
    "scheme-relative, other port": ("//127.0.0.1:9/x", "http://127.0.0.1:9/x", "ALLOWED_HOSTS"),
    "scheme-relative user info": ("//127.0.0.1:8000@evil.example/x", "", "user info"),
    "triple slash": ("///evil.example/x", "http://127.0.0.1:8000/evil.example/x", ""),
    "backslash path": ("/\\evil.example/x", "", "backslash"),
    "backslash before @": ("http://127.0.0.1:9\\@127.0.0.1:8000/x", "", "backslash"),
    "same scheme, backslash": ("http:/\\evil.example/x", "", "backslash"),
    "tab before @": ("http://127.0.0.1:9\t@127.0.0.1:8000/x", "", "whitespace"),
    "newline in the host": ("http://evil.\nexample/x", "", "whitespace"),
    "leading space": (" //evil.example/x", "", "whitespace"),
    "other scheme": ("ftp://127.0.0.1:8000/x", "", "scheme"),
}


def redirect_refusal(location: str) -> tuple[str, str]:
    target, reason = redirect_target(BASE, location)
    return target, reason or refusal(target, {"127.0.0.1:8000"})


@pytest.mark.parametrize(("location", "url", "refused"), REDIRECTS.values(), ids=REDIRECTS.keys())
def test_redirect_refusal(location, url, refused):
    target, reason = redirect_refusal(location)
    if url:
        assert target == url
    if refused:
        assert refused in reason
    else:
        assert reason == ""


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
    assert answer.reply == "failed"  # through the (closed) proxy
    assert avatar_server.count() == 0
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with fetcher(AVATAR_RETRIES=0) as client:
        assert client.get(url).reply == "ok"
        assert client.get(url).reply == "ok"
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
    assert [answer.reply for answer in answers] == [
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
    assert answer.reply == "none"
    assert waited < 1.5  # not AVATAR_TIMEOUT (3 s)


def test_a_refusing_proxy_is_given_up_for_the_build(avatar_server, monkeypatch):
    port = closed_port()
    use_proxy(monkeypatch, f"http://someone:secret@127.0.0.1:{port}")
    urls = [avatar_server.gravatar_url.format(hash=n, size=96) for n in range(10)]
    with fetcher() as client:
        answers = [client.get(url) for url in urls]
        assert client.requests_made == HOST_DOWN_AFTER
    proxy = f"proxy http://127.0.0.1:{port}"  # without the password
    reasons = [answer.reason for answer in answers]
    assert reasons[:HOST_DOWN_AFTER] == [f"connection failed ({proxy})"] * HOST_DOWN_AFTER
    gave_up = f"{proxy} unreachable (gave up after {HOST_DOWN_AFTER} failed connections)"
    assert reasons[HOST_DOWN_AFTER:] == [gave_up] * (len(urls) - HOST_DOWN_AFTER)
    assert avatar_server.count() == 0


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_proxy_that_never_answers_is_given_up_for_the_build(
    silent_server, avatar_server, monkeypatch, scheme
):
    """http: the request waits for the proxy's answer; https: for the answer to CONNECT."""
    use_proxy(monkeypatch, f"http://127.0.0.1:{silent_server.port}")
    timeout = 0.3
    urls = [f"{scheme}://127.0.0.1:{avatar_server.port}/avatar/{n}" for n in range(10)]
    started = time.monotonic()
    with fetcher(AVATAR_TIMEOUT=timeout) as client:
        answers = [client.get(url) for url in urls]
        assert client.requests_made == HOST_DOWN_AFTER
    assert time.monotonic() - started < (HOST_DOWN_AFTER + 2) * timeout
    assert len(silent_server.accepted) == HOST_DOWN_AFTER
    assert all("timed out" in answer.reason for answer in answers[:HOST_DOWN_AFTER])
    assert all("unreachable" in answer.reason for answer in answers[HOST_DOWN_AFTER:])


def proxied_build(site, avatar_server, monkeypatch, caplog, proxy: str, members: int, **settings):
    """A build of `members` members with a Gravatar each, every request through `proxy`."""
    use_proxy(monkeypatch, proxy)
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, **settings)
    for number in range(members):
        email = f"m{number}@example.org"
        avatar_server.set_gravatar(gravatar_hash(email), make_jpeg((200, 30, 30)))
        site.member(f"m{number}", f"Member {number}", email=email)
    started = time.monotonic()
    result = site.build(caplog)
    seconds = time.monotonic() - started
    assert avatar_server.count() == 0
    for number in range(members):  # each member gets the next source: a generated avatar
        avatar = site.avatar("members/index.html", f"m{number}")
        assert avatar.data == generated_avatar(f"Member {number}", f"m{number}")
    return result, seconds


def test_a_build_through_a_refusing_proxy_gives_it_up(site, avatar_server, monkeypatch, caplog):
    port, members, concurrency = closed_port(), 10, 2
    result, _seconds = proxied_build(
        site,
        avatar_server,
        monkeypatch,
        caplog,
        f"http://127.0.0.1:{port}",
        members,
        AVATAR_CONCURRENCY=concurrency,
    )
    proxy = f"proxy http://127.0.0.1:{port}"
    tried = [w for w in result.warnings if f"connection failed ({proxy})" in w]
    assert HOST_DOWN_AFTER <= len(tried) <= HOST_DOWN_AFTER + concurrency - 1
    gave_up = warnings_about(result.warnings, f"{proxy} unreachable (gave up after")
    assert gave_up
    assert all("/members/m" in warning for warning in tried + gave_up)


def test_a_build_through_a_silent_proxy_gives_it_up(
    site, avatar_server, silent_server, monkeypatch, caplog
):
    """Each member waiting for its own timeout would take members × timeout / concurrency."""
    members, timeout, concurrency = 20, 0.5, 2
    result, seconds = proxied_build(
        site,
        avatar_server,
        monkeypatch,
        caplog,
        f"http://127.0.0.1:{silent_server.port}",
        members,
        AVATAR_TIMEOUT=timeout,
        AVATAR_CONCURRENCY=concurrency,
    )
    assert HOST_DOWN_AFTER <= len(silent_server.accepted) <= HOST_DOWN_AFTER + concurrency - 1
    assert seconds < members * timeout / concurrency / 2
    proxy = f"proxy http://127.0.0.1:{silent_server.port}"
    assert warnings_about(result.warnings, f"{proxy} unreachable (gave up after")

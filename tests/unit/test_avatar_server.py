"""Tests of the local avatar server the plugin's fetch tests run against."""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from avatar_server import (
    AvatarServer,
    avatar_server,  # noqa: F401 - registers the fixture here (conftest may import it too)
    gravatar_hash,
    make_jpeg,
    make_png,
)

HASH = gravatar_hash("  Ada@Example.org ")


@pytest.fixture
def server(request: pytest.FixtureRequest) -> AvatarServer:
    """The module's `avatar_server` fixture (taken by name, so ruff sees no shadowing)."""
    return request.getfixturevalue("avatar_server")


def gravatar(server: AvatarServer, digest: str = HASH, size: int = 80) -> str:
    return server.gravatar_url.format(hash=digest, size=size)


def github(server: AvatarServer, user: str, size: int = 120) -> str:
    return server.github_url.format(user=user, size=size)


def test_gravatar_hash_is_sha256_of_normalised_address():
    assert hashlib.sha256(b"ada@example.org").hexdigest() == HASH


def test_image_has_validators_and_answers_304(server: AvatarServer):
    body = make_jpeg((10, 20, 30))
    server.set_gravatar(HASH, body)
    with requests.Session() as session:
        first = session.get(gravatar(server), timeout=5)
        assert first.status_code == 200
        assert first.content == body
        assert first.headers["Content-Type"] == "image/jpeg"
        assert first.headers["Content-Length"] == str(len(body))
        assert first.headers["Cache-Control"] == "max-age=300"
        etag = first.headers["ETag"]
        assert etag == '"' + hashlib.sha256(body).hexdigest() + '"'
        last_modified = first.headers["Last-Modified"]

        again = session.get(gravatar(server), headers={"If-None-Match": etag}, timeout=5)
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["ETag"] == etag
        since = session.get(
            gravatar(server), headers={"If-Modified-Since": last_modified}, timeout=5
        )
        assert since.status_code == 304

        server.set_gravatar(HASH, make_jpeg((200, 0, 0)))
        changed = session.get(gravatar(server), headers={"If-None-Match": etag}, timeout=5)
        assert changed.status_code == 200
        assert changed.headers["ETag"] != etag
        assert changed.headers["Last-Modified"] != last_modified

    records = server.requests
    assert len({record.client_port for record in records}) == 1  # one keep-alive connection
    assert records[0].params == {"s": "80", "d": "404"}
    assert server.count(HASH) == 4
    assert server.conditional_count() == 3


def test_unknown_hash_and_user_are_404(server: AvatarServer):
    assert requests.get(gravatar(server, "0" * 64), timeout=5).status_code == 404
    assert requests.get(github(server, "nobody"), timeout=5).status_code == 404
    server.set_gravatar(HASH, make_jpeg())
    server.remove(HASH)
    assert requests.get(gravatar(server), timeout=5).status_code == 404


def test_github_redirects_to_the_image(server: AvatarServer):
    body = make_png((1, 2, 3))
    server.set_github("Octo", body)
    response = requests.get(github(server, "octo"), timeout=5)
    assert [r.status_code for r in response.history] == [302]
    location = response.history[0].headers["Location"]
    assert location.startswith(server.base_url + server.github_image_path("octo"))
    assert response.status_code == 200
    assert response.content == body
    assert response.headers["Content-Type"] == "image/png"
    assert server.count("/gh/octo.png?size=120") == 1
    assert server.requests[-1].params["s"] == "120"


def test_retry_after_and_sequence(server: AvatarServer):
    server.set_gravatar(HASH, make_jpeg())
    server.set_behaviour(HASH, "retry_after", seconds=7)
    response = requests.get(gravatar(server), timeout=5)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"

    server.set_behaviour(HASH, "sequence", steps=["status:500", "retry_after:2", "ok"])
    codes = [requests.get(gravatar(server), timeout=5).status_code for _ in range(4)]
    assert codes == [500, 503, 200, 200]


def test_reset_raises_connection_error(server: AvatarServer):
    server.set_behaviour(HASH, "reset")
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get(gravatar(server), timeout=5)
    assert "reset" in str(caught.value).lower()
    assert server.requests[-1].status is None


def test_short_body_raises(server: AvatarServer):
    server.set_gravatar(HASH, make_jpeg())
    server.set_behaviour(HASH, "short_body")
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        requests.get(gravatar(server), timeout=5)


def test_slow_answer_times_out(server: AvatarServer):
    server.set_gravatar(HASH, make_jpeg())
    server.set_behaviour(HASH, "slow", delay=3)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(gravatar(server), timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert server.wait_idle(2)  # the handler noticed the client leaving


@pytest.mark.parametrize(
    "options",
    [
        {"content_length": True},
        {"content_length": False},
        {"content_length": False, "chunked": False},
    ],
)
def test_endless_body_is_cut_by_the_client(server: AvatarServer, options: dict):
    server.set_behaviour("/endless", "endless", **options)
    received = 0
    response = requests.get(server.base_url + "/endless", stream=True, timeout=5)
    with response:
        assert response.status_code == 200
        for chunk in response.iter_content(65536):
            received += len(chunk)
            if received >= 1024 * 1024:
                break
    assert received >= 1024 * 1024
    assert server.wait_idle(3)
    assert server.requests[-1].bytes_sent < 32 * 1024 * 1024


def test_concurrent_slow_requests_overlap(server: AvatarServer):
    server.set_gravatar(HASH, make_jpeg())
    server.set_behaviour(HASH, "slow", delay=0.3)
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(
            pool.map(lambda _: requests.get(gravatar(server), timeout=5).status_code, range(4))
        )
    assert codes == [200] * 4
    assert server.max_in_flight > 1
    server.reset_log()
    assert server.requests == []
    assert server.max_in_flight == 0
    assert server.count() == 0


def test_redirects_bodies_and_bomb(server: AvatarServer):
    body = make_png()
    server.set_path("/img.png", body)
    server.set_behaviour("/chain", "redirect_chain", hops=3)
    server.set_behaviour("/loop", "redirect_loop")
    server.set_behaviour("/moved", "redirect", location="/img.png", code=301)
    server.set_behaviour("/html", "html_body")
    server.set_behaviour("/svg", "svg_body")
    server.set_behaviour("/bomb", "bomb")
    base = server.base_url
    with requests.Session() as session:
        chain = session.get(base + "/chain", timeout=5)
        assert len(chain.history) == 3
        assert len({r.url for r in chain.history}) == 3
        assert chain.status_code == 200
        moved = session.get(base + "/moved", timeout=5)
        assert moved.content == body
        assert moved.history[0].status_code == 301
        session.max_redirects = 5
        with pytest.raises(requests.TooManyRedirects):
            session.get(base + "/loop", timeout=5)
        html = session.get(base + "/html", timeout=5)
        assert html.headers["Content-Type"] == "image/jpeg"
        assert html.content.startswith(b"<!DOCTYPE html>")
        svg = session.get(base + "/svg", timeout=5)
        assert b"<script>" in svg.content
        bomb = session.get(base + "/bomb", timeout=5).content
    assert len(bomb) < 200
    assert struct.unpack(">II", bomb[16:24]) == (60000, 60000)
    head = requests.head(base + "/img.png", timeout=5)
    assert head.headers["Content-Length"] == str(len(body))
    assert requests.post(base + "/img.png", data=b"x", timeout=5).status_code == 405


def test_stop_leaves_no_thread_and_no_socket():
    before = threading.active_count()
    server = AvatarServer().start()
    server.set_gravatar(HASH, make_jpeg())
    server.set_behaviour("/slow", "slow", delay=30)
    session = requests.Session()  # keeps an idle keep-alive connection open on purpose
    assert session.get(gravatar(server), timeout=5).status_code == 200
    slow = socket.create_connection((server.host, server.port))
    slow.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    deadline = time.monotonic() + 2
    while server.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() > before
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.5
    assert threading.active_count() == before
    assert server.open_connections == 0
    assert slow.recv(100) == b""  # the server closed its end without answering
    slow.close()
    session.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    assert server.errors == []

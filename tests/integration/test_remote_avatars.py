"""Remote avatars against a real HTTP server on 127.0.0.1 that behaves like Gravatar and GitHub."""

import time

import pytest
from avatar_server import gravatar_hash, make_jpeg, make_png
from helpers import near

RED, BLUE, GREEN = (210, 20, 20), (20, 20, 210), (20, 170, 20)


@pytest.fixture
def remote_site(site, avatar_server):
    site.settings.update(
        AVATAR_GRAVATAR_URL=avatar_server.gravatar_url,
        AVATAR_GITHUB_URL=avatar_server.github_url,
    )
    avatar_server.set_gravatar(gravatar_hash("grace@example.org"), make_jpeg(RED))
    avatar_server.set_gravatar(gravatar_hash("alan@example.org"), make_jpeg(BLUE))
    site.member("grace", "Grace Hopper", email=" Grace@Example.org ")
    site.member("alan", "Alan Turing", email="alan@example.org")
    site.member("linus", "Linus T", email="nobody@example.org", github="linus")
    avatar_server.set_github("linus", make_png(GREEN))
    return site


def test_cold_build_fetches_each_avatar_once_at_the_largest_size(
    remote_site, avatar_server, caplog
):
    remote_site.build(caplog)
    assert near(remote_site.avatar("members/index.html", "grace").centre_colour(), RED)
    assert near(remote_site.avatar("members/alan/index.html", "alan", 160).centre_colour(), BLUE)
    # linus: Gravatar says 404, GitHub redirects to its avatar host.
    assert near(remote_site.avatar("members/index.html", "linus").centre_colour(), GREEN)
    gravatar = [r for r in avatar_server.requests if r.path.startswith("/avatar/")]
    assert len(gravatar) == 3
    assert {r.params["s"] for r in gravatar} == {"320"}
    assert all("pelican-member-avatars" in r.header("User-Agent") for r in avatar_server.requests)


def test_warm_build_makes_no_request_and_writes_the_same_bytes(remote_site, avatar_server, caplog):
    remote_site.build(caplog)
    before = remote_site.all_output()
    avatar_server.reset_log()
    remote_site.build(caplog)
    assert avatar_server.count() == 0
    assert remote_site.all_output() == before


def test_stale_build_revalidates_with_conditional_requests(remote_site, avatar_server, caplog):
    remote_site.build(caplog)
    before = remote_site.all_output()
    avatar_server.reset_log()
    remote_site.build(caplog, AVATAR_MAX_AGE=0)
    image_requests = [r for r in avatar_server.requests if r.status in (200, 304)]
    assert image_requests
    assert all(r.status == 304 for r in image_requests)
    assert all(r.conditional for r in image_requests)
    assert remote_site.all_output() == before


def test_changed_avatar_is_picked_up_when_stale(remote_site, avatar_server, caplog):
    remote_site.build(caplog)
    avatar_server.set_gravatar(gravatar_hash("grace@example.org"), make_jpeg(GREEN))
    remote_site.build(caplog)  # still fresh: the old picture stays
    assert near(remote_site.avatar("members/index.html", "grace").centre_colour(), RED)
    remote_site.build(caplog, AVATAR_MAX_AGE=0)
    assert near(remote_site.avatar("members/index.html", "grace").centre_colour(), GREEN)


def test_no_avatar_answers_are_cached_too(remote_site, avatar_server, caplog):
    remote_site.build(caplog)
    avatar_server.reset_log()
    remote_site.build(caplog)
    assert avatar_server.count("/avatar/") == 0


def test_server_gone_keeps_the_stale_copies(remote_site, avatar_server, caplog):
    remote_site.build(caplog)
    before = remote_site.avatar("members/index.html", "grace").data
    avatar_server.stop()
    result = remote_site.build(caplog, AVATAR_MAX_AGE=0)
    assert remote_site.avatar("members/index.html", "grace").data == before
    assert any("grace.md" in w and "cached copy" in w for w in result.warnings), result.warnings


def test_failure_is_remembered_and_not_asked_again(remote_site, avatar_server, caplog):
    avatar_server.set_behaviour(gravatar_hash("grace@example.org"), "status", code=500)
    result = remote_site.build(caplog)
    assert any("grace.md" in w and "500" in w for w in result.warnings)
    assert remote_site.avatar("members/index.html", "grace").image().size == (96, 96)
    avatar_server.reset_log()
    remote_site.build(caplog)
    assert avatar_server.count(gravatar_hash("grace@example.org")) == 0


def test_retry_after_is_honoured(remote_site, avatar_server, caplog):
    key = gravatar_hash("grace@example.org")
    avatar_server.set_behaviour(key, "sequence", steps=["retry_after:1", "ok"])
    started = time.monotonic()
    remote_site.build(caplog, AVATAR_RETRIES=2)
    assert time.monotonic() - started >= 1.0
    assert avatar_server.count(key) == 2
    assert near(remote_site.avatar("members/index.html", "grace").centre_colour(), RED)


def test_slow_answer_times_out_and_the_next_source_is_used(remote_site, avatar_server, caplog):
    avatar_server.set_behaviour(gravatar_hash("grace@example.org"), "slow", delay=3)
    started = time.monotonic()
    result = remote_site.build(caplog, AVATAR_TIMEOUT=0.5)
    assert time.monotonic() - started < 3
    assert any("grace.md" in w and "timed out" in w for w in result.warnings)
    assert remote_site.avatar("members/index.html", "grace").image().size == (96, 96)


def test_offline_makes_no_request_and_uses_the_cache(remote_site, avatar_server, caplog):
    remote_site.build(caplog)
    before = remote_site.avatar("members/index.html", "grace").data
    avatar_server.reset_log()
    remote_site.build(caplog, AVATAR_OFFLINE=True, AVATAR_MAX_AGE=0)
    assert avatar_server.count() == 0
    assert remote_site.avatar("members/index.html", "grace").data == before


def test_offline_environment_variable(remote_site, avatar_server):
    import os

    result = remote_site.build_cli(env={**os.environ, "AVATAR_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    assert avatar_server.count() == 0
    assert remote_site.avatar("members/index.html", "grace").image().size == (96, 96)


def test_gravatar_opt_out(remote_site, avatar_server, caplog):
    remote_site.member("grace", "Grace Hopper", email="grace@example.org", gravatar="no")
    remote_site.build(caplog)
    assert avatar_server.count(gravatar_hash("grace@example.org")) == 0


def test_members_sharing_an_avatar_cause_one_request(remote_site, avatar_server, caplog):
    remote_site.member("grace2", "Grace Again", email="grace@example.org")
    remote_site.build(caplog)
    assert avatar_server.count(gravatar_hash("grace@example.org")) == 1
    first = remote_site.avatar("members/index.html", "grace").data
    assert remote_site.avatar("members/index.html", "grace2").data == first


def test_members_sharing_a_failing_avatar_get_the_same_warning(site, avatar_server, caplog):
    """The first member's worker asks (and fails) while later member files are still read:
    the last member must get that same answer, not a remembered failure "not asked again"."""
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_RETRIES=0)
    avatar_server.set_behaviour(gravatar_hash("shared@example.org"), "status", code=500)
    site.member("aa-first", "First Sharer", email="shared@example.org")
    for number in range(200):
        site.member(f"filler-{number:03d}", f"Filler {number}")
    site.member("zz-last", "Last Sharer", email="shared@example.org")
    result = site.build(caplog)
    assert avatar_server.count(gravatar_hash("shared@example.org")) == 1
    for slug in ("aa-first", "zz-last"):
        [warning] = [w for w in result.warnings if f"{slug}.md" in w]
        assert "HTTP 500; using the next source" in warning
        assert "not asked again" not in warning


def test_requests_in_flight_are_bounded_and_parallel(site, avatar_server, caplog):
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_CONCURRENCY=3)
    for number in range(12):
        email = f"m{number}@example.org"
        avatar_server.set_gravatar(gravatar_hash(email), make_jpeg((number * 20, 0, 0)))
        site.member(f"m{number}", f"Member {number}", email=email)
    avatar_server.latency = 0.15
    site.build(caplog)
    assert 1 < avatar_server.max_in_flight <= 3
    assert avatar_server.count("/avatar/") == 12


def test_redirect_to_a_host_not_allowed_is_refused(remote_site, avatar_server, caplog):
    avatar_server.set_behaviour(
        gravatar_hash("grace@example.org"), "redirect", location="http://localhost:9/x.png"
    )
    result = remote_site.build(caplog)
    assert any("grace.md" in w and "AVATAR_ALLOWED_HOSTS" in w for w in result.warnings)
    assert remote_site.avatar("members/index.html", "grace").image().size == (96, 96)


def test_no_avatar_service_url_or_hash_in_the_output(remote_site, avatar_server, caplog):
    remote_site.build(caplog)
    for name, data in remote_site.all_output().items():
        assert avatar_server.base_url.encode() not in data, name
        assert gravatar_hash("grace@example.org").encode() not in data, name
        assert b"127.0.0.1" not in data, name

"""One avatar cache shared by builds running at the same time, and a build killed mid-fetch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import diskcache
import pytest
from avatar_server import gravatar_hash, make_jpeg
from helpers import near, plugin_warnings
from sitebuilder import BASE_SETTINGS, Site

COLOURS = {f"m{n}": (40 * n, 200 - 30 * n, 90) for n in range(6)}


def community(site: Site, server, cache: str) -> Site:
    site.settings.update(
        AVATAR_GRAVATAR_URL=server.gravatar_url,
        AVATAR_CACHE_PATH=cache,
        AVATAR_CONCURRENCY=2,
        AVATAR_TIMEOUT=5,
    )
    for slug, colour in COLOURS.items():
        email = f"{slug}@example.org"
        server.set_gravatar(gravatar_hash(email), make_jpeg(colour))
        site.member(slug, f"Member {slug}", email=email)
    return site


def assert_right_avatars(site: Site) -> None:
    for slug, colour in COLOURS.items():
        assert near(site.avatar("members/index.html", slug).centre_colour(), colour, 14), slug


def assert_cache_is_sound(path) -> None:
    with diskcache.Cache(str(path)) as cache:
        assert cache.check() == []


def test_two_builds_at_once_share_one_cache(tmp_path, avatar_server, caplog):
    avatar_server.latency = 0.2
    # Relative to each site's folder: both settings files name the same cache.
    sites = [community(Site(tmp_path / name), avatar_server, "../shared") for name in "ab"]
    for site in sites:
        site.content.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda site: site.build_cli(), sites))
    for result in results:
        assert result.returncode == 0, result.stderr
        printed = result.stdout + result.stderr
        # The summary line, and no warning.
        assert printed.count("[member_avatars]") == printed.count("[member_avatars] Avatars:") == 1
    assert avatar_server.max_in_flight > 2  # the two builds really overlapped
    for site in sites:
        assert_right_avatars(site)
    # Each avatar was fetched once or twice (both builds may ask before either has stored it).
    for slug in COLOURS:
        assert 1 <= avatar_server.count(gravatar_hash(f"{slug}@example.org")) <= 2
    assert_cache_is_sound(tmp_path / "shared")

    # The shared cache is complete and fresh: a third build asks nobody.
    avatar_server.latency = 0
    avatar_server.reset_log()
    third = community(Site(tmp_path / "c"), avatar_server, str(tmp_path / "shared"))
    assert plugin_warnings(third.build(caplog).warnings) == []
    assert avatar_server.count() == 0
    assert_right_avatars(third)


def start_build(site: Site) -> subprocess.Popen:
    """`pelican` in a subprocess, with the site's settings written as build_cli writes them."""
    settings = {
        **BASE_SETTINGS,
        "PATH": "content",
        "OUTPUT_PATH": "output",
        "CACHE_PATH": "cache",
        **site.settings,
    }
    settings_file = site.root / "pelicanconf.py"
    settings_file.write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()))
    return subprocess.Popen(
        [sys.executable, "-m", "pelican", "content", "-s", str(settings_file)],
        cwd=site.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("after_requests", [1, 3])
def test_build_killed_mid_fetch_leaves_a_usable_cache(site, avatar_server, caplog, after_requests):
    community(site, avatar_server, "cache/avatars")
    avatar_server.latency = 0.4
    process = start_build(site)
    try:
        deadline = time.monotonic() + 30
        while len(avatar_server.requests) < after_requests:
            assert process.poll() is None, "the build ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert not (site.out / "members" / "index.html").exists()  # it really died mid-build
    assert_cache_is_sound(site.cache / "avatars")

    avatar_server.latency = 0
    result = site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    assert_right_avatars(site)
    before = site.all_output()
    avatar_server.reset_log()
    site.build(caplog)
    assert avatar_server.count() == 0
    assert site.all_output() == before

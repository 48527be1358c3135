"""`pelican --debug` shows why each remote avatar was used, asked again, or skipped."""

import logging
import time

from avatar_server import gravatar_hash, make_jpeg

EMAIL = "grace@example.org"


def debug_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]


def about_grace(lines):
    return [line for line in lines if "grace.md: Gravatar:" in line]


def test_every_cache_decision_has_a_debug_line(site, avatar_server, caplog):
    caplog.set_level(logging.DEBUG, logger="pelican.plugins.member_avatars")
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url)
    avatar_server.set_gravatar(gravatar_hash(EMAIL), make_jpeg((200, 0, 0)))
    site.member("grace", "Grace Hopper", email=EMAIL)

    site.build(caplog)
    cold = about_grace(debug_lines(caplog))
    assert any(line.endswith("Gravatar: fetching") for line in cold), cold
    assert any(line.endswith("Gravatar: fetched") for line in cold), cold

    site.build(caplog, AVATAR_MAX_AGE=0)
    stale = about_grace(debug_lines(caplog))
    assert any(line.endswith("stale, revalidating") for line in stale), stale
    assert any(line.endswith("revalidated (304)") for line in stale), stale

    # A failure is remembered for at most AVATAR_MAX_AGE: 2 s, so that the entry is stale and
    # the failure still remembered in the build right after.
    avatar_server.set_behaviour(gravatar_hash(EMAIL), "status", code=500)
    time.sleep(2.1)
    site.build(caplog, AVATAR_MAX_AGE=2)
    failed = about_grace(debug_lines(caplog))
    assert any("failed (HTTP 500), remembered" in line for line in failed), failed

    site.build(caplog, AVATAR_MAX_AGE=2)
    remembered = about_grace(debug_lines(caplog))
    assert any("failed before (HTTP 500), the cached copy is used" in line for line in remembered)

    site.build(caplog, AVATAR_OFFLINE=True)
    offline = about_grace(debug_lines(caplog))
    assert any(line.endswith("Gravatar: from the cache") for line in offline), offline

    site.member("ann", "Ann", email="ann@example.org")
    site.build(caplog, AVATAR_OFFLINE=True)
    assert any(
        line.endswith("ann.md: Gravatar: not cached, skipped offline")
        for line in debug_lines(caplog)
    )
    assert all("@" not in line and gravatar_hash(EMAIL) not in line for line in cold + stale)

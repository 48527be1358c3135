"""Pelican's conventions: `--fatal warnings` stops the build on an avatar warning, and repeated
warnings of one kind are grouped by Pelican's LimitFilter, one group per kind of failure."""

from __future__ import annotations

from avatar_server import gravatar_hash
from helpers import jpeg, plugin_warnings


def test_fatal_warnings_fails_the_build_on_an_avatar_warning(site):
    site.member("ann", "Ann Upload", avatar="members/nope.jpg")
    ok = site.build_cli(AVATAR_OFFLINE=True)
    assert ok.returncode == 0, ok.stderr
    assert (site.out / "members" / "index.html").exists()

    fatal = site.build_cli("--fatal", "warnings", "-o", "fatal-output", AVATAR_OFFLINE=True)
    assert fatal.returncode != 0
    assert "ann.md" in fatal.stdout + fatal.stderr
    assert "does not exist" in fatal.stdout + fatal.stderr
    assert not (site.root / "fatal-output" / "members" / "index.html").exists()


def test_fatal_warnings_also_stops_on_a_server_failure(site, avatar_server):
    avatar_server.set_behaviour(gravatar_hash("g@example.org"), "status", code=500)
    site.member("grace", "Grace", email="g@example.org")
    fatal = site.build_cli(
        "--fatal", "warnings", AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_TIMEOUT=1
    )
    assert fatal.returncode != 0
    assert "grace.md" in fatal.stdout + fatal.stderr
    # Fatal means: no pages, and no worker thread or socket left behind to hang the exit.
    assert not (site.out / "members" / "index.html").exists()


def test_repeated_warnings_are_grouped_per_kind_of_failure(site, caplog):
    for number in range(12):
        site.member(f"m{number:02}", f"Missing {number}", avatar=f"members/pics/{number}.jpg")
    for number in range(3):
        site.write(f"members/pics/text{number}.jpg", f"not a picture {number}\n")
        site.member(f"t{number}", f"Text {number}", avatar=f"members/pics/text{number}.jpg")
    site.write("members/pics/big.jpg", jpeg(size=(600, 600)))
    site.member("big", "Big Picture", avatar="members/pics/big.jpg")
    result = site.build(caplog, AVATAR_OFFLINE=True, AVATAR_MAX_BYTES=3000)
    warnings = plugin_warnings(result.warnings)

    missing = [w for w in warnings if "does not exist" in w]
    groups = [w for w in warnings if "more avatar warnings like" in w]
    assert 1 <= len(missing) <= 5
    assert len(groups) == 1
    assert "does not exist" in groups[0]
    # The other kinds are not swallowed by the group of missing uploads.
    assert len([w for w in warnings if "not an image" in w]) == 3
    assert len([w for w in warnings if "AVATAR_MAX_BYTES" in w]) == 1
    assert len(warnings) <= 5 + 3 + 1
    # Every member still got an avatar.
    assert len(site.avatars("members/index.html")) == 16

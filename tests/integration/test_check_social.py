"""`pelican-avatars check` on Mastodon, Bluesky, Codeberg and Libravatar fields: a handle it
cannot read, or a source field given without a value, with file and line; no request."""

from __future__ import annotations

import os

import pytest
from test_check import checked, in_process, line_of  # noqa: F401 (fixtures)

SOCIAL = ["upload", "mastodon", "bluesky", "codeberg", "libravatar", "gravatar", "generated"]

PROBLEMS = {
    "mastodon without instance": (
        "Mastodon: ada",
        "Mastodon 'ada' is not a Mastodon handle (@user@instance, user@instance or "
        "https://instance/@user); Mastodon is not asked",
    ),
    "mastodon with a path": (
        "Mastodon: @ada@social.example/admin",
        "Mastodon '@ada@social.example/admin' is not a Mastodon handle",
    ),
    "bluesky with one label": (
        "Bluesky: ada",
        "Bluesky 'ada' is not a Bluesky handle",
    ),
    "codeberg with a space": (
        "Codeberg: ada lovelace",
        "Codeberg 'ada lovelace' is not a Codeberg user name; Codeberg is not asked",
    ),
    "libravatar unclear": (
        "Libravatar: perhaps",
        "Libravatar 'perhaps' is not a clear yes or no; Libravatar is not asked",
    ),
    "codeberg without a value": (
        "Codeberg:",
        "Codeberg is given without a value; Codeberg is not asked",
    ),
    "mastodon without a value": (
        'Mastodon: ""',
        "Mastodon is given without a value; Mastodon is not asked",
    ),
}


@pytest.fixture
def social_site(site, social_server):
    site.settings.update(
        AVATAR_SOURCES=SOCIAL,
        AVATAR_MASTODON_URL=social_server.mastodon_url,
        AVATAR_BLUESKY_URL=social_server.bluesky_url,
        AVATAR_CODEBERG_URL=social_server.codeberg_url,
        AVATAR_LIBRAVATAR_URL=social_server.libravatar_url,
    )
    site.member("grace", "Grace Hopper", mastodon="@grace@social.example", codeberg="grace")
    site.member("linus", "Linus T", bluesky="linus.bsky.social", libravatar="yes")
    return site


@pytest.mark.parametrize("kind", list(PROBLEMS))
def test_each_problem_with_its_file_and_line(social_site, social_server, checked, kind):  # noqa: F811
    line, message = PROBLEMS[kind]
    bad_file = social_site.write(
        "members/ada.md", f"Name: Ada Lovelace\nEmail: ada@example.org\n{line}\n\nBio.\n"
    )
    code, lines = checked(social_site)
    assert code == 1, lines
    shown = os.path.relpath(bad_file, social_site.root)
    key = line.split(":", 1)[0] + ":"
    problems = [text for text in lines if text.startswith(f"{shown}:")]
    assert len(problems) == 1, lines
    assert problems[0].startswith(f"{shown}:{line_of(bad_file, key)}: {message}"), lines
    assert social_server.requests == []
    assert social_server.connections == 0
    assert not social_site.cache.exists()


def test_good_handles_are_no_problem(social_site, social_server, checked):  # noqa: F811
    social_site.member("ada", "Ada", mastodon="https://social.example/@ada", codeberg="@ada")
    code, lines = checked(social_site)
    assert code == 0, lines
    assert social_server.connections == 0


def test_fields_of_sources_the_site_does_not_use_are_left_alone(site, checked):  # noqa: F811
    site.member("ada", "Ada", mastodon="ada", codeberg="ada lovelace")
    code, lines = checked(site)
    assert code == 0, lines

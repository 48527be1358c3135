"""Mastodon, Bluesky, Codeberg and Libravatar avatars, end to end against local stand-ins:
an instance or API on 127.0.0.1 and the pictures it names on another loopback address."""

from __future__ import annotations

import logging
import re
import time

import pytest
from avatar_server import gravatar_hash, make_jpeg, make_png
from helpers import near, plugin_warnings, warnings_about
from pelican.plugins.member_avatars.cache.store import AvatarStore, Kind

RED, GREEN, BLUE, YELLOW = (210, 20, 20), (20, 170, 20), (20, 20, 210), (230, 230, 20)
SOCIAL = ["upload", "mastodon", "bluesky", "codeberg", "libravatar", "generated"]


@pytest.fixture
def social_site(site, social_server, picture_host):
    """A site whose instance and APIs are the social server, pictures on the picture host;
    both hosts are in AVATAR_ALLOWED_HOSTS (as a test server on localhost is)."""
    site.settings.update(
        AVATAR_SOURCES=SOCIAL,
        AVATAR_ALLOWED_HOSTS=["127.0.0.1", "127.0.0.2"],
        AVATAR_MASTODON_URL=social_server.mastodon_url,
        AVATAR_BLUESKY_URL=social_server.bluesky_url,
        AVATAR_CODEBERG_URL=social_server.codeberg_url,
        AVATAR_LIBRAVATAR_URL=social_server.libravatar_url,
    )
    return site


def picture(host, name: str, colour) -> str:
    host.set_file(f"/pictures/{name}.png", make_png(colour))
    return host.url(f"/pictures/{name}.png")


@pytest.mark.parametrize(
    "spelling", ["@ada@social.example", "ada@social.example", "https://social.example/@ada"]
)
def test_a_mastodon_handle_in_each_spelling_gives_the_account_picture(
    social_site, social_server, picture_host, caplog, spelling
):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_site.member("ada", "Ada Lovelace", mastodon=spelling)
    result = social_site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    assert near(social_site.avatar("members/index.html", "ada").centre_colour(), RED)
    lookups = [seen for seen in social_server.requests if seen.path.endswith("/lookup")]
    assert [seen.query["acct"] for seen in lookups] == ["ada"]
    assert picture_host.count("/pictures/ada.png") == 1


def test_each_service_fills_an_avatar(social_site, social_server, picture_host, caplog):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_server.set_bluesky("grace.bsky.social", picture(picture_host, "grace", GREEN))
    social_server.set_codeberg("alan", picture(picture_host, "alan", BLUE))
    social_server.set_file(
        "/avatar/" + gravatar_hash("linus@example.org"), make_jpeg(YELLOW), "image/jpeg"
    )
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.member(
        "grace", "Grace Hopper", bluesky="https://bsky.app/profile/grace.bsky.social"
    )
    social_site.member("alan", "Alan Turing", codeberg="@alan")
    social_site.member("linus", "Linus T", email="linus@example.org", libravatar="yes")
    result = social_site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    page = "members/index.html"
    for slug, colour in (("ada", RED), ("grace", GREEN), ("alan", BLUE), ("linus", YELLOW)):
        assert near(social_site.avatar(page, slug).centre_colour(), colour), slug
    # Each API's answer asked once, each picture once.
    assert social_server.count("/api/v1/accounts/lookup") == 1
    assert social_server.count("/xrpc/") == 1
    assert social_server.count("/api/v1/users/alan") == 1
    assert picture_host.count("/pictures/") == 3


def test_a_warm_build_makes_no_request_and_writes_the_same_bytes(
    social_site, social_server, picture_host, caplog
):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_server.set_codeberg("alan", picture(picture_host, "alan", BLUE))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.member("alan", "Alan Turing", codeberg="alan")
    social_site.build(caplog)
    before = social_site.all_output()
    asked = len(social_server.requests), len(picture_host.requests)
    social_site.build(caplog)
    assert (len(social_server.requests), len(picture_host.requests)) == asked
    assert social_server.connections + picture_host.connections > 0
    assert social_site.all_output() == before


def test_stale_answers_are_revalidated_with_conditional_requests(
    social_site, social_server, picture_host, caplog
):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.build(caplog)
    before = social_site.all_output()
    social_server.requests.clear()
    picture_host.requests.clear()
    social_site.build(caplog, AVATAR_MAX_AGE=0)
    assert [seen.conditional for seen in social_server.requests] == [True]
    assert [seen.conditional for seen in picture_host.requests] == [True]
    assert social_site.all_output() == before


def test_a_new_picture_url_in_the_api_answer_is_fetched(
    social_site, social_server, picture_host, caplog
):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.build(caplog)
    social_server.set_mastodon("ada", picture(picture_host, "ada-new", GREEN))
    social_site.build(caplog, AVATAR_MAX_AGE=0)
    assert near(social_site.avatar("members/index.html", "ada").centre_colour(), GREEN)


def test_mastodons_default_picture_counts_as_none(social_site, social_server, picture_host, caplog):
    social_server.set_mastodon("ada", None)
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    result = social_site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    assert social_site.avatar("members/index.html", "ada").mime == "image/webp"
    assert social_server.count("/avatars/") == 0  # the default picture is never fetched
    assert picture_host.connections == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mastodon", "@nobody@social.example"),  # 404
        ("bluesky", "nobody.bsky.social"),  # 400 "Profile not found"
        ("codeberg", "nobody"),  # 404
    ],
)
def test_an_unknown_account_is_none_without_a_warning(social_site, caplog, field, value):
    social_site.member("ada", "Ada Lovelace", **{field: value})
    result = social_site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    social_site.avatar("members/index.html", "ada")  # generated


def test_a_bluesky_profile_without_a_picture_is_none(social_site, social_server, caplog):
    social_server.set_bluesky("grace.bsky.social", None)
    social_site.member("grace", "Grace Hopper", bluesky="@grace.bsky.social")
    result = social_site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    assert social_server.count("/xrpc/") == 1


def test_libravatar_is_asked_only_on_a_clear_yes(social_site, social_server, caplog):
    for slug, consent in (("a", None), ("b", "no"), ("c", "maybe")):
        extra = {"libravatar": consent} if consent else {}
        social_site.member(slug, slug.upper(), email=f"{slug}@example.org", **extra)
    result = social_site.build(caplog)
    assert social_server.count("/avatar/") == 0
    assert warnings_about(result.warnings, "c.md") == [
        f"[member_avatars] {social_site.content / 'members' / 'c.md'}: Libravatar 'maybe' is "
        "not a clear yes or no; Libravatar is not asked"
    ]


def test_a_failing_api_is_remembered_and_the_next_build_asks_nothing(
    social_site, social_server, caplog
):
    social_server.set_status("/api/v1/accounts/lookup", 500)
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    result = social_site.build(caplog)
    assert [w for w in warnings_about(result.warnings, "ada.md") if "Mastodon avatar" in w]
    asked = len(social_server.requests)
    result = social_site.build(caplog)
    assert len(social_server.requests) == asked
    assert plugin_warnings(result.warnings) == []


@pytest.mark.parametrize(
    "answer",
    [
        {"avatar_static": 42},
        {"avatar_static": "javascript:alert(1)"},
        {"avatar_static": "file:///etc/passwd"},
    ],
)
def test_an_api_answer_without_a_usable_picture_url_warns(
    social_site, social_server, picture_host, caplog, answer
):
    social_server.set_answer("mastodon", "ada", answer)
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    result = social_site.build(caplog)
    (warning,) = warnings_about(result.warnings, "ada.md")
    assert "Mastodon avatar: the answer's avatar_static is not" in warning
    assert picture_host.connections == 0


def test_an_answer_that_is_not_json_warns(social_site, social_server, caplog):
    social_server.set_file("/api/v1/users/alan", b"<html>maintenance</html>", "text/html")
    social_site.member("alan", "Alan Turing", codeberg="alan")
    result = social_site.build(caplog)
    (warning,) = warnings_about(result.warnings, "alan.md")
    assert "Codeberg avatar: the answer is not JSON; using the next source" in warning


def test_offline_builds_use_cached_answers_and_ask_nothing(
    social_site, social_server, picture_host, caplog
):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.member("alan", "Alan Turing", codeberg="alan")
    social_site.build(caplog)
    asked = len(social_server.requests), len(picture_host.requests)
    social_site.build(caplog, AVATAR_OFFLINE=True, AVATAR_MAX_AGE=0)
    assert (len(social_server.requests), len(picture_host.requests)) == asked
    assert near(social_site.avatar("members/index.html", "ada").centre_colour(), RED)


def test_two_members_with_one_account_ask_once(social_site, social_server, picture_host, caplog):
    social_server.set_codeberg("alan", picture(picture_host, "alan", BLUE))
    social_site.member("alan", "Alan Turing", codeberg="alan")
    social_site.member("alan2", "Alan T", codeberg="https://codeberg.org/alan")
    social_site.build(caplog)
    assert social_server.count("/api/v1/users/alan") == 1
    assert picture_host.count("/pictures/alan.png") == 1


def test_debug_lines_and_output_name_no_url(social_site, social_server, picture_host, caplog):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_server.set_codeberg("alan", picture(picture_host, "alan", BLUE))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.member("alan", "Alan Turing", codeberg="alan")
    with caplog.at_level(logging.DEBUG, logger="pelican.plugins.member_avatars"):
        social_site.build(caplog)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("pelican.plugins")]
    ours = [line for line in lines if "Mastodon" in line or "Codeberg" in line]
    assert any("ada.md: Mastodon" in line for line in ours)
    assert any("alan.md: Codeberg" in line for line in ours)
    traces = [b"127.0.0.1", b"127.0.0.2", b"/api/v1/", b"acct=", b"/pictures/", b"xrpc"]
    for line in lines:
        assert not any(trace.decode() in line for trace in traces), line
    for name, data in social_site.all_output().items():
        assert not any(trace in data for trace in traces), name


def test_the_summary_counts_the_new_sources(social_site, social_server, picture_host, caplog):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_server.set_codeberg("alan", picture(picture_host, "alan", BLUE))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.member("alan", "Alan Turing", codeberg="alan")
    with caplog.at_level(logging.DEBUG, logger="pelican.plugins.member_avatars"):
        social_site.build(caplog)
    (summary,) = [r.getMessage() for r in caplog.records if "Avatars:" in r.getMessage()]
    assert re.search(r"2 fetched, .*\(4 requests\)", summary), summary
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="pelican.plugins.member_avatars"):
        social_site.build(caplog)
    (summary,) = [r.getMessage() for r in caplog.records if "Avatars:" in r.getMessage()]
    assert re.search(r"2 from cache, .*\(0 requests\)", summary), summary


def test_a_data_file_row_takes_the_same_fields(social_site, social_server, picture_host, caplog):
    social_server.set_codeberg("alan", picture(picture_host, "alan", BLUE))
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_site.write(
        "members/sign-ups.csv",
        "Name,Codeberg,Mastodon\nAlan Turing,alan,\nAda Lovelace,,@ada@social.example\n",
    )
    result = social_site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    assert near(social_site.avatar("members/index.html", "alan-turing").centre_colour(), BLUE)
    assert near(social_site.avatar("members/index.html", "ada-lovelace").centre_colour(), RED)


def test_a_failing_api_keeps_the_cached_answer(social_site, social_server, picture_host, caplog):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.build(caplog)
    social_server.set_status("/api/v1/accounts/lookup", 503)
    result = social_site.build(caplog, AVATAR_MAX_AGE=0)
    (warning,) = warnings_about(result.warnings, "ada.md")
    assert "Mastodon avatar: HTTP 503; keeping the cached answer" in warning
    assert near(social_site.avatar("members/index.html", "ada").centre_colour(), RED)


def test_an_api_answer_naming_the_same_picture_keeps_it(
    social_site, social_server, picture_host, caplog
):
    url = picture(picture_host, "ada", RED)
    social_server.set_mastodon("ada", url)
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.build(caplog)
    # The profile changed (a new display name), the picture did not.
    social_server.set_answer("mastodon", "ada", {"display_name": "Ada L.", "avatar_static": url})
    with caplog.at_level(logging.DEBUG, logger="pelican.plugins.member_avatars"):
        social_site.build(caplog, AVATAR_MAX_AGE=0)
    lines = "\n".join(r.getMessage() for r in caplog.records)
    assert "ada.md: Mastodon: API answer revalidated (same picture)" in lines
    assert "1 revalidated" in lines


def test_status_counts_the_api_answers(social_site, social_server, picture_host, caplog):
    social_server.set_mastodon("ada", picture(picture_host, "ada", RED))
    social_server.set_codeberg("alan", picture(picture_host, "alan", BLUE))
    social_site.member("ada", "Ada Lovelace", mastodon="@ada@social.example")
    social_site.member("alan", "Alan Turing", codeberg="alan")
    social_site.member("nobody", "No Body", codeberg="nobody")
    social_site.build(caplog)
    with AvatarStore.open(str(social_site.cache / "avatars")) as store:
        kinds = store.count_by_kind(time.time(), 86400)
    assert kinds[Kind.API_ANSWER] == 2
    assert kinds[Kind.FRESH_IMAGE] == 2  # the two pictures
    assert kinds[Kind.FRESH_NONE] == 1  # Codeberg knows no "nobody"

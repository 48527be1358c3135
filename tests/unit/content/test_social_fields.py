"""Reading Mastodon, Bluesky and Codeberg handles and Libravatar consent (pure)."""

import pytest
from pelican.plugins.member_avatars.content.fields import (
    MastodonHandle,
    bluesky_actor,
    codeberg_user,
    libravatar_consent,
    mastodon_handle,
)


@pytest.mark.parametrize(
    "value",
    [
        "@ada@social.example",
        "ada@social.example",
        "https://social.example/@ada",
        "https://Social.Example/@ada/",
        '"@ada@social.example"',
        "  @ada@social.example ",
    ],
)
def test_the_three_mastodon_spellings(value):
    assert mastodon_handle(value) == (MastodonHandle("ada", "social.example"), "")


@pytest.mark.parametrize(
    ("value", "instance"),
    [
        ("@ada@10.0.0.5", "10.0.0.5"),  # read here, refused where the request would be made
        ("@ada@2130706433", "2130706433"),
        ("@ada@[::1]", "[::1]"),
        ("https://social.example:8443/@ada", "social.example:8443"),
    ],
)
def test_instances_are_read_as_written_and_judged_later(value, instance):
    handle, problem = mastodon_handle(value)
    assert problem == ""
    assert handle is not None
    assert handle.instance == instance


@pytest.mark.parametrize(
    "value",
    [
        "ada",
        "@ada",
        "ada@",
        "@ada@social.example/path",
        "@ada@social.example?x=1",
        "@a.da@social.example",
        "@ada@user@social.example",
        "https://social.example/ada",
        "@ada@exa mple.org",
        "@ada@-bad-.example",
    ],
)
def test_what_is_no_mastodon_handle(value):
    handle, problem = mastodon_handle(value)
    assert handle is None
    assert problem.startswith(f"Mastodon {value!r} is not a Mastodon handle")


def test_no_value_and_an_empty_value():
    assert mastodon_handle(None) == (None, "")
    assert mastodon_handle("") == (None, "Mastodon is given without a value; Mastodon is not asked")
    assert codeberg_user(" ") == (None, "Codeberg is given without a value; Codeberg is not asked")
    assert bluesky_actor("") == (None, "Bluesky is given without a value; Bluesky is not asked")
    assert libravatar_consent("") == (
        False,
        "Libravatar is given without a value; Libravatar is not asked",
    )


@pytest.mark.parametrize(
    ("value", "actor"),
    [
        ("ada.bsky.social", "ada.bsky.social"),
        ("@Ada.Bsky.Social", "ada.bsky.social"),
        ("https://bsky.app/profile/ada.example.org", "ada.example.org"),
        ("did:plc:abcdefghijklmnopqrstuvwx", "did:plc:abcdefghijklmnopqrstuvwx"),
    ],
)
def test_bluesky_handles(value, actor):
    assert bluesky_actor(value) == (actor, "")


@pytest.mark.parametrize("value", ["ada", "ada.bsky.social/x", "did:plc:short", "ada..social"])
def test_what_is_no_bluesky_handle(value):
    assert bluesky_actor(value)[0] is None


@pytest.mark.parametrize(
    ("value", "user"),
    [("ada", "ada"), ("@ada-l", "ada-l"), ("https://codeberg.org/ada.l/", "ada.l")],
)
def test_codeberg_users(value, user):
    assert codeberg_user(value) == (user, "")


@pytest.mark.parametrize("value", ["ada lovelace", "-ada", "ada--l", "a" * 41, "ada/repo"])
def test_what_is_no_codeberg_user(value):
    assert codeberg_user(value)[0] is None


@pytest.mark.parametrize(
    ("value", "asked"), [(None, False), ("yes", True), ("True", True), ("no", False)]
)
def test_libravatar_asks_only_on_a_clear_yes(value, asked):
    assert libravatar_consent(value) == (asked, "")

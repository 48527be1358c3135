"""Hosts that member files (or the API answers they lead to) name are contacted only at public
addresses. Everything here is local, so every such host is refused: a server listens on the
address each refused name leads to, on the usual port, and must see no connection at all."""

from __future__ import annotations

import pytest
from avatar_server import make_png
from helpers import plugin_warnings, warnings_about
from pelican.plugins.member_avatars.net import addresses
from social_services import SocialServer, privileged_server, stand_in_dns

# Not in AVATAR_ALLOWED_HOSTS, so judged by its address: a loopback one.
REFUSED = "127.0.0.5"


@pytest.fixture
def refused_server():
    """A server on the refused address's usual http port (skips where it cannot bind)."""
    with privileged_server(REFUSED, 80) as server:
        server.set_file("/api/v1/accounts/lookup", b'{"avatar_static": null}', "application/json")
        server.set_file("/pic.png", make_png())
        yield server


@pytest.fixture
def guarded_site(site):
    """Mastodon asked on the instance a handle names, on the usual port; only the stand-in
    services on 127.0.0.1 are in AVATAR_ALLOWED_HOSTS."""
    site.settings.update(
        AVATAR_SOURCES=["mastodon", "codeberg", "generated"],
        AVATAR_ALLOWED_HOSTS=["127.0.0.1"],
        AVATAR_MASTODON_URL="http://{instance}/api/v1/accounts/lookup?acct={user}",
    )
    return site


def use_dns(monkeypatch, answers) -> object:
    dns = stand_in_dns(answers)
    monkeypatch.setattr(addresses, "system_lookup", dns)
    return dns


def refused_once(site, caplog, file: str, reason: str) -> str:
    """Build twice: the first build warns once about `file` (naming `reason`); the refusal is
    remembered, so the second build neither warns nor asks."""
    result = site.build(caplog)
    (warning,) = warnings_about(result.warnings, file)
    assert reason in warning
    assert warning.endswith("; using the next source")
    site.avatar("members/index.html", file.removesuffix(".md"))  # the generated one
    result = site.build(caplog)
    assert plugin_warnings(result.warnings) == []
    return warning


@pytest.mark.parametrize(
    ("handle", "reason"),
    [
        (f"@ada@{REFUSED}", f"refused host '{REFUSED}': it is a loopback address"),
        ("@ada@2130706437", "refused host '2130706437': it is a loopback address"),
        ("ada@0x7f000005", "refused host '0x7f000005': it is a loopback address"),
        (
            "@ada@[::ffff:127.0.0.5]",
            "refused host '::ffff:127.0.0.5': it is a loopback address inside IPv6",
        ),
        (f"http://{REFUSED}/@ada", f"refused host '{REFUSED}': it is a loopback address"),
    ],
)
def test_an_instance_at_a_loopback_address_is_never_contacted(
    guarded_site, refused_server, caplog, handle, reason
):
    guarded_site.member("ada", "Ada Lovelace", mastodon=handle)
    refused_once(guarded_site, caplog, "ada.md", f"Mastodon avatar: {reason}")
    assert refused_server.connections == 0


def test_a_name_that_resolves_to_a_loopback_address_is_never_contacted(
    guarded_site, refused_server, caplog, monkeypatch
):
    dns = use_dns(monkeypatch, {"instance.test": [REFUSED]})
    guarded_site.member("ada", "Ada Lovelace", mastodon="@ada@instance.test")
    refused_once(
        guarded_site, caplog, "ada.md", "refused host 'instance.test': it resolves to a loopback"
    )
    assert refused_server.connections == 0
    assert dns.calls == ["instance.test"]  # the second build did not even look the name up


def test_a_name_with_one_private_address_among_public_ones_is_refused(
    guarded_site, caplog, monkeypatch
):
    use_dns(monkeypatch, {"instance.test": ["93.184.215.14", "2606:4700::1111", "10.0.0.5"]})
    guarded_site.member("ada", "Ada Lovelace", mastodon="@ada@instance.test")
    refused_once(guarded_site, caplog, "ada.md", "it resolves to a private address")


def test_a_name_that_resolves_to_nothing_fails_without_a_request(guarded_site, caplog, monkeypatch):
    use_dns(monkeypatch, {})
    guarded_site.member("ada", "Ada Lovelace", mastodon="@ada@nowhere.test")
    refused_once(guarded_site, caplog, "ada.md", "the host's name resolves to no address")


@pytest.mark.parametrize(
    "picture_url",
    [f"http://{REFUSED}/pic.png", "http://pictures.test/pic.png", "http://[::ffff:7f00:5]/p.png"],
)
def test_a_picture_url_an_api_answers_is_checked_too(
    guarded_site, social_server, refused_server, caplog, monkeypatch, picture_url
):
    use_dns(monkeypatch, {"pictures.test": [REFUSED]})
    guarded_site.settings["AVATAR_CODEBERG_URL"] = social_server.codeberg_url
    social_server.set_codeberg("alan", picture_url)
    guarded_site.member("alan", "Alan Turing", codeberg="alan")
    refused_once(guarded_site, caplog, "alan.md", "loopback")
    assert social_server.count("/api/v1/users/alan") == 1  # the allowed API was asked, once
    assert refused_server.connections == 0


def test_a_redirect_to_a_loopback_address_is_never_followed(
    guarded_site, social_server, avatar_server, refused_server, caplog
):
    guarded_site.settings["AVATAR_CODEBERG_URL"] = social_server.codeberg_url
    avatar_server.set_behaviour("/moved.png", "redirect", location=f"http://{REFUSED}/pic.png")
    social_server.set_codeberg("alan", avatar_server.base_url + "/moved.png")
    guarded_site.member("alan", "Alan Turing", codeberg="alan")
    refused_once(guarded_site, caplog, "alan.md", f"refused host '{REFUSED}'")
    assert avatar_server.count("/moved.png") == 1
    assert refused_server.connections == 0


def test_only_the_usual_ports_are_used(guarded_site, social_server, caplog):
    with SocialServer(REFUSED) as other_port:
        guarded_site.settings["AVATAR_CODEBERG_URL"] = social_server.codeberg_url
        social_server.set_codeberg("alan", other_port.url("/pic.png"))
        guarded_site.member("alan", "Alan Turing", codeberg="alan")
        refused_once(guarded_site, caplog, "alan.md", "(only the usual port of http)")
        assert other_port.connections == 0


def test_a_host_in_allowed_hosts_is_exempt(guarded_site, refused_server, caplog):
    refused_server.set_file(
        "/api/v1/accounts/lookup",
        f'{{"avatar_static": "http://{REFUSED}/pic.png"}}'.encode(),
        "application/json",
    )
    guarded_site.member("ada", "Ada Lovelace", mastodon=f"@ada@{REFUSED}")
    result = guarded_site.build(caplog, AVATAR_ALLOWED_HOSTS=["127.0.0.1", REFUSED])
    assert plugin_warnings(result.warnings) == []
    assert refused_server.count("/api/v1/accounts/lookup") == 1
    assert refused_server.count("/pic.png") == 1

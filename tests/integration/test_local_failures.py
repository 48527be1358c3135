"""What fails on this machine is not the server's failure, and a failure warns once."""

import pytest
from avatar_server import gravatar_hash, make_jpeg
from helpers import near
from PIL import Image

RED = (210, 20, 20)
EMAIL = "grace@example.org"


@pytest.fixture
def gravatar_site(site, avatar_server):
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url)
    avatar_server.set_gravatar(gravatar_hash(EMAIL), make_jpeg(RED))
    site.member("grace", "Grace Hopper", email=EMAIL)
    return site


def without_webp_encoder(monkeypatch):
    """This Pillow as if it had been built without libwebp's encoder."""
    Image.init()

    def refuse(*args, **kwargs):
        raise OSError("encoder webp not available")

    monkeypatch.setitem(Image.SAVE, "WEBP", refuse)


def test_an_encoder_failure_is_not_remembered_as_the_servers(
    gravatar_site, avatar_server, caplog, monkeypatch
):
    site = gravatar_site
    with monkeypatch.context() as patched:
        without_webp_encoder(patched)
        result = site.build(caplog)
    [warning] = [w for w in result.warnings if "grace.md" in w and "Gravatar" in w]
    assert "could not encode the image here" in warning
    assert "not a usable image" not in warning
    assert (site.out / "members/grace/index.html").exists()

    # The encoder is back: the very next build asks again and shows the Gravatar, whose
    # body was kept (a conditional request, answered 304, downloads nothing again).
    avatar_server.reset_log()
    result = site.build(caplog)
    assert avatar_server.count(gravatar_hash(EMAIL)) == 1
    assert avatar_server.conditional_count() == 1
    assert near(site.avatar("members/index.html", "grace").centre_colour(), RED)
    assert not [w for w in result.warnings if "grace.md" in w]


def test_a_generated_avatar_that_cannot_be_encoded_warns_and_the_page_is_written(
    site, caplog, monkeypatch
):
    site.member("zed", "Zed Generated")
    without_webp_encoder(monkeypatch)
    result = site.build(caplog)
    assert any("zed.md" in w and "could not be encoded here" in w for w in result.warnings)
    assert site.avatars("members/zed/index.html") == []


def test_a_remembered_failure_warns_only_in_the_build_that_saw_it(gravatar_site, avatar_server):
    site = gravatar_site
    avatar_server.set_behaviour(gravatar_hash(EMAIL), "status", code=503)
    first = site.build_cli("--fatal", "warnings")
    assert first.returncode != 0
    assert "grace.md" in first.stdout + first.stderr

    avatar_server.reset_log()
    second = site.build_cli("--fatal", "warnings")
    output = second.stdout + second.stderr
    assert second.returncode == 0, output
    assert avatar_server.count() == 0
    assert "grace.md" not in output
    assert "1 failed in an earlier build, asked again in 60 min" in " ".join(output.split())

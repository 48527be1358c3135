"""No e-mail address, no hash of one and no avatar-service URL in any output file; uploaded
pictures lose all their metadata (EXIF, GPS, ICC, XMP) on the way to the page."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from avatar_server import gravatar_hash, make_jpeg, make_png
from helpers import gps_tagged_jpeg, near, plugin_warnings
from pelican import Pelican
from pelican.settings import read_settings
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SERVICE_URLS = [
    re.compile(rb"gravatar\.com", re.IGNORECASE),
    re.compile(rb"githubusercontent", re.IGNORECASE),
    re.compile(rb"github\.com/[^/\s\"'<>]+\.png", re.IGNORECASE),
]


def email_traces(address: str) -> set[bytes]:
    """The ways an address could leak: as written, normalised, URL-quoted, and hashed."""
    normal = address.strip().lower()
    traces = set()
    for form in {address.strip(), normal}:
        traces |= {form.encode(), quote(form).encode()}
        traces |= {
            hashlib.md5(form.encode(), usedforsecurity=False).hexdigest().encode(),
            hashlib.sha256(form.encode()).hexdigest().encode(),
        }
    return traces


def assert_no_leak(output: dict[str, bytes], addresses: list[str], extra: list[bytes] = ()):
    assert output
    traces = set().union(*(email_traces(address) for address in addresses)) | set(extra)
    for name, data in output.items():
        lowered = data.lower()
        for trace in traces:
            assert trace.lower() not in lowered, (name, trace)
        for pattern in SERVICE_URLS:
            assert not pattern.search(data), (name, pattern.pattern)


ADDRESSES = {
    "upl": " Upload.Person@Example.ORG ",
    "grav": "Grace.Hopper@Example.org",
    "gh": "linus@example.org",
}


@pytest.fixture
def mixed_site(site, avatar_server):
    site.settings.update(
        AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_GITHUB_URL=avatar_server.github_url
    )
    site.write("members/pics/upl.jpg", gps_tagged_jpeg())
    site.member("upl", "Uma Upload", email=ADDRESSES["upl"], avatar="members/pics/upl.jpg")
    avatar_server.set_gravatar(gravatar_hash(ADDRESSES["grav"]), make_jpeg((200, 30, 30)))
    site.member("grav", "Grace Hopper", email=ADDRESSES["grav"])
    avatar_server.set_github("linus", make_png((30, 160, 30)))
    site.member("gh", "Linus T", email=ADDRESSES["gh"], github="linus")
    site.event("meet", "Meetup", "2026-03-01", "upl, grav, gh")
    return site


@pytest.mark.parametrize("fmt", ["webp", "png", "jpeg"])
def test_build_output_holds_no_address_hash_or_service_url(mixed_site, avatar_server, caplog, fmt):
    result = mixed_site.build(caplog, AVATAR_FORMAT=fmt)
    assert plugin_warnings(result.warnings) == []
    sources = {r.path.split("/")[1] for r in avatar_server.requests}
    assert {"avatar", "gh", "ghavatars"} <= sources  # every kind of source was really used
    server = [avatar_server.base_url.encode(), f"127.0.0.1:{avatar_server.port}".encode()]
    assert_no_leak(mixed_site.all_output(), list(ADDRESSES.values()), server)


@pytest.mark.parametrize("fmt", ["webp", "png", "jpeg"])
def test_uploaded_picture_loses_all_metadata(mixed_site, caplog, fmt):
    mixed_site.build(caplog, AVATAR_FORMAT=fmt)
    for page, css in [("members/index.html", 48), ("members/upl/index.html", 160)]:
        avatar = mixed_site.avatar(page, "upl", css)
        img = Image.open(io.BytesIO(avatar.data))
        img.load()
        assert img.size == (css * 2, css * 2)
        exif = img.getexif()
        assert not dict(exif)
        assert not dict(exif.get_ifd(0x8825))  # GPS
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "photoshop", "comment"):
            assert key not in img.info, key
        for marker in (b"Exif", b"PhoneMaker", b"gps-here", b"ICC_PROFILE", b"iCCP", b"XMP "):
            assert marker not in avatar.data, marker
        if fmt == "png":
            assert not getattr(img, "text", {})


def example_addresses() -> list[str]:
    addresses = []
    for path in sorted((ROOT / "content" / "members").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "email" and value.strip():
                addresses.append(value.strip())
    return addresses


def test_example_site_output_holds_no_address_hash_or_service_url(tmp_path, monkeypatch):
    addresses = example_addresses()
    assert len(addresses) >= 10
    monkeypatch.setenv("AVATAR_OFFLINE", "1")
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "AVATAR_OFFLINE": True,
        },
    )
    Pelican(settings).run()
    output = {
        str(path.relative_to(tmp_path / "output")): path.read_bytes()
        for path in (tmp_path / "output").rglob("*")
        if path.is_file()
    }
    assert "members/index.html" in output
    assert output["members/index.html"].count(b'class="avatar"') >= len(addresses)
    assert_no_leak(output, addresses)
    # The uploaded originals (camera pictures may carry GPS) are not published either.
    for upload in (ROOT / "content" / "members" / "avatars").iterdir():
        assert upload.read_bytes() not in output.values()


RED, GREEN = (200, 30, 30), (30, 160, 30)

# --- Gravatar only on a clear yes, GitHub profile URLs read as user names --------------------

# (member slug, Gravatar line, asks Gravatar, warns)
GRAVATAR_LINES = [
    ("absent", None, True, False),
    ("yes", "Yes", True, False),
    ("quoted-yes", '"yes"', True, False),
    ("no", "no", False, False),
    ("quoted-no", '"no"', False, False),
    ("never", "never", False, False),
    ("disabled", "disabled", False, False),
    ("nope", "nope", False, True),
    ("maybe", "maybe later", False, True),
]


def test_gravatar_is_asked_only_on_a_clear_yes(site, avatar_server, caplog):
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url)
    for slug, line, _, _ in GRAVATAR_LINES:
        address = f"{slug}@example.org"
        avatar_server.set_gravatar(gravatar_hash(address), make_jpeg(RED))
        extra = {} if line is None else {"gravatar": line}
        site.member(slug, slug.title(), email=address, **extra)
    result = site.build(caplog)

    asked = {r.path.split("/")[2] for r in avatar_server.requests if r.path.startswith("/avatar/")}
    for slug, _, asks, warns in GRAVATAR_LINES:
        assert (gravatar_hash(f"{slug}@example.org") in asked) == asks, slug
        warned = [w for w in plugin_warnings(result.warnings) if f"{slug}.md" in w]
        assert len(warned) == warns, (slug, result.warnings)
        if warns:
            assert "Gravatar" in warned[0]
        colour = site.avatar("members/index.html", slug).centre_colour()
        assert near(colour, RED) == asks, (slug, colour)
    assert len(plugin_warnings(result.warnings)) == sum(row[3] for row in GRAVATAR_LINES)


# (member slug, GitHub line, the user asked for, or None: no request and a warning)
GITHUB_LINES = [
    ("url", "https://github.com/octo", "octo"),
    ("url-slash", "https://github.com/octo-cat/", "octo-cat"),
    ("bare-url", "github.com/octo", "octo"),
    ("at", "@octo", "octo"),
    ("repo", "https://github.com/octo/project", None),
    ("spaces", "octo cat", None),
    ("too-long", "o" * 40, None),
]


def test_github_profile_urls_are_read_as_user_names(site, avatar_server, caplog):
    site.settings.update(AVATAR_GITHUB_URL=avatar_server.github_url)
    avatar_server.set_github("octo", make_png(GREEN))
    avatar_server.set_github("octo-cat", make_png(GREEN))
    for slug, line, _ in GITHUB_LINES:
        site.member(slug, slug.title(), github=line)
    result = site.build(caplog)

    asked = {
        r.path.removeprefix("/gh/").removesuffix(".png")
        for r in avatar_server.requests
        if r.path.startswith("/gh/")
    }
    assert asked == {user for _, _, user in GITHUB_LINES if user}
    for slug, line, user in GITHUB_LINES:
        warned = [w for w in plugin_warnings(result.warnings) if f"{slug}.md" in w]
        assert len(warned) == (user is None), (slug, result.warnings)
        colour = site.avatar("members/index.html", slug).centre_colour()
        assert near(colour, GREEN) == (user is not None), (slug, colour)
        if user is None:
            assert "GitHub" in warned[0]
            assert repr(line) in warned[0]


# --- MEMBER_PRIVATE_DATA: the private addresses reach no output file and no log line ---------

PRIVATE_ADDRESSES = {
    "ada": " Ada.Private@Example.ORG ",
    "row": "row.private@example.org",
    "gwen-guest": "gwen.private@example.org",
    "unlisted": "unlisted.private@example.org",
    "nobody": "nobody.private@example.org",
}


def test_private_addresses_and_their_hashes_reach_no_output_file_or_log_line(
    site, avatar_server, caplog
):
    import logging

    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url)
    for address in PRIVATE_ADDRESSES.values():
        avatar_server.set_gravatar(gravatar_hash(address), make_jpeg((200, 30, 30)))
    site.member("ada", "Ada Lovelace", email="ada.public@example.org")
    site.write("members/rows.csv", "Name,Slug\nData Row,row\n")
    site.write("events/e.csv", "Name,Listed\nGwen Guest,\nUn Listed,no\n")
    site.write("events/e.md", "Title: E\nDate: 2026-01-01\nAttendees-File: events/e.csv\n\nx\n")
    private = site.root / "private" / "members.csv"
    private.parent.mkdir()
    private.write_text(
        "Slug,Email\n" + "".join(f"{s},{e}\n" for s, e in PRIVATE_ADDRESSES.items()),
        encoding="utf-8",
    )
    caplog.set_level(logging.DEBUG)
    site.build(caplog, MEMBER_PRIVATE_DATA=str(private))
    asked = {r.path.split("/")[2] for r in avatar_server.requests}
    assert asked == {gravatar_hash(PRIVATE_ADDRESSES[s]) for s in ("ada", "row", "gwen-guest")}
    server = [avatar_server.base_url.encode(), f"127.0.0.1:{avatar_server.port}".encode()]
    addresses = [*PRIVATE_ADDRESSES.values(), "ada.public@example.org"]
    assert_no_leak(site.all_output(), addresses, server)
    log_lines = {f"log line {n}": r.getMessage().encode() for n, r in enumerate(caplog.records)}
    assert any(b"nobody" in line for line in log_lines.values())  # its warning names the slug
    assert_no_leak(log_lines, addresses)

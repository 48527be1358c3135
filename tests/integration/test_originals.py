"""No uploaded original is ever published, one row per way it could slip into the output.

Every row puts a camera picture with GPS in EXIF where Pelican's static files would copy it
(STATIC_PATHS, or a `{static}` link), and builds: no output file holds the original's bytes or
any GPS tag, while a picture nobody names as `Avatar` in the same static folder is copied.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from helpers import generated_avatar, gps_tagged_jpeg, png, warnings_about
from PIL import Image, UnidentifiedImageError

ORIGINAL = gps_tagged_jpeg()
CONTROL = "images/logo.png"  # in the same static folder, named by no member file


def gps_of(data: bytes) -> dict:
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        return {}
    return dict(image.getexif().get_ifd(0x8825))


@dataclass(frozen=True)
class Way:
    setup: Callable[[Any], None]
    warns: str = ""  # the file a warning must name, "" when the row is all legitimate
    settings: dict[str, Any] = field(default_factory=dict)
    shown: str = ""  # a member whose page shows the upload as the avatar


def skipped_member(site):
    site.write("images/avatars/x.jpg", ORIGINAL)
    site.write("members/nameless.md", "Avatar: images/avatars/x.jpg\n\nNo name.\n")


def duplicate_slug(site):
    site.write("images/avatars/x.jpg", ORIGINAL)
    site.member("ada", "Ada")
    site.write("members/zz-ada.md", "Name: Other Ada\nSlug: ada\nAvatar: images/avatars/x.jpg\n\n")


def leading_slash(site):
    site.write("images/avatars/x.jpg", ORIGINAL)
    site.member("ann", "Ann", avatar="/images/avatars/x.jpg")


def static_prefix(site):
    site.write("images/avatars/x.jpg", ORIGINAL)
    site.member("ann", "Ann", avatar="{static}/images/avatars/x.jpg")


def valid_upload_in_static_paths(site):
    site.write("images/avatars/x.jpg", ORIGINAL)
    site.member("ann", "Ann", avatar="images/avatars/x.jpg")


def second_avatar_line(site):
    site.write("images/avatars/x.jpg", ORIGINAL)
    site.write("images/avatars/y.jpg", png())
    site.write(
        "members/ann.md",
        "Name: Ann\nAvatar: images/avatars/y.jpg\nAvatar: images/avatars/x.jpg\n\n",
    )


def member_folder_in_static_paths(site):
    site.write("members/avatars/old.jpg", ORIGINAL)  # named by nobody, but a member upload
    site.member("ann", "Ann")


def member_folder_linked_from_an_article(site):
    site.write("members/avatars/old.jpg", ORIGINAL)
    site.member("ann", "Ann")
    site.write(
        "post.md",
        "Title: Post\nDate: 2026-01-01\n\n![photo]({static}/members/avatars/old.jpg)\n",
    )


def event_folder_in_static_paths(site):
    site.write("events/photos/group.jpg", ORIGINAL)
    site.member("ann", "Ann")
    site.event("meetup", "Meetup", "2026-01-01", "ann")


WAYS = {
    "skipped member (no Name)": Way(skipped_member, "nameless.md"),
    "duplicate slug": Way(duplicate_slug, "zz-ada.md"),
    "path with a leading slash": Way(leading_slash, shown="ann"),
    "{static} prefix": Way(static_prefix, shown="ann"),
    "upload refused as too large": Way(
        valid_upload_in_static_paths, "ann.md", settings={"AVATAR_MAX_BYTES": 100}
    ),
    "valid member, upload in STATIC_PATHS": Way(valid_upload_in_static_paths, shown="ann"),
    "second Avatar line": Way(second_avatar_line, "ann.md"),
    "STATIC_PATHS with the member folder": Way(
        member_folder_in_static_paths, settings={"STATIC_PATHS": ["images", "members/avatars"]}
    ),
    "{static} link from an article into the member folder": Way(
        member_folder_linked_from_an_article
    ),
    "STATIC_PATHS with the event folder": Way(
        event_folder_in_static_paths, settings={"STATIC_PATHS": ["images", "events"]}
    ),
    "STATIC_PATHS the whole content folder": Way(
        valid_upload_in_static_paths, settings={"STATIC_PATHS": ["."]}, shown="ann"
    ),
}


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
def test_no_original_is_published(site, caplog, way):
    site.write(CONTROL, png())
    way.setup(site)
    result = site.build(caplog, AVATAR_OFFLINE=True, **way.settings)

    output = site.all_output()
    assert CONTROL in output  # static files are copied: their absence below means something
    for name, data in output.items():
        assert data != ORIGINAL, name
        assert b"PhoneMaker" not in data, name
        assert gps_of(data) == {}, name
    if way.warns:
        assert warnings_about(result.warnings, way.warns), result.warnings
    if way.shown:
        avatar = site.avatar(f"members/{way.shown}/index.html", way.shown, 160)
        assert avatar.data != generated_avatar("Ann", "ann", 320)  # the upload, re-encoded
        assert gps_of(avatar.data) == {}

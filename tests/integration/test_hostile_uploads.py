"""Hostile uploads, one row each, through real builds.

Refused rows: the build succeeds, the member gets the next source (the generated avatar), one
warning names the member file and the reason, and the cache holds no render of the refused
file. Accepted rows: the picture is used, upright and in the right colours, without a warning.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from helpers import (
    BLUE,
    GREEN,
    RED,
    STORED_AS,
    YELLOW,
    cache_keys,
    encode,
    generated_avatar,
    jpeg,
    near,
    plugin_warnings,
    png_claiming,
    quadrants,
    render_sources,
    sha256,
    warnings_about,
)
from PIL import Image

NAME, SLUG = "Ann Upload", "ann"
SECRET = GREEN  # the colour of pictures outside the content folder: must never show


def _outside(site) -> None:
    (site.root / "secret.jpg").write_bytes(jpeg(SECRET))


def missing(site):
    return "members/nope.jpg"


def dotdot(site):
    _outside(site)
    return "../secret.jpg"


def dotdot_inside_a_folder(site):
    _outside(site)
    site.write("members/pics/ok.jpg", jpeg(RED))
    return "members/pics/../../../secret.jpg"


def absolute(site):
    _outside(site)
    return str(site.root / "secret.jpg")


def symlink_out(site):
    _outside(site)
    (site.content / "members").mkdir(parents=True, exist_ok=True)
    os.symlink(site.root / "secret.jpg", site.content / "members" / "link.jpg")
    return "members/link.jpg"


def symlinked_folder_out(site):
    outside = site.root / "elsewhere"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(jpeg(SECRET))
    (site.content / "members").mkdir(parents=True, exist_ok=True)
    os.symlink(outside, site.content / "members" / "pics")
    return "members/pics/secret.jpg"


def a_folder(site):
    (site.content / "members" / "pics").mkdir(parents=True, exist_ok=True)
    return "members/pics"


def text_named_jpg(site):
    site.write("members/fake.jpg", "<html><body>not a picture</body></html>\n")
    return "members/fake.jpg"


def empty_file(site):
    site.write("members/empty.jpg", b"")
    return "members/empty.jpg"


def svg_with_script(site):
    site.write(
        "members/pic.svg",
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80" '
        'onload="alert(1)"><script>alert("xss")</script><rect width="80" height="80"/></svg>\n',
    )
    return "members/pic.svg"


def truncated_jpeg(site):
    noisy = Image.effect_noise((200, 200), 60).convert("RGB")
    data = encode(noisy, "JPEG", quality=90)
    site.write("members/cut.jpg", data[: len(data) // 2])
    return "members/cut.jpg"


def bomb(width: int, height: int) -> Callable[[Any], str]:
    def make(site):
        site.write("members/bomb.png", png_claiming(width, height))
        return "members/bomb.png"

    return make


def over_max_bytes(site):
    site.write("members/big.jpg", jpeg(RED, (600, 600)))
    return "members/big.jpg"


@dataclass(frozen=True)
class Refused:
    make: Callable[[Any], str]
    reason: str
    settings: dict[str, Any] = field(default_factory=dict)


REFUSED = {
    "missing file": Refused(missing, "does not exist"),
    "'..' traversal": Refused(dotdot, "outside the content folder"),
    "'..' traversal through a folder": Refused(dotdot_inside_a_folder, "outside the content"),
    "absolute path outside PATH": Refused(absolute, "outside the content folder"),
    "symlink out of PATH": Refused(symlink_out, "outside the content folder"),
    "symlinked folder out of PATH": Refused(symlinked_folder_out, "outside the content folder"),
    "a folder, not a file": Refused(a_folder, "does not exist"),
    "text file named .jpg": Refused(text_named_jpg, "not an image"),
    "empty file": Refused(empty_file, "empty"),
    "SVG with a script": Refused(svg_with_script, "SVG"),
    "truncated JPEG": Refused(truncated_jpeg, "truncated"),
    # Pillow raises above twice MAX_IMAGE_PIXELS, warns between once and twice, and says
    # nothing below it: all three are refused from the header, before any pixel is decoded.
    "bomb above Pillow's hard limit": Refused(bomb(100_000, 100_000), "image too large"),
    "bomb above Pillow's warning limit": Refused(bomb(10_000, 10_000), "image too large"),
    "bomb below Pillow's limits, above ours": Refused(bomb(8_000, 8_000), "image too large"),
    "file above AVATAR_MAX_BYTES": Refused(
        over_max_bytes, "AVATAR_MAX_BYTES", {"AVATAR_MAX_BYTES": 2000}
    ),
}


@pytest.mark.parametrize("row", REFUSED.values(), ids=REFUSED.keys())
def test_refused_upload(site, caplog, row):
    site.member(SLUG, NAME, avatar=row.make(site))
    started = time.monotonic()
    result = site.build(caplog, AVATAR_OFFLINE=True, **row.settings)
    assert time.monotonic() - started < 10

    # The next source: the generated avatar, byte for byte, on every page.
    assert site.avatar("members/index.html", SLUG).data == generated_avatar(NAME, SLUG)
    profile = site.avatar(f"members/{SLUG}/index.html", SLUG, 160)
    assert profile.data == generated_avatar(NAME, SLUG, 320)

    # One warning, naming the member file and the reason; nothing else to say.
    about = warnings_about(result.warnings, "ann.md")
    assert len(about) == 1, result.warnings
    assert row.reason in about[0]
    assert plugin_warnings(result.warnings) == about

    # Nothing rendered from the refused file, and no note that it is a good upload.
    keys = cache_keys(site.cache / "avatars")
    assert not [key for key in keys if key.startswith("upload:")]
    assert all(source.startswith("gen-") for source in render_sources(keys)), keys

    # A refused file never reaches the output either.
    for name in site.all_output():
        assert name.startswith("theme/") or not name.endswith((".jpg", ".png", ".svg")), name


# --- accepted uploads: odd but legitimate pictures -----------------------------------------


def quadrants_at(avatar_image: Image.Image) -> list[tuple[int, ...]]:
    """The colours at the centres of the four quadrants of a square avatar."""
    side = avatar_image.width
    low, high = side // 4, side * 3 // 4
    rgb = avatar_image.convert("RGB")
    return [rgb.getpixel(point) for point in [(low, low), (high, low), (low, high), (high, high)]]


def oriented_jpeg(orientation: int) -> bytes:
    turn = STORED_AS[orientation]
    upright = quadrants(400, 300)
    stored = upright if turn is None else upright.transpose(turn)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(stored, "JPEG", exif=exif, quality=95)


def check_upright(avatar) -> None:
    colours = quadrants_at(avatar.image())
    for actual, expected in zip(colours, [RED, GREEN, BLUE, YELLOW], strict=True):
        assert near(actual, expected), colours


def cmyk_jpeg() -> bytes:
    data = encode(Image.new("CMYK", (60, 40), (0, 255, 255, 0)), "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    return data


def sixteen_bit_png() -> bytes:
    return encode(Image.new("I;16", (40, 40), 0x8000), "PNG")


def palette_png_with_transparency() -> bytes:
    """Left half transparent (index 0), right half opaque red (index 1)."""
    img = Image.new("P", (40, 40), 0)
    img.putpalette([0, 0, 0, *RED] + [0] * 762)
    img.paste(1, (20, 0, 40, 40))
    return encode(img, "PNG", transparency=0)


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (30, 30), colour) for colour in (RED, GREEN, BLUE)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], loop=0, duration=100)


def check_colour(colour):
    def check(avatar):
        assert near(avatar.centre_colour(), colour), avatar.centre_colour()

    return check


def check_transparency(avatar):
    img = avatar.image().convert("RGBA")
    assert img.getpixel((5, img.height // 2))[3] == 0
    assert near(img.getpixel((img.width - 5, img.height // 2)), (*RED, 255), 20)


ACCEPTED: dict[str, tuple[Callable[[], bytes], Callable[[Any], None]]] = {
    "CMYK JPEG": (cmyk_jpeg, check_colour((255, 0, 0))),
    "16-bit PNG": (sixteen_bit_png, check_colour((128, 128, 128))),
    "palette PNG with transparency": (palette_png_with_transparency, check_transparency),
    "animated GIF (first frame)": (lambda: animated("GIF"), check_colour(RED)),
    "animated WebP (first frame)": (lambda: animated("WEBP"), check_colour(RED)),
    "1x1 pixel": (lambda: encode(Image.new("RGB", (1, 1), BLUE), "PNG"), check_colour(BLUE)),
    **{
        f"EXIF orientation {orientation}": ((lambda o=orientation: oriented_jpeg(o)), check_upright)
        for orientation in sorted(STORED_AS)
    },
}


@pytest.mark.parametrize(("make", "check"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted_upload(site, caplog, make, check):
    data = make()
    site.write("members/pics/ann.img", data)
    site.member(SLUG, NAME, avatar="members/pics/ann.img")
    result = site.build(caplog, AVATAR_OFFLINE=True)
    assert plugin_warnings(result.warnings) == []
    for page, css in [("members/index.html", 48), (f"members/{SLUG}/index.html", 160)]:
        avatar = site.avatar(page, SLUG, css)
        assert avatar.image().size == (css * 2, css * 2)
        assert avatar.data != generated_avatar(NAME, SLUG, css * 2)
        check(avatar)
    # Rendered once from the upload's bytes, and remembered for the next build.
    assert sha256(data) in render_sources(cache_keys(site.cache / "avatars"))

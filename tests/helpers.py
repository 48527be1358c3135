"""Shared test helpers: images (plain and hostile), colours, cache inspection, warnings."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import diskcache
from pelican.plugins.member_avatars.images import initials
from PIL import Image, ImageCms, ImageDraw

RED, GREEN, BLUE, YELLOW = (210, 20, 20), (20, 170, 20), (20, 20, 210), (230, 230, 20)
QUADRANTS = (RED, GREEN, BLUE, YELLOW)
# The pixel sizes of the default AVATAR_SIZES (48, 160, 32 CSS pixels) at density 2.
PIXEL_SIZES = [320, 96, 64]


# What an upright picture must be turned by to be stored with each EXIF orientation: the
# inverse of what the reader must do to show it upright.
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def near(actual, expected, tolerance: int = 24) -> bool:
    """Whether two colours agree within `tolerance` per channel (lossy encoders shift them)."""
    return all(abs(a - b) <= tolerance for a, b in zip(actual, expected, strict=False))


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg(colour=RED, size=(120, 90)) -> bytes:
    return encode(Image.new("RGB", size, colour), "JPEG", quality=95)


def png(colour=GREEN, size=(80, 80)) -> bytes:
    return encode(Image.new("RGB", size, colour), "PNG")


def quadrants(
    width: int = 80, height: int = 60, colours: tuple[tuple[int, int, int], ...] = QUADRANTS
) -> Image.Image:
    """Four quadrants (by default red, green / blue, yellow): every flip or rotation changes
    what sits where."""
    top_left, top_right, bottom_left, bottom_right = colours
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    half_w, half_h = width // 2, height // 2
    draw.rectangle((0, 0, half_w - 1, half_h - 1), fill=top_left)
    draw.rectangle((half_w, 0, width - 1, half_h - 1), fill=top_right)
    draw.rectangle((0, half_h, half_w - 1, height - 1), fill=bottom_left)
    draw.rectangle((half_w, half_h, width - 1, height - 1), fill=bottom_right)
    return img


def png_claiming(width: int, height: int) -> bytes:
    """A valid 1×1 PNG whose IHDR (with a correct CRC) claims `width` × `height` pixels."""
    data = bytearray(encode(Image.new("RGB", (1, 1), RED), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def gps_tagged_jpeg(picture: Image.Image | None = None) -> bytes:
    """A camera-like JPEG of `picture` (default: quadrants, 400 × 300) with EXIF (make, model,
    GPS position), an ICC profile and XMP."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel"  # Model
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret>gps-here</secret></x:xmpmeta>'
    data = encode(picture or quadrants(400, 300), "JPEG", exif=exif, icc_profile=icc, xmp=xmp)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)[1] == "N"  # the fixture really has GPS
    assert "icc_profile" in source.info
    assert b"gps-here" in data
    return data


def generated_avatar(name: str, slug: str, size: int = 96, fmt: str = "webp") -> bytes:
    """The bytes the `generated` source gives `name`/`slug` at `size` pixels."""
    return initials.render_initials(name, slug, PIXEL_SIZES, fmt, 60)[size]


def cache_keys(cache_dir: Path) -> list[str]:
    """Every key of the avatar cache, read with diskcache itself."""
    with diskcache.Cache(str(cache_dir)) as cache:
        return [key for key in cache.iterkeys() if isinstance(key, str)]


def cache_value(cache_dir: Path, key: str):
    with diskcache.Cache(str(cache_dir)) as cache:
        return cache.get(key)


def body_shas(keys: list[str]) -> set[str]:
    """The SHA-256 of every remote body the cache keeps."""
    return {key.removeprefix("body:") for key in keys if key.startswith("body:")}


def render_sources(keys: list[str]) -> set[str]:
    """What every rendered image in the cache was made from: a body SHA-256 or "gen-..."."""
    # img:v<version>:<source id>:<format>:<quality>:<sizes>
    return {key.split(":")[2] for key in keys if key.startswith("img:")}


def plugin_warnings(warnings: list[str]) -> list[str]:
    return [warning for warning in warnings if "[member_avatars]" in warning]


def warnings_about(warnings: list[str], filename: str) -> list[str]:
    return [warning for warning in plugin_warnings(warnings) if filename in warning]

"""Decoding and cropping avatars with Pillow, then encoding them at every size (`encoding`).

Pure functions on in-memory bytes: no file or network I/O and no logging, so callers decide
how a refused image is reported. Every Pillow failure while decoding leaves this module as
`ImageRejected` (the source's fault); one while resizing or encoding as `EncodeFailed` (ours).
"""

from __future__ import annotations

import contextlib
import io
import struct
import threading
import warnings
from collections.abc import Iterable

from PIL import Image, ImageOps

from .encode import check_format, encode_sizes

try:  # LittleCMS is optional in Pillow builds; without it colours are converted naively.
    from PIL import ImageCms
except ImportError:  # pragma: no cover - depends on how Pillow was built
    ImageCms = None  # type: ignore[assignment]

# Raster formats a browser-facing avatar plausibly comes in. TIFF, ICO, PSD and Pillow's many
# exotic readers are left out on purpose: nobody uploads them as avatars, and every extra
# decoder is extra attack surface for files fetched from the internet.
ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")

# Everything Pillow is known to raise on bad input, so no Pillow exception escapes this module.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    struct.error,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)

# `warnings.catch_warnings` swaps process-global state; serialise our own use of it so that
# concurrent decodes cannot restore each other's filters in the wrong order.
_WARNINGS_LOCK = threading.Lock()

_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N"})
_WHITE = (255, 255, 255)


class ImageRejected(Exception):
    """A source that is not a usable image: the source's fault, not ours.

    `str(exc)` is a short human reason, e.g. "not an image" or "truncated image data".
    """


def crop_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The largest square centred in a `width` × `height` image, as (left, top, right, bottom)."""
    side = min(width, height)
    left = (width - side) // 2
    top = (height - side) // 2
    return left, top, left + side, top + side


def open_image(data: bytes, max_pixels: int) -> Image.Image:
    """Identify `data` from its header alone and refuse it before any pixel is decoded.

    Returns the lazily opened image (pixels not yet loaded). Raises `ImageRejected` for
    anything that is not one of `ALLOWED_FORMATS`, and for images with more than `max_pixels`
    pixels or more than Pillow's own `Image.MAX_IMAGE_PIXELS`.
    """
    if not data:
        raise ImageRejected("empty file")
    if _looks_like_svg(data):
        raise ImageRejected("SVG is not accepted")
    try:
        img = _open_header(data)
    except Image.UnidentifiedImageError:
        raise ImageRejected("not an image") from None
    except _DECODE_ERRORS as exc:
        raise ImageRejected(_decode_reason(exc)) from None
    width, height = img.size
    if width < 1 or height < 1:
        raise ImageRejected(f"empty image: {width}×{height} pixels")
    if width * height > max_pixels:
        raise ImageRejected(f"image too large: {width}×{height} pixels (limit {max_pixels})")
    return img


def render_sizes(
    data: bytes, pixel_sizes: Iterable[int], fmt: str, quality: int, max_pixels: int
) -> dict[int, bytes]:
    """Decode `data` once and encode a square, upright, metadata-free copy per pixel size.

    Returns {size: encoded bytes} with images of exactly size × size pixels in `fmt`
    ("webp", "png" or "jpeg"). Raises `ImageRejected` when `data` is not a usable image.
    """
    sizes = sorted({int(size) for size in pixel_sizes}, reverse=True)
    if not sizes:
        return {}
    check_format(fmt)
    img = open_image(data, max_pixels)
    try:
        square = _prepare(img, sizes[0], keep_alpha=fmt != "jpeg")
    except _DECODE_ERRORS as exc:
        raise ImageRejected(_decode_reason(exc)) from None
    finally:
        img.close()
    return encode_sizes(square, sizes, fmt, quality)


def _looks_like_svg(data: bytes) -> bool:
    # Pillow cannot read SVG anyway; naming it gives the user a clearer warning.
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def _open_header(data: bytes) -> Image.Image:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; turn the warning into an
    # error so such images are refused like bigger ones, without touching the global limit.
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)


def _decode_reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, EOFError) or "truncated" in text or "premature end" in text.lower():
        return "truncated image data"
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        # Pillow raises above twice its limit and only warns above the limit itself.
        limit = Image.MAX_IMAGE_PIXELS or 0
        if isinstance(exc, Image.DecompressionBombError):
            limit *= 2
        return f"image too large: more than {limit} pixels (decompression bomb limit)"
    return f"broken image data: {text or type(exc).__name__}"


def _prepare(img: Image.Image, largest: int, keep_alpha: bool) -> Image.Image:
    """Decode the first frame and return its upright, colour-normalised centre square."""
    if img.format in ("JPEG", "MPO"):
        # Let libjpeg decode big photos at 1/2, 1/4 or 1/8 scale; draft never goes below the
        # requested size in either dimension, so the centre square still covers `largest`.
        img.draft("RGB", (largest, largest))
    img.load()  # the first frame only: animated GIF/WebP are never advanced
    rgb = _normalise_mode(img, keep_alpha)
    square = rgb.crop(crop_box(*rgb.size))
    # Transposing the square instead of the whole picture is cheaper; the crop is centred,
    # so the result is the same (give or take a pixel row on odd size differences).
    square.info = img.info.copy()
    # Unreadable EXIF costs the orientation only, not the whole picture.
    with contextlib.suppress(*_DECODE_ERRORS):
        ImageOps.exif_transpose(square, in_place=True)
    return _drop_opaque_alpha(square)


def _normalise_mode(img: Image.Image, keep_alpha: bool) -> Image.Image:
    """Convert any decoded mode to RGB, or RGBA when transparency matters and is kept."""
    if img.mode in _SIXTEEN_BIT_MODES:
        # Pillow clips 16-bit values to 255 when converting; scale them down instead.
        img = img.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = img.mode in _ALPHA_MODES or "transparency" in img.info
    if has_alpha:
        rgba = img.convert("RGBA")
        if keep_alpha:
            return rgba
        # JPEG has no transparency: composite on white, where avatars usually sit.
        background = Image.new("RGBA", rgba.size, (*_WHITE, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return _to_srgb(img)


def _to_srgb(img: Image.Image) -> Image.Image:
    """RGB pixels in sRGB, using the embedded ICC profile when there is one."""
    icc = img.info.get("icc_profile")
    if icc and ImageCms is not None and img.mode in ("RGB", "CMYK", "L"):
        # The profile is stripped from the output, so its colours must be applied now:
        # CMYK and wide-gamut (e.g. Display P3) photos would look wrong otherwise.
        try:
            converted = ImageCms.profileToProfile(
                img, io.BytesIO(icc), ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, *_DECODE_ERRORS):
            converted = None
        if converted is not None:
            return converted
    return img if img.mode == "RGB" else img.convert("RGB")


def _drop_opaque_alpha(img: Image.Image) -> Image.Image:
    # An alpha channel that is opaque everywhere only costs bytes in the output.
    if img.mode == "RGBA" and img.getchannel("A").getextrema() == (255, 255):
        return img.convert("RGB")
    return img

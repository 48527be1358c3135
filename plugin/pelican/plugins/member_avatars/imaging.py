"""Decoding, cropping, resizing and encoding avatars with Pillow.

Pure functions on in-memory bytes: no file or network I/O and no logging, so callers decide
how a refused image is reported. Every Pillow failure leaves this module as `ImageRejected`.
"""

from __future__ import annotations

import base64
import contextlib
import io
import struct
import threading
import warnings
from collections.abc import Iterable

from PIL import Image, ImageOps

from .settings import FORMATS

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


class EncodeFailed(Exception):
    """A decoded image that this machine could not resize or encode (an encoder missing from
    this Pillow, memory): a local failure, never to be blamed on the source."""


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
    _check_format(fmt)
    img = open_image(data, max_pixels)
    try:
        square = _prepare(img, sizes[0], keep_alpha=fmt != "jpeg")
    except _DECODE_ERRORS as exc:
        raise ImageRejected(_decode_reason(exc)) from None
    finally:
        img.close()
    return encode_sizes(square, sizes, fmt, quality)


def encode_sizes(square: Image.Image, sizes: list[int], fmt: str, quality: int) -> dict[int, bytes]:
    """Resample the decoded `square` to each of `sizes` (largest first) and encode each.

    Raises `EncodeFailed`: the pixels are decoded, so what fails here fails on this machine.
    """
    encoded = {}
    try:
        for size in sizes:  # largest first: each size is resampled from the one before
            square = _resize(square, size)
            encoded[size] = encode(square, fmt, quality)
    except (*_DECODE_ERRORS, MemoryError) as exc:
        raise EncodeFailed(_local_reason(exc)) from None
    return encoded


def _local_reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def encode(img: Image.Image, fmt: str, quality: int, flat: bool = False) -> bytes:
    """Encode `img` as `fmt` with no metadata at all (no EXIF, ICC, XMP or text chunks).

    `flat`: a drawing of few colours (a generated avatar), which lossless WebP keeps exact in
    about the bytes lossy WebP needs, in half the time.
    """
    _check_format(fmt)
    # Drop everything Pillow might copy from `info` into the file (PNG falls back to the
    # image's own ICC profile, for instance); the encoders only write what they are given.
    # Swapped out rather than copying the image, and restored for the caller.
    saved_info, img.info = img.info, {}
    buffer = io.BytesIO()
    try:
        _save(img, buffer, fmt, quality, flat)
    except (*_DECODE_ERRORS, MemoryError) as exc:
        raise EncodeFailed(_local_reason(exc)) from None
    finally:
        img.info = saved_info
    return buffer.getvalue()


def _save(img: Image.Image, buffer: io.BytesIO, fmt: str, quality: int, flat: bool) -> None:
    if fmt == "webp":
        # libwebp's effort: measured on 320-px photos at quality 60, method 6 takes 14 ms
        # for 3.0 KB, 4 takes 9 ms for 3.7 KB, 2 takes 3 ms for 3.9 KB; at 96 px, 6 and 4
        # differ by 20 bytes. A cold build encodes every size of hundreds of avatars.
        if flat:
            # Lossless "quality" is effort: 10 at method 1 is as small as more effort here.
            img.save(buffer, "WEBP", lossless=True, quality=10, method=1)
        else:
            method = 4 if max(img.size) <= 128 else 2
            img.save(buffer, "WEBP", quality=quality, method=method)
    elif fmt == "jpeg":
        img.save(buffer, "JPEG", quality=quality, optimize=True, progressive=False)
    else:
        img.save(buffer, "PNG", optimize=True)


def data_uri(encoded: bytes, fmt: str) -> str:
    """A `data:` URI holding `encoded`, an image in `fmt`."""
    _check_format(fmt)
    return f"data:{FORMATS[fmt]};base64,{base64.b64encode(encoded).decode('ascii')}"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown avatar format {fmt!r}; use one of {', '.join(FORMATS)}")


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


def _resize(square: Image.Image, size: int) -> Image.Image:
    if square.size == (size, size):
        return square
    # reducing_gap lets Pillow box-reduce by an integer factor first, then finish with
    # Lanczos: much faster on big uploads. At 1.5, 320 -> 96 px is reduced by 2 first: a
    # quarter less work, and 49-51 dB PSNR against plain Lanczos on the benchmark's
    # portraits, far below what WebP at quality 60 changes (about 36 dB).
    return square.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=1.5)

"""Locally generated avatars: the member's initials in white on a colour derived from the slug.

No network and no system fonts: the text is drawn with the TrueType font bundled in Pillow,
so every build on every machine with the same Pillow produces the same bytes.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import threading
import unicodedata
from collections.abc import Iterable

from PIL import Image, ImageDraw, ImageFont

from . import encode

try:  # a dependency of Pelican itself, used to draw letters the bundled font lacks
    from unidecode import unidecode
except ImportError:  # pragma: no cover - Pelican always brings it
    unidecode = None  # type: ignore[assignment]

WHITE = (255, 255, 255)
MIN_CONTRAST = 4.5  # WCAG AA for normal text
_SATURATION = 0.5
_START_LIGHTNESS = 0.45
# Aim a little above the WCAG threshold so rounding to 8-bit channels can never undercut it.
_TARGET_CONTRAST = MIN_CONTRAST + 0.1
# Character the bundled font has no glyph for: what a missing glyph looks like.
_NO_GLYPH_PROBE = "\ue000"


def initials(name: str) -> str:
    """Up to two upper-cased initials: the first letter of the first and of the last word.

    Unicode-aware ("Zoë Ångström" -> "ZÅ", "李小龍" -> "李"); characters that are not letters
    (punctuation, markup such as "<script>") are skipped. "?" when the name has no letters.
    """
    words = unicodedata.normalize("NFC", name).split()
    letters = [letter for letter in map(_first_letter, words) if letter]
    if not letters:
        return "?"
    chosen = letters if len(letters) == 1 else [letters[0], letters[-1]]
    return unicodedata.normalize("NFC", "".join(_upper(letter) for letter in chosen))


def contrast_ratio(rgb_a: tuple[int, int, int], rgb_b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio between two sRGB colours, from 1.0 (same) to 21.0."""
    lighter, darker = sorted((_luminance(rgb_a), _luminance(rgb_b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour_for(slug: str) -> tuple[int, int, int]:
    """A pleasant background colour derived from `slug` alone, dark enough for white text.

    The hue comes from a SHA-256 of the slug (Python's `hash()` is salted per process);
    lightness is lowered from a fixed start until white text reaches a contrast of 4.5:1,
    so blues stay bright and yellows turn olive instead of every hue being equally dim.
    """
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    lightness = _START_LIGHTNESS
    while True:
        rgb = _hls_to_rgb(hue, lightness, _SATURATION)
        if contrast_ratio(rgb, WHITE) >= _TARGET_CONTRAST or lightness <= 0:
            return rgb
        lightness = round(lightness - 0.01, 2)


def render_initials(
    name: str, slug: str, pixel_sizes: Iterable[int], fmt: str, quality: int
) -> dict[int, bytes]:
    """Encode the initials avatar of `name` on the colour of `slug`, one image per pixel size.

    Returns {size: encoded bytes}, each size × size pixels in `fmt`; the same bytes every call.
    """
    text = _drawable(initials(name))
    background = colour_for(slug)
    return {
        size: encode.encode(_draw(text, background, size), fmt, quality, flat=True)
        for size in sorted({int(size) for size in pixel_sizes}, reverse=True)
    }


def _first_letter(word: str) -> str:
    """The first letter of `word` with the combining marks that belong to it, or ""."""
    for index, char in enumerate(word):
        if char.isalpha():
            end = index + 1
            while end < len(word) and unicodedata.combining(word[end]):
                end += 1
            return word[index:end]
    return ""


def _upper(letter: str) -> str:
    # "ß".upper() is "SS": keep such letters as they are rather than grow an extra initial.
    upper = letter.upper()
    return upper if len(upper) == len(letter) else letter


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _hls_to_rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


_FONTS = threading.local()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow >= 10.1 with FreeType bundles a scalable font; older builds get the bitmap font.
    # Loading it costs milliseconds, so each thread keeps its own (a FreeType face is not
    # meant to be shared between threads).
    fonts = getattr(_FONTS, "by_size", None)
    if fonts is None:
        fonts = _FONTS.by_size = {}
    if size not in fonts:
        fonts[size] = ImageFont.load_default(size=size)
    return fonts[size]


@functools.lru_cache(maxsize=512)
def _has_glyph(char: str) -> bool:
    font = _font(32)
    probe = font.getmask(_NO_GLYPH_PROBE)
    mask = font.getmask(char)
    return mask.size != probe.size or bytes(mask) != bytes(probe)


def _drawable(text: str) -> str:
    """`text` with every character the bundled font lacks replaced by a drawable stand-in.

    The bundled font covers basic Latin only, so "Å" is drawn as "A" and, with unidecode,
    "李" as "L"; characters with no stand-in are left out (an empty result draws no text).
    """
    out = []
    for char in text:
        if _has_glyph(char):
            out.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if base and all(_has_glyph(c) for c in base):
            out.append(base)
        elif unidecode is not None:
            latin = _first_letter(unidecode(char)).upper()
            if latin and _has_glyph(latin):
                out.append(latin)
    return "".join(out)


def _draw(text: str, background: tuple[int, int, int], size: int) -> Image.Image:
    """Draw `text` white on `background`, its ink box centred, directly at `size` pixels."""
    img = Image.new("RGB", (size, size), background)
    if not text:
        return img
    # Drawing at each size (rather than downscaling one big image) keeps small text crisp.
    font_size = max(1, round(size * (0.5 if len(text) == 1 else 0.42)))
    font = _font(font_size)
    left, top, right, bottom = font.getbbox(text)
    if right - left > size * 0.72:  # wide letter pairs such as "WM" must not touch the edge
        font = _font(max(1, int(font_size * size * 0.72 / (right - left))))
        left, top, right, bottom = font.getbbox(text)
    x = (size - (right - left)) / 2 - left
    y = (size - (bottom - top)) / 2 - top
    ImageDraw.Draw(img).text((x, y), text, font=font, fill=WHITE)
    return img

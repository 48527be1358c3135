"""Tests for generated avatars: initials, colours, contrast and deterministic rendering."""

from __future__ import annotations

import io

import pytest
from pelican.plugins.member_avatars.images import initials
from PIL import Image

WHITE = (255, 255, 255)
SIZES = [320, 96, 64]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zoë Ångström", "ZÅ"),
        ("Zoe\u0308 A\u030angstro\u0308m", "ZÅ"),  # decomposed input is NFC-normalised
        ("ada lovelace", "AL"),
        ("Ada", "A"),
        ("Ödön", "Ö"),
        ("Jean-Luc Picard", "JP"),
        ("Ada Augusta King Lovelace", "AL"),
        ("  Łukasz   Żółw  ", "ŁŻ"),
        ("Siobhán O'Connor", "SO"),
        ("Dr. No", "DN"),
        ("李小龍", "李"),
        ("李 小龍", "李小"),
        ("佐藤 遥", "佐遥"),
        ("김민준", "김"),
        ("Fatima El-Amrani", "FE"),
        ("@ada #42 lovelace!", "AL"),
        ("🦄 Unicorn", "U"),
        ("", "?"),
        ("   ", "?"),
        ("123 456", "?"),
        ("<>&", "?"),
    ],
)
def test_initials(name, expected):
    assert initials.initials(name) == expected


def test_initials_of_markup_contain_only_letters():
    result = initials.initials("<script>alert(1)</script>")
    assert result
    assert "<" not in result
    assert result.isalpha()


@pytest.mark.parametrize(
    ("rgb_a", "rgb_b", "ratio"),
    [
        ((0, 0, 0), (255, 255, 255), 21.0),
        ((255, 255, 255), (0, 0, 0), 21.0),
        ((255, 255, 255), (255, 255, 255), 1.0),
        ((118, 118, 118), (255, 255, 255), 4.54),  # the classic just-passing grey
        ((255, 0, 0), (255, 255, 255), 4.0),
    ],
)
def test_contrast_ratio(rgb_a, rgb_b, ratio):
    assert initials.contrast_ratio(rgb_a, rgb_b) == pytest.approx(ratio, abs=0.01)


SLUGS = [f"member-{index}" for index in range(500)] + ["zoe-angstrom", "odon-varga", "", "李"]


def test_colour_is_deterministic_and_readable():
    for slug in SLUGS:
        colour = initials.colour_for(slug)
        assert colour == initials.colour_for(slug)
        assert all(isinstance(channel, int) and 0 <= channel <= 255 for channel in colour)
        assert initials.contrast_ratio(colour, WHITE) >= 4.5, (slug, colour)


def test_colours_vary_between_slugs():
    assert len({initials.colour_for(slug) for slug in SLUGS}) > 250


def test_colour_is_not_needlessly_dark():
    # Lightness only drops as far as contrast needs: avatars should not all look black.
    for slug in SLUGS:
        assert initials.contrast_ratio(initials.colour_for(slug), WHITE) < 9, slug


NAMES = [
    ("Zoë Ångström", "zoe-angstrom"),
    ("Wilhelm Mwangi", "wm"),
    ("李小龍", "li"),
    ("محمد علي", "mohammed"),
    ("", "nobody"),
]


@pytest.mark.parametrize("fmt", ["webp", "png", "jpeg"])
@pytest.mark.parametrize(("name", "slug"), NAMES)
def test_render_generated_sizes_and_determinism(name, slug, fmt):
    first = initials.render_initials(name, slug, SIZES, fmt, 60)
    second = initials.render_initials(name, slug, list(reversed(SIZES)), fmt, 60)
    assert first == second
    assert sorted(first) == sorted(SIZES)
    for size, encoded in first.items():
        img = Image.open(io.BytesIO(encoded))
        assert img.size == (size, size)
        assert img.format == fmt.upper()
        assert not dict(img.getexif())
        assert "icc_profile" not in img.info


@pytest.mark.parametrize(("name", "slug"), NAMES[:4])
@pytest.mark.parametrize("size", SIZES)
def test_initials_are_drawn_in_the_middle(name, slug, size):
    img = Image.open(io.BytesIO(initials.render_initials(name, slug, [size], "png", 60)[size]))
    img = img.convert("RGB")
    background = initials.colour_for(slug)
    assert img.getpixel((1, 1)) == background
    assert img.getpixel((size - 2, size - 2)) == background
    third = size // 3
    middle = img.crop((third, third, size - third, size - third))
    # The text is white: the middle holds pixels much lighter than the background.
    background_luma = Image.new("RGB", (1, 1), background).convert("L").getpixel((0, 0))
    assert middle.convert("L").getextrema()[1] > background_luma + 100


def test_initials_are_centred():
    size = 96
    img = Image.open(io.BytesIO(initials.render_initials("Ho Ho", "h", [size], "png", 60)[size]))
    text = img.convert("L").point(lambda value: 255 if value > 200 else 0)
    left, top, right, bottom = text.getbbox()
    assert abs((left + right) / 2 - size / 2) <= 2
    assert abs((top + bottom) / 2 - size / 2) <= 2


def test_letters_missing_from_the_bundled_font_get_a_stand_in():
    # The bundled font covers basic Latin only; a tofu box would be worse than "A".
    assert initials._drawable("ZÅ") == "ZA"
    assert initials._drawable("Ö") == "O"
    assert initials._drawable("?") == "?"

"""Tests for imaging: decoding, refusing, cropping, orienting, stripping and encoding avatars.

Every test image is made in memory with Pillow, so no binary fixtures are needed.
"""

from __future__ import annotations

import base64
import io
import random
import statistics
import warnings
from pathlib import Path

import helpers
import pytest
from helpers import STORED_AS, encode, near, png_claiming
from pelican.plugins.member_avatars.images import encode as encoding
from pelican.plugins.member_avatars.images import process
from pelican.plugins.member_avatars.images.process import ImageRejected
from PIL import Image, ImageCms, ImageDraw, ImageFile, ImageFilter

FORMATS = ["webp", "png", "jpeg"]
MAX_PIXELS = 40_000_000
RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)


def decode(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def render_one(data: bytes, size: int = 32, fmt: str = "png") -> Image.Image:
    return decode(process.render_sizes(data, [size], fmt, 60, MAX_PIXELS)[size])


def quadrants(width: int = 80, height: int = 60) -> Image.Image:
    """Pure red, green / blue, yellow quadrants (exact colours for exact pixel checks)."""
    return helpers.quadrants(width, height, (RED, GREEN, BLUE, YELLOW))


def photo(seed: int, width: int = 640, height: int = 480) -> bytes:
    """A photo-like JPEG: gradients, blurred overlapping shapes and sensor-like noise."""
    rnd = random.Random(seed)
    gradients = [
        Image.linear_gradient("L").rotate(rnd.randrange(360)).resize((width, height))
        for _ in range(3)
    ]
    img = Image.merge("RGB", gradients)
    draw = ImageDraw.Draw(img)
    for _ in range(25):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(20, 160)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise((width, height), 6).convert("RGB")
    return encode(Image.blend(img, noise, 0.15), "JPEG", quality=92)


# crop_box


@pytest.mark.parametrize(
    ("size", "box"),
    [
        ((400, 300), (50, 0, 350, 300)),
        ((300, 400), (0, 50, 300, 350)),
        ((256, 256), (0, 0, 256, 256)),
        ((301, 300), (0, 0, 300, 300)),
        ((1, 5), (0, 2, 1, 3)),
    ],
)
def test_crop_box_is_the_centred_square(size, box):
    assert process.crop_box(*size) == box


# sizes, formats, data URIs


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source_size", [(2600, 1000), (1000, 2600), (400, 300), (50, 70)])
def test_render_sizes_gives_exact_squares(fmt, source_size):
    data = encode(quadrants(*source_size), "JPEG", quality=90)
    out = process.render_sizes(data, [320, 96, 64], fmt, 60, MAX_PIXELS)
    assert sorted(out) == [64, 96, 320]
    for size, encoded in out.items():
        img = decode(encoded)
        assert img.size == (size, size)
        assert img.format == {"webp": "WEBP", "png": "PNG", "jpeg": "JPEG"}[fmt]


def test_render_sizes_deduplicates_and_accepts_any_iterable():
    data = encode(quadrants(), "PNG")
    out = process.render_sizes(data, iter([64, 64, 32]), "png", 60, MAX_PIXELS)
    assert sorted(out) == [32, 64]
    assert process.render_sizes(data, [], "png", 60, MAX_PIXELS) == {}


@pytest.mark.parametrize("fmt", FORMATS)
def test_data_uri(fmt):
    encoded = process.render_sizes(encode(quadrants(), "PNG"), [16], fmt, 60, MAX_PIXELS)[16]
    uri = encoding.data_uri(encoded, fmt)
    prefix = f"data:image/{fmt};base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri[len(prefix) :]) == encoded


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown avatar format"):
        encoding.encode(quadrants(), "gif", 60)
    with pytest.raises(ValueError, match="unknown avatar format"):
        encoding.data_uri(b"", "svg")


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic(fmt):
    data = photo(1)
    first = process.render_sizes(data, [320, 96], fmt, 60, MAX_PIXELS)
    second = process.render_sizes(data, [96, 320], fmt, 60, MAX_PIXELS)
    assert first == second


# metadata


def tagged_jpeg() -> bytes:
    """A JPEG carrying camera EXIF with GPS position, an ICC profile and XMP."""
    return helpers.gps_tagged_jpeg(quadrants())


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_has_no_metadata(fmt):
    encoded = process.render_sizes(tagged_jpeg(), [64], fmt, 60, MAX_PIXELS)[64]
    img = decode(encoded)
    assert not dict(img.getexif())
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "dpi"):
        assert key not in img.info
    for marker in (b"Exif", b"PhoneMaker", b"secret", b"ICC_PROFILE", b"iCCP", b"ICCP", b"XMP"):
        assert marker not in encoded
    if fmt == "png":
        assert not getattr(img, "text", {})


def test_icc_profile_is_applied_before_it_is_stripped():
    rgb = quadrants()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = render_one(encode(rgb, "PNG", icc_profile=icc))
    assert near(out.getpixel((4, 4)), RED)


# orientation


@pytest.mark.parametrize("source_format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("orientation", sorted(STORED_AS))
def test_exif_orientation_is_applied(orientation, source_format):
    upright = quadrants()
    turn = STORED_AS[orientation]
    stored = upright if turn is None else upright.transpose(turn)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(stored, source_format, exif=exif, quality=95)
    out = render_one(data, size=32)
    assert out.size == (32, 32)
    for point, colour in [((6, 6), RED), ((25, 6), GREEN), ((6, 25), BLUE), ((25, 25), YELLOW)]:
        assert near(out.getpixel(point)[:3], colour), (orientation, point, out.getpixel(point))
    assert not dict(out.getexif())


# colour modes


def test_cmyk_jpeg_becomes_rgb():
    data = encode(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    out = render_one(data, fmt="jpeg")
    assert out.mode == "RGB"
    assert near(out.getpixel((16, 16)), RED)


def test_sixteen_bit_png_is_scaled_not_clipped():
    img = Image.new("I;16", (40, 40), 0x8000)
    img.paste(0xFFFF, (0, 0, 40, 10))
    data = encode(img, "PNG")
    assert Image.open(io.BytesIO(data)).mode == "I;16"
    out = render_one(data, size=40)
    assert near(out.getpixel((20, 30)), (128, 128, 128), tolerance=3)
    assert near(out.getpixel((20, 2)), (255, 255, 255), tolerance=3)


def transparent_palette_png() -> bytes:
    """A palette PNG: left half transparent (index 0), right half opaque red (index 1)."""
    img = Image.new("P", (40, 40), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (20, 0, 40, 40))
    return encode(img, "PNG", transparency=0)


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_transparency_is_kept_where_the_format_has_it(fmt):
    out = render_one(transparent_palette_png(), size=40, fmt=fmt).convert("RGBA")
    assert out.getpixel((5, 20))[3] == 0
    assert near(out.getpixel((35, 20)), (*RED, 255), tolerance=10)


def test_transparency_is_composited_on_white_for_jpeg():
    out = render_one(transparent_palette_png(), size=40, fmt="jpeg")
    assert out.mode == "RGB"
    assert near(out.getpixel((5, 20)), (255, 255, 255), tolerance=10)
    assert near(out.getpixel((35, 20)), RED)


@pytest.mark.parametrize("mode", ["LA", "RGBA", "L", "1", "P"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_other_modes_are_converted(mode, fmt):
    out = render_one(encode(Image.new(mode, (30, 20)), "PNG"), size=16, fmt=fmt)
    assert out.mode in ("RGB", "RGBA")
    assert out.size == (16, 16)


def test_opaque_alpha_is_dropped():
    out = render_one(encode(quadrants().convert("RGBA"), "PNG"), fmt="png")
    assert out.mode == "RGB"


@pytest.mark.parametrize("source_format", ["GIF", "WEBP"])
def test_animation_uses_the_first_frame(source_format):
    frames = [Image.new("RGB", (30, 30), colour) for colour in (RED, GREEN, BLUE)]
    data = encode(frames[0], source_format, save_all=True, append_images=frames[1:], loop=0)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 3
    assert near(render_one(data).getpixel((16, 16)), RED)


@pytest.mark.parametrize("fmt", FORMATS)
def test_tiny_images_are_upscaled(fmt):
    out = render_one(encode(Image.new("RGB", (1, 1), BLUE), "PNG"), size=96, fmt=fmt)
    assert out.size == (96, 96)
    assert near(out.getpixel((48, 48)), BLUE)


def test_bmp_is_accepted():
    assert near(render_one(encode(quadrants(), "BMP")).getpixel((4, 4)), RED)


# refusals


@pytest.mark.parametrize(
    ("width", "height", "max_pixels"),
    [
        (100_000, 100_000, MAX_PIXELS),  # above twice Pillow's limit: Pillow raises
        (10_000, 10_000, MAX_PIXELS),  # between Pillow's limit and twice it: Pillow warns
        (10_000, 10_000, 10**9),  # ... and is refused even when our limit is higher
        (8_000, 8_000, MAX_PIXELS),  # below Pillow's limit, above ours
        (1_000, 1_000, 999_999),  # just above ours
    ],
)
def test_decompression_bombs_are_refused_from_the_header(width, height, max_pixels):
    data = png_claiming(width, height)
    filters = list(warnings.filters)
    limit = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak out as a warning either
        with pytest.raises(ImageRejected, match="image too large"):
            process.open_image(data, max_pixels)
        # "too large", not "truncated": nothing was decoded from the 1×1 pixel data.
        with pytest.raises(ImageRejected, match="image too large"):
            process.render_sizes(data, [96], "webp", 60, max_pixels)
    assert warnings.filters == filters
    assert limit == Image.MAX_IMAGE_PIXELS


def test_open_image_returns_the_image_before_decoding():
    img = process.open_image(png_claiming(1_000, 1_000), 1_000_000)
    assert img.size == (1_000, 1_000)
    assert img.format == "PNG"


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize("source_format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_truncated_data_is_refused(source_format):
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
    noisy = Image.effect_noise((200, 200), 60).convert("RGB")
    with pytest.raises(ImageRejected) as excinfo:
        process.render_sizes(truncated(encode(noisy, source_format)), [64], "webp", 60, MAX_PIXELS)
    assert str(excinfo.value)


def test_truncated_jpeg_reason():
    noisy = Image.effect_noise((200, 200), 60).convert("RGB")
    with pytest.raises(ImageRejected, match="truncated"):
        process.render_sizes(truncated(encode(noisy, "JPEG")), [64], "png", 60, MAX_PIXELS)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "not an image"),
        (b"404 page not found\n", "not an image"),
        (b'{"message": "Not Found"}', "not an image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "SVG"),
        (b'  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        (b"\x89PNG\r\n\x1a\n", "image"),
        (encode(quadrants(), "TIFF"), "not an image"),
        (encode(quadrants(), "ICO"), "not an image"),
    ],
)
def test_non_images_are_refused(data, reason):
    with pytest.raises(ImageRejected, match=reason):
        process.render_sizes(data, [64], "webp", 60, MAX_PIXELS)


def test_rejection_is_a_plain_exception():
    assert issubclass(ImageRejected, Exception)
    assert not issubclass(ImageRejected, OSError)


# size


def pelican_sample_photos() -> list[bytes]:
    """Real photos shipped with Pelican's own test suite, when the installed copy has them."""
    import pelican

    folder = Path(pelican.__file__).parent / "tests" / "output" / "basic" / "pictures"
    return [path.read_bytes() for path in sorted(folder.glob("*.jpg"))]


def test_webp_avatar_of_a_photo_is_about_one_kilobyte():
    sizes = [
        len(process.render_sizes(photo(seed), [96], "webp", 60, MAX_PIXELS)[96])
        for seed in range(9)
    ]
    print("96px webp q60, synthetic photos:", sorted(sizes), "median", statistics.median(sizes))
    assert statistics.median(sizes) <= 1100
    real = [
        len(process.render_sizes(data, [96], "webp", 60, MAX_PIXELS)[96])
        for data in pelican_sample_photos()
    ]
    if real:
        print("96px webp q60, real photos:", real, "median", statistics.median(real))
        assert statistics.median(real) <= 1100


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # Pillow's own warning, harmless
def test_broken_exif_only_loses_the_orientation():
    data = bytearray(encode(quadrants(), "JPEG", exif=b"Exif\x00\x00MM\x00*\xff\xff\xff\xff"))
    assert near(render_one(bytes(data)).getpixel((4, 4)), RED)

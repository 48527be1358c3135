"""Draw the example site's uploaded member pictures.

The example community needs a few "uploaded" avatars, and we do not ship anyone's
real photo or a third-party image. This script draws friendly, abstract
head-and-shoulders illustrations with Pillow and writes them to
``content/members/avatars/``. Some are landscape and some portrait, with the face off
the exact middle, so the plugin's square centre crop has real work to do.

Run it from anywhere; it writes next to the repository's ``content/`` folder:

    python tools/make_example_pictures.py
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "content" / "members" / "avatars"

# Drawn at this multiple of the final size, then scaled down: cheap anti-aliasing.
SUPERSAMPLE = 3

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Portrait:
    """One illustrated portrait: canvas size, palette and a few features."""

    slug: str
    size: tuple[int, int]
    background: Color
    accent: Color
    skin: Color
    hair: Color
    shirt: Color
    hair_style: str  # "short", "long", "bun", "curly" or "none"
    glasses: bool = False
    beard: bool = False


PORTRAITS = [
    Portrait(
        "zoe-angstrom",
        (640, 480),
        background=(255, 214, 165),
        accent=(255, 183, 130),
        skin=(241, 194, 160),
        hair=(214, 118, 60),
        shirt=(46, 117, 142),
        hair_style="long",
        glasses=True,
    ),
    Portrait(
        "haruka-sato",
        (480, 640),
        background=(196, 226, 214),
        accent=(164, 206, 190),
        skin=(236, 198, 168),
        hair=(38, 34, 40),
        shirt=(200, 72, 96),
        hair_style="bun",
    ),
    Portrait(
        "mads-norgaard",
        (600, 600),
        background=(186, 204, 240),
        accent=(160, 182, 228),
        skin=(245, 210, 186),
        hair=(232, 206, 140),
        shirt=(60, 70, 90),
        hair_style="short",
        beard=True,
    ),
    Portrait(
        "astrid-lindqvist",
        (800, 520),
        background=(236, 200, 230),
        accent=(218, 172, 210),
        skin=(250, 220, 200),
        hair=(150, 96, 60),
        shirt=(70, 130, 80),
        hair_style="curly",
        glasses=True,
    ),
    Portrait(
        "tomas-kral",
        (500, 700),
        background=(250, 236, 160),
        accent=(240, 216, 120),
        skin=(198, 140, 104),
        hair=(60, 44, 36),
        shirt=(120, 60, 140),
        hair_style="none",
        glasses=True,
        beard=True,
    ),
]


def _box(cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
    return (cx - rx, cy - ry, cx + rx, cy + ry)


def draw_portrait(p: Portrait) -> Image.Image:
    """Return the finished RGB picture for one portrait."""
    width, height = (v * SUPERSAMPLE for v in p.size)
    img = Image.new("RGB", (width, height), p.background)
    d = ImageDraw.Draw(img)

    # A few soft background circles, so the crop visibly cuts something.
    unit = min(width, height)
    for i, (fx, fy, fr) in enumerate([(0.12, 0.2, 0.18), (0.88, 0.78, 0.22), (0.8, 0.12, 0.1)]):
        colour = p.accent if i % 2 == 0 else tuple(min(255, c + 18) for c in p.accent)
        d.ellipse(_box(width * fx, height * fy, unit * fr, unit * fr), fill=colour)

    # The figure sits in the centre square and is sized by the short side.
    cx = width / 2
    head_r = unit * 0.17
    head_cy = height / 2 - unit * 0.08
    shoulders_top = head_cy + head_r * 1.45

    # Long hair falls behind the shoulders, so it is drawn first.
    if p.hair_style == "long":
        d.rounded_rectangle(
            _box(cx, head_cy + head_r * 0.9, head_r * 1.2, head_r * 1.5),
            radius=head_r * 0.8,
            fill=p.hair,
        )

    # Shoulders and neck.
    d.ellipse(
        (cx - unit * 0.36, shoulders_top, cx + unit * 0.36, shoulders_top + unit * 0.7),
        fill=p.shirt,
    )
    d.rectangle(
        (
            cx - head_r * 0.38,
            head_cy + head_r * 0.6,
            cx + head_r * 0.38,
            shoulders_top + unit * 0.03,
        ),
        fill=p.skin,
    )
    # A collar: a small V in the shirt.
    d.polygon(
        [
            (cx - head_r * 0.45, shoulders_top + unit * 0.01),
            (cx + head_r * 0.45, shoulders_top + unit * 0.01),
            (cx, shoulders_top + unit * 0.1),
        ],
        fill=p.skin,
    )

    # Hair shapes behind the head.
    if p.hair_style == "bun":
        d.ellipse(_box(cx, head_cy - head_r * 1.15, head_r * 0.5, head_r * 0.45), fill=p.hair)
    if p.hair_style == "curly":
        for angle_x, angle_y in [
            (-0.9, -0.5),
            (-0.55, -0.95),
            (0, -1.1),
            (0.55, -0.95),
            (0.9, -0.5),
        ]:
            d.ellipse(
                _box(cx + head_r * angle_x, head_cy + head_r * angle_y, head_r * 0.5, head_r * 0.5),
                fill=p.hair,
            )
        d.ellipse(
            _box(cx - head_r * 1.0, head_cy + head_r * 0.1, head_r * 0.4, head_r * 0.5), fill=p.hair
        )
        d.ellipse(
            _box(cx + head_r * 1.0, head_cy + head_r * 0.1, head_r * 0.4, head_r * 0.5), fill=p.hair
        )

    # Ears and head.
    for side in (-1, 1):
        d.ellipse(
            _box(cx + side * head_r * 0.95, head_cy + head_r * 0.1, head_r * 0.16, head_r * 0.24),
            fill=p.skin,
        )
    d.ellipse(_box(cx, head_cy, head_r * 0.92, head_r * 1.08), fill=p.skin)

    # Hair on top of the head.
    if p.hair_style in {"short", "long", "bun"}:
        d.chord(
            _box(cx, head_cy - head_r * 0.28, head_r * 0.97, head_r * 0.88), 180, 360, fill=p.hair
        )
    if p.hair_style == "long":
        d.pieslice(
            _box(cx + head_r * 0.2, head_cy - head_r * 0.2, head_r * 0.9, head_r * 0.7),
            200,
            330,
            fill=p.hair,
        )

    # Beard before the face details, so the smile stays visible on top.
    if p.beard:
        d.chord(_box(cx, head_cy + head_r * 0.25, head_r * 0.85, head_r * 0.8), 0, 180, fill=p.hair)

    # Eyes, smile, cheeks.
    ink = (40, 36, 48)
    eye_y = head_cy + head_r * 0.02
    for side in (-1, 1):
        ex = cx + side * head_r * 0.36
        d.ellipse(_box(ex, eye_y, head_r * 0.09, head_r * 0.11), fill=ink)
        cheek = tuple(max(0, c - 30) if i == 1 else c for i, c in enumerate(p.skin))
        d.ellipse(
            _box(ex + side * head_r * 0.08, eye_y + head_r * 0.36, head_r * 0.14, head_r * 0.09),
            fill=cheek,
        )
        if p.glasses:
            d.ellipse(
                _box(ex, eye_y, head_r * 0.27, head_r * 0.25),
                outline=ink,
                width=max(2, int(head_r * 0.06)),
            )
    if p.glasses:
        d.line(
            (cx - head_r * 0.1, eye_y, cx + head_r * 0.1, eye_y),
            fill=ink,
            width=max(2, int(head_r * 0.06)),
        )
    smile_colour = (250, 240, 236) if p.beard else ink
    d.arc(
        _box(cx, head_cy + head_r * 0.35, head_r * 0.32, head_r * 0.22),
        20,
        160,
        fill=smile_colour,
        width=max(2, int(head_r * 0.07)),
    )

    return img.resize(p.size, Image.Resampling.LANCZOS)


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for portrait in PORTRAITS:
        target = OUT_DIR / f"{portrait.slug}.jpg"
        draw_portrait(portrait).save(target, "JPEG", quality=82, optimize=True)
        width, height = portrait.size
        size = target.stat().st_size
        print(f"{target.relative_to(ROOT)}: {width}x{height}, {size} bytes")


if __name__ == "__main__":
    main()

"""Synthetic communities for the benchmark: photo-like pictures and the Markdown site around them.

Pictures are drawn with Pillow only (no numpy): a smooth gradient background with a few blurred
blobs, a head-and-shoulders figure from ellipses, and mild noise, seeded per member so every
picture is distinct and every run draws the same bytes. They are kept in a reusable fixture
folder (``bench/.data/``, git-ignored by ``bench/.gitignore``) because the large uploaded photos
take a while to draw and encode.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / ".data"
# Bump when the drawing code changes, so stale fixture pictures are not reused.
FIXTURE_VERSION = 1

PORTRAIT_SIZE = 320  # what Gravatar serves at s=320
PHOTO_MEGAPIXELS = (2.0, 12.0)
PHOTO_QUALITY = 85
PORTRAIT_QUALITY = 85

SKIN = [
    (255, 224, 196),
    (241, 194, 160),
    (224, 172, 134),
    (198, 140, 104),
    (160, 106, 74),
    (118, 78, 56),
    (250, 214, 186),
    (210, 160, 120),
]
FIRST = [
    "Ada",
    "Björn",
    "Chen",
    "Dara",
    "Elif",
    "Fatima",
    "Gustav",
    "Haruka",
    "Ingrid",
    "Jonas",
    "Kofi",
    "Lena",
    "Mads",
    "Noor",
    "Ödön",
    "Priya",
    "Quinn",
    "Rosa",
    "Siobhán",
    "Tomáš",
    "Uma",
    "Vera",
    "Wiebke",
    "Xiu",
    "Yusuf",
    "Zoë",
]
LAST = [
    "Andersen",
    "Becker",
    "Costa",
    "Dubois",
    "El-Amrani",
    "Fischer",
    "García",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Müller",
    "Nowak",
    "O'Connor",
    "Petersen",
    "Quist",
    "Raghavan",
    "Sato",
    "Træholt",
    "Urban",
    "Varga",
    "Weiß",
    "Yilmaz",
    "Żółw",
]
GROUPS = [
    "Hamburg",
    "Kiel",
    "Copenhagen",
    "Malmö & Lund",
    "Aarhus",
    "Gothenburg",
    "Oslo",
    "Testing",
    "Legacy Code",
    "Ensemble Programming",
]
PROFESSIONS = [
    "Developer",
    "Tester",
    "Architect",
    "Coach",
    "Data engineer",
    "SRE",
    "Game developer",
    "Student",
]


# --------------------------------------------------------------------------- pictures


def _colour(rng: random.Random, low: int = 30, high: int = 230) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _scene(rng: random.Random, width: int, height: int) -> Image.Image:
    """A soft, photo-like head-and-shoulders picture of `width` × `height` pixels."""
    unit = min(width, height)
    gradient = Image.linear_gradient("L").rotate(rng.uniform(0, 360), Image.Resampling.BICUBIC)
    gradient = gradient.crop((48, 48, 208, 208)).resize((width, height), Image.Resampling.BICUBIC)
    img = ImageOps.colorize(gradient, _colour(rng), _colour(rng))
    blotches = Image.frombytes("RGB", (5, 4), rng.randbytes(60))
    img = Image.blend(
        img, blotches.resize((width, height), Image.Resampling.BICUBIC), rng.uniform(0.15, 0.3)
    )
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(2, 4)):  # out-of-focus background shapes
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.08, 0.25) * unit
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_colour(rng))
    img = img.filter(ImageFilter.GaussianBlur(unit * 0.05))

    figure = Image.new("RGB", (width, height))
    mask = Image.new("L", (width, height), 0)
    figure_draw, mask_draw = ImageDraw.Draw(figure), ImageDraw.Draw(mask)
    cx = width / 2 + rng.uniform(-0.06, 0.06) * unit
    head = unit * rng.uniform(0.13, 0.17)
    head_y = height / 2 - unit * rng.uniform(0.04, 0.12)
    skin = tuple(min(255, max(0, c + rng.randint(-12, 12))) for c in rng.choice(SKIN))
    shirt, hair = _colour(rng, 20, 200), _colour(rng, 10, 110)
    shoulders = head_y + head * 1.25
    half_width = unit * rng.uniform(0.3, 0.4)
    for box, fill in (
        ((cx - half_width, shoulders, cx + half_width, shoulders + unit * 0.7), shirt),
        ((cx - head * 0.3, head_y, cx + head * 0.3, shoulders + unit * 0.05), skin),
        ((cx - head * 0.97, head_y - head * 1.18, cx + head * 0.97, head_y + head * 0.5), hair),
        ((cx - head * 0.85, head_y - head, cx + head * 0.85, head_y + head * 1.05), skin),
    ):
        figure_draw.ellipse(box, fill=fill)
        mask_draw.ellipse(box, fill=255)
    # Light from one side.
    light = Image.linear_gradient("L").rotate(rng.choice([90, -90]) + rng.uniform(-20, 20))
    light = ImageOps.colorize(light.resize((width, height)), (150, 150, 150), (255, 255, 255))
    figure = Image.blend(figure, ImageChops.multiply(figure, light), 0.45)
    img.paste(figure, (0, 0), mask.filter(ImageFilter.GaussianBlur(unit * 0.008)))
    return img


def _with_noise(img: Image.Image, sigma: float, scale: int = 1) -> Image.Image:
    """Add zero-mean grey noise (drawn at 1/`scale` resolution: cheaper, grain-like)."""
    width, height = img.size
    noise = Image.effect_noise((max(1, width // scale), max(1, height // scale)), sigma)
    if scale != 1:
        noise = noise.resize((width, height), Image.Resampling.BILINEAR)
    return ImageChops.add(img, noise.convert("RGB"), 1.0, -128)


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def portrait_jpeg(index: int) -> bytes:
    """The Gravatar picture of member `index`: ~320 px JPEG, 10–25 KB, distinct per member."""
    rng = random.Random(f"portrait-{index}")
    img = _scene(rng, PORTRAIT_SIZE, PORTRAIT_SIZE)
    return _jpeg(_with_noise(img, rng.uniform(3.0, 6.0)), PORTRAIT_QUALITY)


def photo_jpeg(index: int) -> bytes:
    """The uploaded photo of member `index`: 2–12 megapixels, JPEG quality 85, distinct.

    Drawn at a short side of 480 px and upscaled (cheap), then grain is added at half
    resolution, so a 12 MP photo takes well under a second.
    """
    rng = random.Random(f"photo-{index}")
    megapixels = rng.uniform(*PHOTO_MEGAPIXELS)
    aspect = rng.choice([4 / 3, 3 / 2, 16 / 9, 3 / 4, 2 / 3, 1.0])
    width = int((megapixels * 1e6 * aspect) ** 0.5)
    height = int(megapixels * 1e6 / width)
    scale = 480 / min(width, height)
    small = _scene(rng, round(width * scale), round(height * scale))
    img = small.resize((width, height), Image.Resampling.BICUBIC)
    return _jpeg(_with_noise(img, rng.uniform(4.0, 7.0), scale=2), PHOTO_QUALITY)


def _write_picture(job: tuple[str, int, str]) -> None:
    kind, index, path = job
    data = portrait_jpeg(index) if kind == "portrait" else photo_jpeg(index)
    partial = f"{path}.part{os.getpid()}"
    with open(partial, "wb") as file:
        file.write(data)
    os.replace(partial, path)


def picture_path(kind: str, index: int) -> Path:
    return DATA_DIR / f"v{FIXTURE_VERSION}" / f"{kind}s" / f"{kind}-{index:05d}.jpg"


def ensure_pictures(kind: str, indexes: Iterable[int], workers: int, say=print) -> list[Path]:
    """Draw the missing fixture pictures (in `workers` processes); return all their paths."""
    paths = [picture_path(kind, index) for index in indexes]
    missing = [
        (kind, index, str(path))
        for index, path in zip(indexes, paths, strict=True)
        if not path.exists()
    ]
    if missing:
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        say(f"  drawing {len(missing)} {kind} fixture(s) into bench/.data/ (reused next time) ...")
        if workers > 1 and len(missing) > 4:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                list(pool.map(_write_picture, missing, chunksize=4))
        else:
            for job in missing:
                _write_picture(job)
    return paths


# --------------------------------------------------------------------------- the site


@dataclass
class Member:
    index: int
    slug: str
    name: str
    email: str
    kind: str  # "gravatar", "none" (404 -> generated) or "upload"
    photo: Path | None = None

    @property
    def gravatar_hash(self) -> str:
        return hashlib.sha256(self.email.strip().lower().encode("utf-8")).hexdigest()


def member_kind(index: int) -> str:
    """70% Gravatar, 20% without any avatar, 10% uploaded photos, interleaved."""
    slot = index % 10
    return "upload" if slot == 9 else "none" if slot in (7, 8) else "gravatar"


def community(count: int) -> list[Member]:
    members = []
    for index in range(count):
        rng = random.Random(f"member-{index}")
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"m{index:05d}-{ascii_slug(first)}-{ascii_slug(last)}"
        members.append(
            Member(index, slug, f"{first} {last}", f"{slug}@example.org", member_kind(index))
        )
    return members


def ascii_slug(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c if c.isalnum() else "-" for c in folded.lower()).strip("-")


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link a fixture into the content folder (uploads must resolve inside PATH)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """One CSV file, as a spreadsheet exports it (a header of every column, quoted cells)."""
    import csv

    columns = list(dict.fromkeys(key for row in rows for key in row))
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows)


def write_site(root: Path, members: list[Member], data_file: bool = False) -> None:
    """Member, event, article and page files of the community under `root`/content; with
    `data_file`, the members are the rows of one CSV file instead of one Markdown file each."""
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "members").mkdir(parents=True)
    rows = []
    for member in members:
        rng = random.Random(f"details-{member.index}")
        groups = rng.sample(GROUPS, rng.choice([1, 1, 2]))
        lines = [
            f"Name: {member.name}",
            f"Email: {member.email}",
            f"Groups: {', '.join(groups)}",
            f"Location: {groups[0] if groups[0] in GROUPS[:7] else 'Hamburg'}",
            f"Profession: {rng.choice(PROFESSIONS)}",
            f"Website: https://{member.slug}.example.net/",
        ]
        if member.photo is not None:
            relative = f"members/photos/{member.photo.name}"
            link_or_copy(member.photo, content / relative)
            lines.append(f"Avatar: {relative}")
        bio = (
            f"{member.name.split()[0]} works as a {rng.choice(PROFESSIONS).lower()} and likes "
            f"*{rng.choice(['TDD', 'pairing', 'refactoring', 'mob programming', 'katas'])}*. "
            "Ask about the last coderetreat."
        )
        if data_file:
            fields = dict(line.split(": ", 1) for line in lines)
            rows.append({"Slug": member.slug, **fields, "Bio": bio})
            continue
        (content / "members" / f"{member.slug}.md").write_text(
            "\n".join(lines) + "\n\n" + bio + "\n", encoding="utf-8"
        )
    if data_file:
        write_csv(content / "members" / "members.csv", rows)

    (content / "events").mkdir()
    rng = random.Random("events")
    event_count = max(2, min(12, len(members) // 100))
    for number in range(event_count):
        attendees = rng.sample(members, min(len(members), 30))
        (content / "events" / f"event-{number:02d}.md").write_text(
            f"Title: Meetup {number + 1}\nDate: 2026-{1 + number % 12:02d}-15\n"
            f"Location: {GROUPS[number % 7]}\nGroup: {GROUPS[number % len(GROUPS)]}\n"
            f"Attendees: {', '.join(m.slug for m in attendees)}\n\nTalks, katas and pizza.\n",
            encoding="utf-8",
        )

    (content / "articles").mkdir()
    for number in range(10):
        author = members[rng.randrange(len(members))]
        (content / "articles" / f"article-{number:02d}.md").write_text(
            f"Title: Notes {number + 1}\nDate: 2026-02-{1 + number:02d}\nAuthor: {author.name}\n"
            f"Category: Notes\n\nWhat we learnt at meetup {number + 1}.\n",
            encoding="utf-8",
        )
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text(
        "Title: About\n\nA synthetic community for the benchmark.\n", encoding="utf-8"
    )

"""The approach pelican-member-avatars replaces, as a tiny Pelican plugin (benchmark only).

On every build, for every member, one after the other: `requests.get` the Gravatar picture
(no session, no cache, no conditional request), or open the uploaded file; decode it fully with
Pillow, `ImageOps.fit` it to each pixel size, encode it and base64 it. Members without a
picture get the plugin's own generated avatar (a local, pure function), so the pages match.

It runs with the real plugin's avatar resolution switched off (`AVATAR_SOURCES = []`, the
"floor" build) and fills the real plugin's AvatarBook before the pages are written, so the
naive build writes the same pages as the real one: naive = floor + this serial work.
"""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

import requests
from pelican import signals
from pelican.plugins.member_avatars.images import initials
from pelican.plugins.member_avatars.theme import CONTEXT_KEY
from PIL import Image, ImageOps

STATS = {"requests": 0, "bytes": 0}


def _encode(img: Image.Image, fmt: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        img.save(buffer, "PNG")
    else:
        img.save(buffer, fmt.upper(), quality=quality)
    return buffer.getvalue()


def _render(data: bytes, sizes: list[int], fmt: str, quality: int) -> dict[int, bytes]:
    img = Image.open(io.BytesIO(data))
    img = ImageOps.exif_transpose(img).convert("RGB")
    return {size: _encode(ImageOps.fit(img, (size, size)), fmt, quality) for size in sizes}


def _images(member: Any, settings: dict[str, Any], sizes: list[int]) -> dict[int, bytes]:
    fmt, quality = settings["AVATAR_FORMAT"], int(settings["AVATAR_QUALITY"])
    avatar = getattr(member, "avatar", None)
    if avatar:
        with open(os.path.join(settings["PATH"], str(avatar)), "rb") as file:
            return _render(file.read(), sizes, fmt, quality)
    if member.email_for_gravatar:
        digest = hashlib.sha256(member.email_for_gravatar.strip().lower().encode()).hexdigest()
        url = settings["AVATAR_GRAVATAR_URL"].format(hash=digest, size=max(sizes))
        response = requests.get(url, timeout=10)
        STATS["requests"] += 1
        STATS["bytes"] += len(response.content)
        if response.status_code == 200:
            return _render(response.content, sizes, fmt, quality)
    return initials.render_initials(member.name, member.slug, sizes, fmt, quality)


def fill_book(generators: list[Any]) -> None:
    for generator in generators:
        book = getattr(generator, "context", {}).get(CONTEXT_KEY)
        if book is None or not hasattr(generator, "members"):
            continue
        settings = generator.settings
        density = int(settings["AVATAR_DENSITY"])
        sizes = sorted({int(css) * density for css in settings["AVATAR_SIZES"].values()})
        for member in generator.members:
            book.add_images(member.slug, _images(member, settings, sizes))
        return


def register() -> None:
    signals.all_generators_finalized.connect(fill_book)

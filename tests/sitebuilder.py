"""Build small scenario sites with a real Pelican run and read what it wrote."""

from __future__ import annotations

import base64
import io
import logging
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.log import LimitFilter
from pelican.settings import read_settings
from PIL import Image

BASE_SETTINGS: dict[str, Any] = {
    "PLUGINS": ["pelican.plugins.member_avatars"],
    "SITEURL": "",
    "TIMEZONE": "UTC",
    "FEED_ALL_ATOM": None,
    "CATEGORY_FEED_ATOM": None,
    "TRANSLATION_FEED_ATOM": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
    "AVATAR_OFFLINE": False,
    "AVATAR_ALLOWED_HOSTS": ["127.0.0.1"],
    "AVATAR_RETRIES": 0,
    "AVATAR_TIMEOUT": 2,
}


@dataclass
class Avatar:
    """One `<img class="avatar">` of a written page, with its decoded image."""

    attrs: dict[str, str]

    @property
    def slug(self) -> str:
        return self.attrs["data-member"]

    @property
    def size(self) -> int:
        return int(self.attrs["width"])

    @property
    def mime(self) -> str:
        return self.attrs["src"].split(";", 1)[0].removeprefix("data:")

    @property
    def data(self) -> bytes:
        return base64.b64decode(self.attrs["src"].split(",", 1)[1])

    def image(self) -> Image.Image:
        image = Image.open(io.BytesIO(self.data))
        image.load()
        return image

    def centre_colour(self) -> tuple[int, ...]:
        image = self.image().convert("RGB")
        return image.getpixel((image.width // 2, image.height // 2))


class _ImgParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.avatars: list[Avatar] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "img" and "avatar" in values.get("class", "").split():
            self.avatars.append(Avatar(values))


def avatars_in(html: str) -> list[Avatar]:
    parser = _ImgParser()
    parser.feed(html)
    return parser.avatars


@dataclass
class BuildResult:
    warnings: list[str] = field(default_factory=list)
    output: str = ""


@dataclass
class Site:
    """A scenario site in a temporary folder: write files, build, read pages."""

    root: Path
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def out(self) -> Path:
        return self.root / "output"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    def write(self, relative: str, data: str | bytes) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip(), encoding="utf-8")
        return path

    def member(self, slug: str, name: str | None = None, body: str = "", **metadata: str) -> Path:
        lines = [f"Name: {name}"] if name is not None else []
        lines += [f"{key.replace('_', '-').title()}: {value}" for key, value in metadata.items()]
        return self.write(f"members/{slug}.md", "\n".join(lines) + "\n\n" + body + "\n")

    def event(self, slug: str, title: str, date: str, attendees: str = "", **metadata: str):
        lines = [f"Title: {title}", f"Date: {date}", f"Attendees: {attendees}"]
        lines += [f"{key.title()}: {value}" for key, value in metadata.items()]
        return self.write(f"events/{slug}.md", "\n".join(lines) + "\n\nAbout it.\n")

    def full_settings(self, **overrides: Any) -> dict[str, Any]:
        override = {
            **BASE_SETTINGS,
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.out),
            "CACHE_PATH": str(self.cache),
            **self.settings,
            **overrides,
        }
        return read_settings(path=None, override=override)

    def build(self, caplog: Any = None, **overrides: Any) -> BuildResult:
        """Run Pelican in this process (as `pelican --autoreload` does) and collect warnings."""
        self.content.mkdir(parents=True, exist_ok=True)
        # Pelican dedupes log messages process-wide; each scenario build starts afresh.
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()
        if caplog is not None:
            caplog.clear()
        Pelican(self.full_settings(**overrides)).run()
        warnings = []
        if caplog is not None:
            warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        return BuildResult(warnings=warnings)

    def build_cli(self, *args: str, env: dict[str, str] | None = None, **overrides: Any):
        """Run the `pelican` command in a subprocess with a settings file."""
        settings_file = self.root / "pelicanconf.py"
        settings = {
            **BASE_SETTINGS,
            "PATH": "content",
            "OUTPUT_PATH": "output",
            "CACHE_PATH": "cache",
            **self.settings,
            **overrides,
        }
        settings_file.write_text(
            "".join(f"{key} = {value!r}\n" for key, value in settings.items()), encoding="utf-8"
        )
        command = [sys.executable, "-m", "pelican", "content", "-s", str(settings_file), *args]
        return subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, env=env, timeout=120
        )

    def page(self, relative: str) -> str:
        return (self.out / relative).read_text(encoding="utf-8")

    def avatars(self, relative: str) -> list[Avatar]:
        return avatars_in(self.page(relative))

    def avatar(self, relative: str, slug: str, size: int | None = None) -> Avatar:
        found = [
            a for a in self.avatars(relative) if a.slug == slug and (size is None or a.size == size)
        ]
        assert found, f"no avatar of {slug!r} on {relative}"
        return found[0]

    def all_output(self) -> dict[str, bytes]:
        return {
            str(path.relative_to(self.out)): path.read_bytes()
            for path in sorted(self.out.rglob("*"))
            if path.is_file()
        }


def plain_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)

"""What every workload of the benchmark shares: printing, the machine line, site basics.

bench/run.py (P1 and the entry point), bench/p2.py and bench/p3.py import it; it imports none
of them.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
MIB = 1024 * 1024


def say(*parts: Any) -> None:
    print(*parts, flush=True)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def human_bytes(count: float) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", MIB), ("KiB", 1024)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count:.0f} B"


def machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import diskcache
    import pelican
    import PIL
    import requests
    from PIL import features

    memory = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as file:
            memory = f"{int(file.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    revision = _git("describe", "--always", "--abbrev=10") or "?"
    if _git("status", "--porcelain", "--", "plugin", "site"):
        revision += " + uncommitted changes in plugin/ or site/"
    return (
        f"Plugin: pelican-member-avatars at commit {revision}\n"
        f"Machine: {os.cpu_count()} cores, {model}, {memory} RAM, {platform.system()} "
        f"{platform.release()}\n"
        f"Python {platform.python_version()}, Pelican {pelican.__version__}, "
        f"Pillow {PIL.__version__} (libwebp {features.version('webp')}, "
        f"libjpeg {features.version('jpg')}), requests {requests.__version__}, "
        f"diskcache {diskcache.__version__}"
    )


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def site_basics(root: Path) -> dict[str, Any]:
    """The settings every benchmark site shares: its folders, no feeds, no pagination, the
    plugin without a progress bar."""
    return {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "CACHE_PATH": str(root / "cache"),
        "SITENAME": "Bench community",
        "SITEURL": "",
        "TIMEZONE": "Europe/Berlin",
        "DEFAULT_LANG": "en",
        "DEFAULT_DATE_FORMAT": "%-d %B %Y",
        "PLUGINS": ["pelican.plugins.member_avatars"],
        "ARTICLE_PATHS": ["articles"],
        "PAGE_PATHS": ["pages"],
        "FEED_ALL_ATOM": None,
        "CATEGORY_FEED_ATOM": None,
        "TRANSLATION_FEED_ATOM": None,
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "DEFAULT_PAGINATION": False,
        "RELATIVE_URLS": True,
        "AVATAR_PROGRESS": False,
    }

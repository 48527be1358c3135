"""What resolving an avatar comes to: per source, and per member."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class How(StrEnum):
    """How a member's avatar was obtained, as the summary line counts it."""

    CACHE = "from cache"
    REVALIDATED = "revalidated"
    FETCHED = "fetched"
    UPLOADED = "uploaded"
    GENERATED = "generated"


@dataclass(frozen=True)
class SourceResult:
    """What one source gave: images by pixel size (None: nothing usable), and why not."""

    images: dict[int, bytes] | None = None
    how: How | None = None
    problem: str = ""  # a warning for the member file; the next source is tried
    remembered_until: float | None = None  # a failure an earlier build warned about


NOTHING = SourceResult()


@dataclass
class Outcome:
    """One member's avatar: encoded images by pixel size, where they came from, what went wrong."""

    slug: str
    source_path: str
    source: str | None = None
    how: How | None = None
    images: dict[int, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    failures: int = 0
    # Until when sources that failed in an earlier build are left alone (that build warned).
    remembered: list[float] = field(default_factory=list)

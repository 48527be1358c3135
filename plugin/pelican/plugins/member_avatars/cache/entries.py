"""What the cache keeps of one URL: the answer it gave (`Entry`) or a failure (`Failure`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """What the cache knows of one URL: an image (by the SHA-256 of its bytes) or "has none"."""

    fetched_at: float
    body_sha: str | None = None  # None: the server said this member has no avatar (404/410)
    etag: str | None = None
    last_modified: str | None = None

    @property
    def has_image(self) -> bool:
        return self.body_sha is not None



@dataclass(frozen=True)
class Failure:
    """A failed request, remembered so that the next builds don't ask again until `until`."""

    until: float
    reason: str

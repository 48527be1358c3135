"""Rendered avatars in the cache, keyed by the hash of their source bytes: an unchanged source
is never decoded or encoded again."""

from __future__ import annotations

import hashlib

from ..cache.store import AvatarStore
from ..images import process
from ..settings.config import AvatarConfig


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RenderCache:
    """Each source's images at every pixel size the site uses, in the format it uses."""

    def __init__(self, config: AvatarConfig, store: AvatarStore):
        self.store = store
        self.fmt = config.fmt
        self.quality = config.quality
        self.max_pixels = config.max_pixels
        self.sizes = config.pixel_sizes

    def key(self, source_id: str) -> str:
        return self.store.render_key(source_id, self.fmt, self.quality, self.sizes)

    def cached(self, source_id: str | None) -> dict[int, bytes] | None:
        """The rendered images of a source, when the cache has them."""
        return self.store.rendered(self.key(source_id)) if source_id else None

    def put(self, source_id: str, images: dict[int, bytes]) -> None:
        self.store.put_rendered(self.key(source_id), images)

    def new(self, sha: str, data: bytes) -> tuple[dict[int, bytes], bool]:
        """The images of `data` (whose hash is `sha`) from the cache, or rendered now and not
        stored yet (True). Raises `ImageRejected` (the source's fault) or `EncodeFailed`."""
        images = self.cached(sha)
        if images:
            return images, False
        return process.render_sizes(data, self.sizes, self.fmt, self.quality, self.max_pixels), True

    def render(self, data: bytes) -> tuple[dict[int, bytes], str]:
        """Decode, crop, resize and encode `data` at every size, through the cache."""
        sha = sha256(data)
        images, fresh = self.new(sha, data)
        if fresh:
            self.put(sha, images)
        return images, sha

    def from_body(self, sha: str | None) -> dict[int, bytes] | None:
        """The images of a stored body: cached, else rendered again from the kept body; None
        when neither is there (or the body no longer decodes)."""
        images = self.cached(sha)
        if images or sha is None:
            return images
        body = self.store.body(sha)
        if body is None:
            return None
        try:
            return self.render(body)[0]
        except process.ImageRejected:
            return None

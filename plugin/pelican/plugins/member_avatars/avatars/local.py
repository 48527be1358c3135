"""The avatar sources that need no network: an uploaded picture and the generated initials.

`peek` answers from the cache alone (None: work is needed); `get` does the work.
"""

from __future__ import annotations

import os

from ..content.fields import upload_path
from ..images import encode, initials, process
from ..log import get_logger
from ..settings.config import AvatarConfig
from .renders import RenderCache, sha256
from .results import How, SourceResult

logger = get_logger(__name__)


def _refused(problem: str) -> SourceResult:
    return SourceResult(problem=f"{problem}; using the next source")


class LocalSources:
    """Uploads and generated avatars of one build; thread-safe; holds no resource."""

    def __init__(self, config: AvatarConfig, content_root: str, renders: RenderCache):
        self.content_root = content_root
        self.max_bytes = config.max_bytes
        self.renders = renders
        self.store = renders.store

    # --- uploads ----------------------------------------------------------------------------
    def _upload_file(self, relative: str) -> tuple[str, str] | SourceResult:
        """(real path, cache stamp) of an upload, or the result that refuses it."""
        path, reason = upload_path(self.content_root, relative)
        if path is None:
            return _refused(reason)
        stat = os.stat(path)
        if stat.st_size > self.max_bytes:
            return _refused(
                f"Avatar file {relative!r} has {stat.st_size} bytes, over AVATAR_MAX_BYTES "
                f"({self.max_bytes})"
            )
        return path, f"{path}:{stat.st_size}:{stat.st_mtime_ns}"

    def peek_upload(self, relative: str) -> SourceResult | None:
        found = self._upload_file(relative)
        if isinstance(found, SourceResult):
            return found
        images = self.renders.cached(self.store.upload_sha(found[1]))
        return SourceResult(images, How.UPLOADED) if images else None

    def upload(self, relative: str) -> SourceResult:
        """An uploaded picture, by its path relative to the content folder."""
        found = self._upload_file(relative)
        if isinstance(found, SourceResult):
            return found
        path, stamp = found
        with open(path, "rb") as file:
            data = file.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:  # it grew since it was measured
            return _refused(f"Avatar file {relative!r} is over AVATAR_MAX_BYTES")
        try:
            images, sha = self.renders.render(data)
        except process.ImageRejected as exc:
            return _refused(f"Avatar file {relative!r} refused: {exc}")
        except encode.EncodeFailed as exc:
            return _refused(f"Avatar file {relative!r} could not be encoded here ({exc})")
        self.store.put_upload_sha(stamp, sha)
        logger.debug("upload %s rendered", relative)
        return SourceResult(images, How.UPLOADED)

    # --- generated --------------------------------------------------------------------------
    @staticmethod
    def _generated_id(name: str, slug: str) -> str:
        return "gen-" + sha256(f"{name}\0{slug}".encode())

    def peek_generated(self, name: str, slug: str) -> SourceResult | None:
        images = self.renders.cached(self._generated_id(name, slug))
        return SourceResult(images, How.GENERATED) if images else None

    def generated(self, name: str, slug: str) -> SourceResult:
        """Initials on a colour from the slug: the same bytes on every build."""
        source_id = self._generated_id(name, slug)
        images = self.renders.cached(source_id)
        if not images:
            try:
                images = initials.render_initials(
                    name, slug, self.renders.sizes, self.renders.fmt, self.renders.quality
                )
            except encode.EncodeFailed as exc:
                return SourceResult(problem=f"generated avatar could not be encoded here: {exc}")
            self.renders.put(source_id, images)
        return SourceResult(images, How.GENERATED)

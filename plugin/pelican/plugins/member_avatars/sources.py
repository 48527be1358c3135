"""Which avatar sources a member has, in the order AVATAR_SOURCES tries them (pure)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

KNOWN_SOURCES = ("upload", "gravatar", "github", "generated")


@dataclass(frozen=True)
class Candidate:
    """One source to try: `kind` is a name of AVATAR_SOURCES; `target` its URL or upload path."""

    kind: str
    target: str = ""


def gravatar_hash(email: str) -> str:
    """SHA-256 hex of the trimmed, lower-cased e-mail address, as Gravatar expects."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def is_opted_out(value: Any) -> bool:
    """`Gravatar: no` (or false/off/0) means: never ask Gravatar for this member."""
    return str(value).strip().lower() in {"no", "false", "off", "0", "none"}


def candidates(member: Any, settings: dict[str, Any], pixel_size: int) -> list[Candidate]:
    """The sources to try for `member`, in order; remote URLs ask for `pixel_size` pixels."""
    found: list[Candidate] = []
    for kind in settings["AVATAR_SOURCES"]:
        if kind == "upload" and getattr(member, "avatar", None):
            found.append(Candidate("upload", str(member.avatar).strip()))
        elif kind == "gravatar" and member.email_for_gravatar:
            if not is_opted_out(getattr(member, "gravatar", "yes")):
                url = settings["AVATAR_GRAVATAR_URL"].format(
                    hash=gravatar_hash(member.email_for_gravatar), size=pixel_size
                )
                found.append(Candidate("gravatar", url))
        elif kind == "github" and getattr(member, "github", None):
            user = str(member.github).strip().lstrip("@")
            if user:
                url = settings["AVATAR_GITHUB_URL"].format(
                    user=quote(user, safe=""), size=pixel_size
                )
                found.append(Candidate("github", url))
        elif kind == "generated":
            found.append(Candidate("generated"))
    return found


def upload_path(content_root: str, relative: str) -> tuple[str | None, str]:
    """Resolve an `Avatar` path inside the content folder, links followed.

    Returns (absolute real path, "") when it is a file inside `content_root`, else
    (None, reason) naming what is wrong.
    """
    root = os.path.realpath(content_root)
    if not relative:
        return None, "empty Avatar path"
    resolved = os.path.realpath(os.path.join(root, relative))
    if os.path.commonpath([root, resolved]) != root:
        return None, f"Avatar path {relative!r} points outside the content folder"
    if not os.path.isfile(resolved):
        return None, f"Avatar file {relative!r} does not exist"
    return resolved, ""

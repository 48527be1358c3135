"""Which avatar sources a member has, in the order AVATAR_SOURCES tries them (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..content.fields import URL, github_user, gravatar_consent, plain_value

if TYPE_CHECKING:
    from ..settings.config import AvatarConfig


@dataclass(frozen=True)
class Candidate:
    """One source to try: `source` is a name of AVATAR_SOURCES, or "avatar-url" for an
    `Avatar` that is a URL (tried where "upload" is); `target` its URL or upload path."""

    source: str
    target: str = ""


def gravatar_hash(email: str) -> str:
    """SHA-256 hex of the trimmed, lower-cased e-mail address, as Gravatar expects."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def candidates(member: Any, config: AvatarConfig, pixel_size: int) -> list[Candidate]:
    """The sources to try for `member`, in order; remote URLs ask for `pixel_size` pixels."""
    found: list[Candidate] = []
    for source in config.sources:
        if source == "upload" and getattr(member, "avatar", None):
            target = plain_value(member.avatar)
            # An http(s) URL (exports often carry one) is fetched like the remote sources.
            found.append(Candidate("avatar-url" if URL.match(target) else "upload", target))
        elif source == "gravatar" and member.email_for_gravatar:
            if gravatar_consent(getattr(member, "gravatar", None))[0]:
                url = config.gravatar_url.format(
                    hash=gravatar_hash(member.email_for_gravatar), size=pixel_size
                )
                found.append(Candidate("gravatar", url))
        elif source == "github":
            user = github_user(getattr(member, "github", None))[0]
            if user:
                url = config.github_url.format(user=quote(user, safe=""), size=pixel_size)
                found.append(Candidate("github", url))
        elif source == "generated":
            found.append(Candidate("generated"))
    return found

"""Which avatar sources a member has, in the order AVATAR_SOURCES tries them (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..content.fields import URL, github_user, gravatar_consent, plain_value
from ..content.models import Person
from ..settings.choices import Source

if TYPE_CHECKING:
    from ..settings.config import AvatarConfig


@dataclass(frozen=True)
class Candidate:
    """One source to try: `source` is one of AVATAR_SOURCES, or `Source.AVATAR_URL` for an
    `Avatar` that is a URL (tried where `Source.UPLOAD` is); `target` its URL or upload path."""

    source: Source
    target: str = ""


def gravatar_hash(email: str) -> str:
    """SHA-256 hex of the trimmed, lower-cased e-mail address, as Gravatar expects."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def candidates(member: Person, config: AvatarConfig, pixel_size: int) -> list[Candidate]:
    """The sources to try for `member`, in order; remote URLs ask for `pixel_size` pixels."""
    found: list[Candidate] = []
    for source in config.sources:
        if source is Source.UPLOAD and member.avatar:
            target = plain_value(member.avatar)
            # An http(s) URL (exports often carry one) is fetched like the remote sources.
            kind = Source.AVATAR_URL if URL.match(target) else Source.UPLOAD
            found.append(Candidate(kind, target))
        elif source is Source.GRAVATAR and member.email_for_gravatar:
            if gravatar_consent(member.gravatar)[0]:
                url = config.gravatar_url.format(
                    hash=gravatar_hash(member.email_for_gravatar), size=pixel_size
                )
                found.append(Candidate(Source.GRAVATAR, url))
        elif source is Source.GITHUB:
            user = github_user(member.github)[0]
            if user:
                url = config.github_url.format(user=quote(user, safe=""), size=pixel_size)
                found.append(Candidate(Source.GITHUB, url))
        elif source is Source.GENERATED:
            found.append(Candidate(Source.GENERATED))
    return found

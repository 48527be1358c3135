"""Which avatar sources a member has, in the order AVATAR_SOURCES tries them (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..content.fields import (
    URL,
    bluesky_actor,
    codeberg_user,
    github_user,
    gravatar_consent,
    libravatar_consent,
    mastodon_handle,
    plain_value,
)
from ..content.models import Person
from ..settings.choices import Source

if TYPE_CHECKING:
    from ..settings.config import AvatarConfig


# The sources a site adds, whose URL `social_url` makes.
SOCIAL_SOURCES = frozenset({Source.MASTODON, Source.BLUESKY, Source.CODEBERG, Source.LIBRAVATAR})


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
        elif source in SOCIAL_SOURCES:
            social = social_url(source, member, config, pixel_size)
            if social:
                found.append(Candidate(source, social))
    return found


def social_url(source: Source, member: Person, config: AvatarConfig, pixel_size: int) -> str | None:
    """The URL a Mastodon, Bluesky or Codeberg source asks (its API) or Libravatar's picture
    for `member`, or None when the member's file names no account there (or no consent)."""
    if source is Source.MASTODON:
        handle = mastodon_handle(member.mastodon)[0]
        if handle is None:
            return None
        return config.mastodon_url.format(
            user=quote(handle.user, safe=""), instance=handle.instance
        )
    if source is Source.BLUESKY:
        actor = bluesky_actor(member.bluesky)[0]
        return config.bluesky_url.format(handle=quote(actor, safe=":")) if actor else None
    if source is Source.CODEBERG:
        user = codeberg_user(member.codeberg)[0]
        return config.codeberg_url.format(user=quote(user, safe="")) if user else None
    if source is Source.LIBRAVATAR:
        email = member.email_for_gravatar
        if email and libravatar_consent(member.libravatar)[0]:
            return config.libravatar_url.format(hash=gravatar_hash(email), size=pixel_size)
    return None

"""Which avatar sources a member has, in the order AVATAR_SOURCES tries them (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
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
        else:
            social = social_url(source, member, config, pixel_size)
            if social:
                found.append(Candidate(source, social))
    return found


def social_url(source: str, member: Any, config: AvatarConfig, pixel_size: int) -> str | None:
    """The URL a Mastodon, Bluesky or Codeberg source asks (its API) or Libravatar's picture
    for `member`, or None when the member's file names no account there (or no consent)."""
    if source == "mastodon":
        handle = mastodon_handle(getattr(member, "mastodon", None))[0]
        if handle is None:
            return None
        return config.mastodon_url.format(
            user=quote(handle.user, safe=""), instance=handle.instance
        )
    if source == "bluesky":
        actor = bluesky_actor(getattr(member, "bluesky", None))[0]
        return config.bluesky_url.format(handle=quote(actor, safe=":")) if actor else None
    if source == "codeberg":
        user = codeberg_user(getattr(member, "codeberg", None))[0]
        return config.codeberg_url.format(user=quote(user, safe="")) if user else None
    email = getattr(member, "email_for_gravatar", None)
    if (
        source == "libravatar"
        and email
        and libravatar_consent(getattr(member, "libravatar", None))[0]
    ):
        return config.libravatar_url.format(hash=gravatar_hash(email), size=pixel_size)
    return None

"""Reading the avatar fields of a member or attendee (pure): consent words, a GitHub user name,
an `Avatar` path inside the content folder, Mastodon, Bluesky and Codeberg handles."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from ..settings.choices import CLEAR_YES

# Only a clear yes lets the e-mail hash leave the machine; anything else is a no.
CLEAR_NO = frozenset({"no", "false", "off", "0", "none", "never", "disabled", "disable"})
# GitHub's own rule: letters, digits and single inner hyphens, at most 39 characters.
_GITHUB_USER = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")
# Pelican's link prefixes, which a user may well write in front of an `Avatar` path.
_LINK_PREFIX = re.compile(r"^(\{(static|attach|filename)\}|\|(static|attach|filename)\|)")
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_GITHUB_PROFILE = re.compile(r"(?:https?://)?(?:www\.)?github\.com/(?P<rest>.*)", re.IGNORECASE)


def plain_value(value: Any) -> str:
    """A metadata value trimmed, without one pair of quotes around it (`"no"` is `no`)."""
    text = str(value).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def first_text(value: Any) -> str:
    """The value as text; of a list, its first item."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def gravatar_consent(value: Any) -> tuple[bool, str]:
    """Whether the `Gravatar` value lets us ask Gravatar, and what is wrong with it.

    No `Gravatar` line (None) asks; a value asks only when it is a clear yes. A value that is
    neither a clear yes nor a clear no is a no with a problem to report.
    """
    return _consent(value, "Gravatar", asks_without_a_line=True)


def github_user(value: Any) -> tuple[str | None, str]:
    """The GitHub user name in a `GitHub` value, and what is wrong with it.

    Accepts `octo`, `@octo` and profile URLs (`https://github.com/octo/`, `github.com/octo`).
    Returns (None, "") when there is no value, (None, problem) when it names no valid user.
    """
    if value is None or not plain_value(value):
        return None, ""
    text = plain_value(value)
    profile = _GITHUB_PROFILE.fullmatch(text)
    if profile:
        text = re.split(r"[?#]", profile.group("rest"), maxsplit=1)[0]
    user = text.removeprefix("@").rstrip("/")
    if len(user) <= 39 and _GITHUB_USER.fullmatch(user):
        return user, ""
    return None, f"GitHub {str(value).strip()!r} is not a GitHub user name; GitHub is not asked"


def upload_path(content_root: str, relative: str) -> tuple[str | None, str]:
    """Resolve an `Avatar` path inside the content folder, links followed.

    Returns (absolute real path, "") when it is a file inside `content_root`, else
    (None, reason) naming what is wrong.
    """
    root = os.path.realpath(content_root)
    if not relative:
        return None, "empty Avatar path"
    # `{static}/members/a.jpg` and `/members/a.jpg` mean what they mean in a Pelican link:
    # relative to the content folder.
    inside = _LINK_PREFIX.sub("", relative).lstrip("/")
    resolved = os.path.realpath(os.path.join(root, inside))
    if os.path.commonpath([root, resolved]) != root:
        return None, (
            f"Avatar path {relative!r} points outside the content folder "
            "(Avatar paths are relative to the content folder, PATH)"
        )
    if not os.path.isfile(resolved):
        if os.path.isabs(relative) and os.path.exists(relative):
            return None, (
                f"Avatar path {relative!r} points outside the content folder "
                "(Avatar paths are relative to the content folder, PATH)"
            )
        return None, (
            f"Avatar file {relative!r} does not exist "
            "(Avatar paths are relative to the content folder, PATH)"
        )
    return resolved, ""


def upload_spellings(content_root: str, member_folder: str, value: str) -> set[str]:
    """Every real path an `Avatar` value could mean, whether or not the resolver accepts it.

    Relative to `PATH`, relative to the member file's folder, absolute as written, and with a
    leading `/` or a `{static}` prefix read as `PATH`-relative: the picture behind any of these
    must never be published as a static file. A URL names no file.
    """
    text = plain_value(value)
    if not text or URL.match(text):
        return set()
    text = _LINK_PREFIX.sub("", text)
    inside = text.lstrip("/\\")
    paths = {
        os.path.join(content_root, text),  # an absolute path stays as it is
        os.path.join(content_root, inside),
        os.path.join(member_folder, inside),
    }
    return {os.path.realpath(path) for path in paths}


# --- Mastodon, Bluesky, Codeberg and Libravatar ---------------------------------------------
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# An instance as a handle names it: a DNS name or an address, with an optional port. Which
# hosts may be contacted is decided where the request is made (net/guard.py), not here.
_INSTANCE = re.compile(rf"(?:(?:{_LABEL}\.)*{_LABEL}|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")
# Mastodon's rule for a user name: letters, digits and underscores, at most 30.
_MASTODON_USER = re.compile(r"[A-Za-z0-9_]{1,30}")
_MASTODON_PROFILE = re.compile(r"https?://(?P<instance>[^/@?#]+)/@(?P<user>[^/?#]+)/?", re.I)
# A Bluesky handle is a DNS name of two labels or more; a DID names an account too.
_BLUESKY_HANDLE = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?")
_BLUESKY_DID = re.compile(r"did:(?:plc:[a-z2-7]{24}|web:[A-Za-z0-9.-]+)")
_BLUESKY_PROFILE = re.compile(
    r"(?:https?://)?(?:www\.)?bsky\.app/profile/(?P<actor>[^/?#]+)/?", re.I
)
# Forgejo's rule: letters, digits, `-`, `_` and `.`, not first or last, never two in a row.
_CODEBERG_USER = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
_CODEBERG_PROFILE = re.compile(r"(?:https?://)?(?:www\.)?codeberg\.org/(?P<user>[^/?#]+)/?", re.I)


@dataclass(frozen=True)
class MastodonHandle:
    """A Mastodon account: `user` on `instance` (`host:port` where a port was given)."""

    user: str
    instance: str


def _without_value(field: str) -> str:
    return f"{field} is given without a value; {field} is not asked"


def mastodon_handle(value: Any) -> tuple[MastodonHandle | None, str]:
    """The account in a `Mastodon` value, and what is wrong with it.

    Accepts `@user@instance`, `user@instance` and the profile URL `https://instance/@user`.
    Returns (None, "") when there is no value, (None, problem) when it names no account.
    """
    if value is None:
        return None, ""
    text = plain_value(value)
    if not text:
        return None, _without_value("Mastodon")
    profile = _MASTODON_PROFILE.fullmatch(text)
    if profile:
        user, instance = profile.group("user"), profile.group("instance")
    else:
        user, at, instance = text.removeprefix("@").partition("@")
        if not at:
            user = instance = ""
    if _MASTODON_USER.fullmatch(user) and _INSTANCE.fullmatch(instance):
        return MastodonHandle(user, instance.lower()), ""
    return None, (
        f"Mastodon {str(value).strip()!r} is not a Mastodon handle (@user@instance, "
        "user@instance or https://instance/@user); Mastodon is not asked"
    )


def bluesky_actor(value: Any) -> tuple[str | None, str]:
    """The handle (or DID) in a `Bluesky` value, and what is wrong with it.

    Accepts `alice.bsky.social`, `@alice.bsky.social`, `did:plc:...` and profile URLs
    (`https://bsky.app/profile/alice.bsky.social`).
    """
    if value is None:
        return None, ""
    text = plain_value(value)
    if not text:
        return None, _without_value("Bluesky")
    profile = _BLUESKY_PROFILE.fullmatch(text)
    actor = profile.group("actor") if profile else text.removeprefix("@")
    if _BLUESKY_DID.fullmatch(actor):
        return actor, ""
    if len(actor) <= 253 and _BLUESKY_HANDLE.fullmatch(actor):
        return actor.lower(), ""
    return None, (
        f"Bluesky {str(value).strip()!r} is not a Bluesky handle (alice.bsky.social, a DID "
        "or a profile URL); Bluesky is not asked"
    )


def codeberg_user(value: Any) -> tuple[str | None, str]:
    """The user name in a `Codeberg` value (`user`, `@user` or `https://codeberg.org/user`)."""
    if value is None:
        return None, ""
    text = plain_value(value)
    if not text:
        return None, _without_value("Codeberg")
    profile = _CODEBERG_PROFILE.fullmatch(text)
    user = profile.group("user") if profile else text.removeprefix("@")
    if len(user) <= 40 and _CODEBERG_USER.fullmatch(user):
        return user, ""
    return (
        None,
        f"Codeberg {str(value).strip()!r} is not a Codeberg user name; Codeberg is not asked",
    )


def libravatar_consent(value: Any) -> tuple[bool, str]:
    """Whether the `Libravatar` value lets us ask Libravatar, and what is wrong with it.

    Only a clear yes asks: unlike Gravatar, no `Libravatar` line is a no.
    """
    if value is not None and not plain_value(value):
        return False, _without_value("Libravatar")
    return _consent(value, "Libravatar", asks_without_a_line=False)


def _consent(value: Any, field: str, asks_without_a_line: bool) -> tuple[bool, str]:
    """A consent field read: a clear yes asks, a clear no does not, anything else does not and
    is a problem to report; no line at all (None) asks only where `asks_without_a_line`."""
    if value is None:
        return asks_without_a_line, ""
    word = plain_value(value).lower()
    if word in CLEAR_YES:
        return True, ""
    if word in CLEAR_NO:
        return False, ""
    return False, f"{field} {str(value).strip()!r} is not a clear yes or no; {field} is not asked"

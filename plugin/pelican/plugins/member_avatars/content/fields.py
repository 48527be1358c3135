"""Reading the avatar fields of a member or attendee (pure): consent words, a GitHub user name,
an `Avatar` path inside the content folder."""

from __future__ import annotations

import os
import re
from typing import Any

# Only a clear yes lets the e-mail hash leave the machine; anything else is a no.
CLEAR_YES = frozenset({"yes", "true", "on", "1"})
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


def gravatar_consent(value: Any) -> tuple[bool, str]:
    """Whether the `Gravatar` value lets us ask Gravatar, and what is wrong with it.

    No `Gravatar` line (None) asks; a value asks only when it is a clear yes. A value that is
    neither a clear yes nor a clear no is a no with a problem to report.
    """
    if value is None:
        return True, ""
    word = plain_value(value).lower()
    if word in CLEAR_YES:
        return True, ""
    if word in CLEAR_NO:
        return False, ""
    return False, f"Gravatar {str(value).strip()!r} is not a clear yes or no; Gravatar is not asked"


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

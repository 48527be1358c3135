"""Which page goes where: every file the plugin will write, and which would overwrite another
(pure). Pelican stops the whole build when a second page is written to one path; we skip the
second page instead, with a warning naming both files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Pelican's own content, written before our pages: none of ours may take its place.
PELICAN_CONTENT = ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages")


@dataclass(frozen=True)
class PageClaim:
    """A page to write: `owner` names what it shows, `origin` the file (or setting) asking for
    it."""

    save_as: str
    owner: Any
    origin: str


def output_key(save_as: str) -> str:
    """The path a writer ends up at: `members//x.html` and `members/./x.html` are one file."""
    return os.path.normpath(save_as)


def clashing_claims(
    claims: Iterable[PageClaim], taken: dict[str, str]
) -> list[tuple[PageClaim, str]]:
    """The claims that would overwrite an earlier page, each with the origin of that page.

    `taken` maps the paths already written (Pelican's own pages) to their files; the first
    claim of a path wins, and a claim without a path (an empty SAVE_AS) writes nothing.
    """
    owners = dict(taken)
    clashes = []
    for claim in claims:
        if not claim.save_as:
            continue
        key = output_key(claim.save_as)
        if key in owners:
            clashes.append((claim, owners[key]))
        else:
            owners[key] = claim.origin
    return clashes


def pelican_pages(context: dict[str, Any], content_root: str) -> dict[str, str]:
    """The paths of the articles and pages Pelican writes (translations too), with their files."""
    taken: dict[str, str] = {}
    for key in PELICAN_CONTENT:
        for item in context.get(key) or []:
            for version in [item, *getattr(item, "translations", [])]:
                save_as = getattr(version, "save_as", "")
                if save_as:
                    source = getattr(version, "source_path", None) or save_as
                    origin = os.path.relpath(source, content_root)
                    taken.setdefault(output_key(save_as), origin)
    return taken

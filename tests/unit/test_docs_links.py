"""The README and the pages under docs/ link to each other with relative links: each must name
a file of the repository and, where it names a section (`page.md#a-section`), a heading of that
page. (`make docs` checks the links between docs pages too; this also covers the README, which
is not part of the Sphinx build, and runs without Sphinx.)"""

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")])
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~)")


def outside_code_blocks(text: str) -> list[str]:
    """The page's lines outside fenced and indented code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and not line.startswith("    "):
            lines.append(line)
    return lines


def prose(text: str) -> str:
    """The page without any code (blocks and inline spans), where `[x](y)` is no link."""
    return "\n".join(re.sub(r"`[^`]*`", "", line) for line in outside_code_blocks(text))


def anchor(heading: str) -> str:
    """A heading's anchor as MyST (`myst_heading_anchors`) and GitHub make it."""
    text = unicodedata.normalize("NFKC", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    headings = [
        line.lstrip("#")
        for line in outside_code_blocks(page.read_text(encoding="utf-8"))
        if re.match(r"#{1,6} ", line)
    ]
    return {anchor(heading) for heading in headings}


def relative_links(page: Path) -> list[str]:
    targets = LINK.findall(prose(page.read_text(encoding="utf-8")))
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_the_pages_have_relative_links():
    readme_links = relative_links(ROOT / "README.md")
    assert any(link.startswith("docs/") for link in readme_links)
    assert len(PAGES) > 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path):
    broken = []
    for link in relative_links(page):
        path, _, fragment = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no file {target.relative_to(ROOT)}")
        elif fragment and target.suffix == ".md" and fragment not in anchors(target):
            broken.append(f"{link}: no heading '{fragment}' in {target.relative_to(ROOT)}")
        elif not target.is_relative_to(ROOT):
            broken.append(f"{link}: outside the repository")
    assert broken == [], f"{page.relative_to(ROOT)}: broken links"


def test_anchors_follow_headings():
    assert anchor("Keeping e-mail addresses out of the repository") == (
        "keeping-e-mail-addresses-out-of-the-repository"
    )
    assert anchor("The `pelican-avatars` command") == "the-pelican-avatars-command"

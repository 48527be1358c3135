"""CHANGELOG.md keeps the Keep a Changelog form, and the version the package carries (written
once, in pyproject.toml) is a release the changelog describes."""

import re
from importlib.metadata import version

from packaged import ROOT

HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.MULTILINE)
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def releases() -> list[tuple[str, str | None]]:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return [(match["name"], match["date"]) for match in HEADING.finditer(text)]


def as_tuple(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split("."))


def test_unreleased_comes_first_then_dated_releases_newest_first():
    (first, first_date), *released = releases()
    assert (first, first_date) == ("Unreleased", None)
    assert released, "no release"
    assert all(date is not None for _, date in released)
    numbers = [as_tuple(name) for name, _ in released]
    assert numbers == sorted(numbers, reverse=True)


def test_the_package_version_is_a_release_of_the_changelog():
    assert version("pelican-member-avatars") in {name for name, _ in releases()}


def test_only_the_kinds_of_change_of_keep_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    kinds = set(re.findall(r"^### (.+)$", text, flags=re.MULTILINE))
    assert kinds
    assert kinds <= SECTIONS

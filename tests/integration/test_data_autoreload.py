"""`pelican --autoreload` picks up edits to member data files, attendee files and the
private-data file (which lies outside PATH: the plugin has Pelican watch it through
STATIC_PATHS, and never publishes it)."""

from __future__ import annotations

import sys

import pytest
from sitebuilder import BASE_SETTINGS, Site, plain_text
from test_autoreload import Child

pytestmark = pytest.mark.slow


@pytest.fixture
def live_data_site(tmp_path):
    site = Site(tmp_path)
    site.write("members/people.csv", "Name,Slug\nAda Lovelace,ada\n")
    site.write("events/e.csv", "Name\nGwen Guest\n")
    site.write("events/e.md", "Title: E\nDate: 2026-01-01\nAttendees-File: events/e.csv\n\nx\n")
    private = tmp_path / "private" / "members.csv"
    private.parent.mkdir()
    private.write_text("Slug,Email\nada,ada@example.org\n", encoding="utf-8")
    settings = {
        **BASE_SETTINGS,
        "PATH": "content",
        "OUTPUT_PATH": "output",
        "CACHE_PATH": "cache",
        "AVATAR_OFFLINE": True,
        "MEMBER_PRIVATE_DATA": str(private),
    }
    (tmp_path / "pelicanconf.py").write_text(
        "".join(f"{key} = {value!r}\n" for key, value in settings.items()), encoding="utf-8"
    )
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "--autoreload"]
    child = Child(command, tmp_path)
    try:
        yield site, private, child
    finally:
        child.stop()


def test_autoreload_reads_edited_data_attendee_and_private_files(live_data_site):
    site, private, child = live_data_site
    child.wait_for(
        "the first build",
        lambda: child.count("Done:") >= 1 and "Ada Lovelace" in site.page("members/index.html"),
    )

    builds = child.count("Done:")
    child.wait_for(
        "Ada's new name from the data file",
        lambda: child.count("Done:") > builds and "Ada King" in site.page("members/index.html"),
        edit=lambda: site.write("members/people.csv", "Name,Slug\nAda King,ada\n"),
        edited="people.csv",
    )

    builds = child.count("Done:")
    child.wait_for(
        "the new guest from the attendee file",
        lambda: (
            child.count("Done:") > builds
            and "Gil Guest" in plain_text(site.page("events/e/index.html"))
        ),
        edit=lambda: site.write("events/e.csv", "Name\nGwen Guest\nGil Guest\n"),
        edited="e.csv",
    )

    builds = child.count("Done:")
    child.wait_for(
        "the private-data file read again (its new row names nobody: a warning with the slug)",
        lambda: child.count("Done:") > builds and "'nobody' names no member" in child.output,
        edit=lambda: private.write_text(
            "Slug,Email\nada,ada@example.org\nnobody,nobody@example.org\n", encoding="utf-8"
        ),
        edited="members.csv",
    )
    assert "nobody@example.org" not in child.output
    assert not list((site.out).rglob("members.csv"))
    assert child.stop() == 0, child.output

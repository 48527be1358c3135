"""Attendee files: `Attendees-File` reads a registration export. Rows that are members link to
them, the rest are guests with a name and an avatar but no page, `Listed: no` rows are only
counted, and `Attendees` and `Attendees-File` combine, each person once."""

from __future__ import annotations

from pathlib import Path

import pytest
from avatar_server import make_png
from helpers import near, plugin_warnings
from sitebuilder import plain_text

SITE_THEME_DIR = Path(__file__).resolve().parents[2] / "site"

GREEN = (30, 160, 30)
EXPORT = (
    "Timestamp,Name,Slug,GitHub,Listed,T-shirt\n"
    "2026-01-01,Ada Lovelace,ada,,yes,M\n"  # already in Attendees: once
    "2026-01-02,Bob Builder,,,,L\n"  # a member by the slug of the name
    '2026-01-03,"Gwen Guest",,gwen,,S\n'  # a guest with a GitHub avatar
    "2026-01-04,Una Unlisted,,,no,M\n"  # counted, never shown
    "2026-01-05,Cy Young,cy,,false,M\n"  # a member who asked not to be listed
    "2026-01-06,,,,,M\n"  # no name: skipped with a warning
    "2026-01-07,Hugo Host,,,,XL\n"  # a guest with a generated avatar
)


def write_event(site, slug: str, attendees: str, attendees_file: str):
    site.write(
        f"events/{slug}.md",
        f"Title: {slug.title()}\nDate: 2026-08-27\nAttendees: {attendees}\n"
        f"Attendees-File: {attendees_file}\n\nAbout it.\n",
    )


@pytest.fixture
def unconference(site, avatar_server):
    site.settings.update(AVATAR_GITHUB_URL=avatar_server.github_url)
    avatar_server.set_github("gwen", make_png(GREEN))
    site.member("ada", "Ada Lovelace", groups="North")
    site.member("bob-builder", "Bob Builder")
    site.member("cy", "Cy Young")
    site.write("events/socrates-export.csv", EXPORT)
    write_event(site, "socrates", "ada", "events/socrates-export.csv")
    site.event("meetup", "Meetup", "2026-03-01", "cy")
    return site


@pytest.mark.parametrize("theme", [None, SITE_THEME_DIR], ids=["default", "example-theme"])
def test_guests_show_with_avatar_and_unlisted_are_only_counted(unconference, caplog, theme):
    overrides = {"THEME": str(theme)} if theme else {}
    result = unconference.build(caplog, **overrides)
    assert plugin_warnings(result.warnings) == [
        "[member_avatars] events/socrates-export.csv, line 7: no Name; attendee skipped"
    ]
    page = unconference.page("events/socrates/index.html")
    shown = [a.slug for a in unconference.avatars("events/socrates/index.html")]
    assert shown == ["ada", "bob-builder", "gwen-guest", "hugo-host"]
    assert near(
        unconference.avatar("events/socrates/index.html", "gwen-guest").centre_colour(), GREEN
    )
    # Members link to their profiles; guests have no page and no link.
    assert 'href="/members/bob-builder/"' in page
    assert "Gwen Guest" in plain_text(page)
    assert "/members/gwen-guest" not in page
    assert not (unconference.out / "members" / "gwen-guest").exists()
    # Six attend, two of them not listed: counted, neither name nor avatar shown anywhere.
    assert "(6)" in page
    assert "2 not listed" in plain_text(page)
    output = b"".join(unconference.all_output().values())
    assert b"Una Unlisted" not in output
    assert b"una-unlisted" not in output
    assert b'href="/events/socrates/"' not in unconference.all_output()["members/cy/index.html"]
    assert 'href="/events/socrates/"' in unconference.page("members/bob-builder/index.html")
    # Guests are in no member list or group, and the export is never copied to the output.
    assert {a.slug for a in unconference.avatars("members/index.html")} == {
        "ada",
        "bob-builder",
        "cy",
    }
    assert b"T-shirt" not in output


def test_a_guest_at_two_events_is_one_guest(site, caplog):
    site.write("events/a.yaml", "- Name: Gwen Guest\n- Name: Ada\n  Listed: maybe\n")
    site.write("events/b.json", '{"attendees": [{"Name": "Gwen Guest"}]}')
    write_event(site, "a", "", "events/a.yaml")
    write_event(site, "b", "", "/events/b.json")
    result = site.build(caplog, AVATAR_OFFLINE=True)
    assert plugin_warnings(result.warnings) == [
        "[member_avatars] events/a.yaml, row 2: Listed 'maybe' is not a clear yes or no; not listed"
    ]
    for event in ("a", "b"):
        assert [a.slug for a in site.avatars(f"events/{event}/index.html")] == ["gwen-guest"]


# (Attendees-File value, what the warning says)
REFUSED = [
    ("../outside.csv", "points outside the content folder"),
    ("/../../outside.csv", "points outside the content folder"),
    ("events/missing.csv", "does not exist"),
]


@pytest.mark.parametrize(("value", "says"), REFUSED, ids=["dotdot", "absolute", "missing"])
def test_an_attendee_file_outside_the_content_folder_is_refused(site, caplog, value, says):
    (site.root / "outside.csv").write_text("Name\nEve Outsider\n", encoding="utf-8")
    site.member("ada", "Ada")
    write_event(site, "e", "ada", value)
    result = site.build(caplog, AVATAR_OFFLINE=True)
    warnings = plugin_warnings(result.warnings)
    assert len(warnings) == 1
    assert warnings[0].startswith("[member_avatars] ")
    assert "events/e.md" in warnings[0]
    assert says in warnings[0]
    assert repr(value) in warnings[0]
    assert [a.slug for a in site.avatars("events/e/index.html")] == ["ada"]
    assert b"Eve Outsider" not in b"".join(site.all_output().values())


def test_an_attendee_file_under_static_paths_is_not_published(site, caplog):
    site.write("registrations/export.csv", "Name,Email\nGwen Guest,gwen@example.org\n")
    site.write("registrations/keep.txt", "a static file")
    write_event(site, "e", "", "registrations/export.csv")
    site.build(caplog, AVATAR_OFFLINE=True, STATIC_PATHS=["registrations"])
    output = site.all_output()
    assert "registrations/keep.txt" in output
    assert "registrations/export.csv" not in output
    assert [a.slug for a in site.avatars("events/e/index.html")] == ["gwen-guest"]

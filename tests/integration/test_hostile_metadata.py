"""Hostile member and event metadata, one row each, through real builds.

For every row the build succeeds; where the metadata is wrong, one warning names the member
(or event) file and the reason; the pages show what can be shown, escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from avatar_server import gravatar_hash
from helpers import generated_avatar, plugin_warnings, warnings_about

SITE_THEME = Path(__file__).resolve().parents[2] / "site"
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def meta_site(site, avatar_server):
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_TIMEOUT=0.5)
    site.member("ada", "Ada Lovelace", groups="North")
    return site


def pages(site) -> dict[str, str]:
    return {
        name: data.decode("utf-8")
        for name, data in site.all_output().items()
        if name.endswith(".html")
    }


def no_raw_markup(site) -> None:
    for name, html in pages(site).items():
        assert "<script>alert" not in html, name
        assert "<img src=x" not in html, name


@dataclass(frozen=True)
class Row:
    setup: Callable[[Any], None]
    check: Callable[[Any], None]
    warns: str | None = None  # the file the one warning names, None: no warning at all
    reason: str = ""
    settings: dict[str, Any] = field(default_factory=dict)


# --- rows -----------------------------------------------------------------------------------


def missing_name(site):
    site.member("nobody", None, "No name here.", groups="North")


def check_missing_name(site):
    assert not (site.out / "members/nobody/index.html").exists()
    assert {a.slug for a in site.avatars("members/index.html")} == {"ada"}


def duplicate_slug(site):
    site.write("members/zz-other.md", "Name: Another Ada\nSlug: ada\n\n")


def check_duplicate_slug(site):
    assert site.avatar("members/ada/index.html", "ada").attrs["alt"] == "Ada Lovelace"
    assert [a.slug for a in site.avatars("members/index.html")] == ["ada"]


def slug_escaping_output(site):
    site.write("members/eve.md", "Name: Eve\nSlug: ../../escape\n\n")


def check_slug_escaping_output(site):
    assert (site.out / "members/eve/index.html").exists()
    assert not (site.root / "escape").exists()
    assert not list(site.root.glob("**/escape/index.html"))


def slug_with_markup(site):
    site.write("members/mallory.md", 'Name: Mallory\nSlug: x"><script>alert(1)</script>\n\n')


def check_slug_with_markup(site):
    assert site.avatar("members/mallory/index.html", "mallory").attrs["alt"] == "Mallory"
    no_raw_markup(site)


def markup_everywhere(site):
    site.member(
        "evil",
        MARKUP,
        "Bio: Markdown, where raw HTML is the author's own choice, as in articles.",
        groups=f"<b>Bold</b>, {MARKUP}",
        location=MARKUP,
        profession=MARKUP,
        website="javascript:alert(1)",
        twitter=f'https://x.example/"{MARKUP}',
        mastodon=MARKUP,
    )
    site.write(
        "events/party.md",
        f"Title: {MARKUP}\nDate: 2026-05-01\nLocation: {MARKUP}\nGroup: {MARKUP}\n"
        "Attendees: evil, ada\n\nAbout it.\n",
    )


def check_markup_everywhere(site):
    assert site.avatar("members/evil/index.html", "evil").attrs["alt"] == MARKUP
    html = site.page("members/evil/index.html")
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    for page in pages(site).values():
        assert 'href="javascript:' not in page
    no_raw_markup(site)


LONG_NAME = " ".join(["Bartholomew-Maximilian"] * 150)


def very_long_name(site):
    site.member("long", LONG_NAME)


def check_very_long_name(site):
    avatar = site.avatar("members/index.html", "long")
    assert site.avatar("members/long/index.html", "long").attrs["alt"] == LONG_NAME
    assert avatar.data == generated_avatar(LONG_NAME, "long")


NON_LATIN = {
    "li": "李小龍",
    "sato": "佐藤 遥",
    "noor": "نور حداد",
    "priya": "प्रिया राघवन",
    "olga": "Ольга Иванова",
    "emoji": "🦄 Unicorn",
    "zalgo": "Z̷̢a̸l̶g̵o̴",
}


def non_latin_names(site):
    for slug, name in NON_LATIN.items():
        site.member(slug, name, groups="Welt, 世界")


def check_non_latin_names(site):
    listed = {a.slug: a for a in site.avatars("members/index.html")}
    for slug, name in NON_LATIN.items():
        assert site.avatar(f"members/{slug}/index.html", slug).attrs["alt"] == name
        assert listed[slug].data == generated_avatar(name, slug)
        assert name in site.page(f"members/{slug}/index.html")


def empty_groups(site):
    site.member("bob", "Bob Builder", groups=",,")


def check_empty_groups(site):
    assert site.avatar("members/index.html", "bob")
    assert sorted(p.name for p in (site.out / "groups").iterdir()) == ["north"]


def odd_groups(site):
    site.member("bob", "Bob Builder", groups=" , x ,,North , x")


def check_odd_groups(site):
    assert sorted(p.name for p in (site.out / "groups").iterdir()) == ["north", "x"]
    assert [a.slug for a in site.avatars("groups/x/index.html")] == ["bob"]
    assert [a.slug for a in site.avatars("groups/north/index.html")] == ["ada", "bob"]


def group_without_slug(site):
    site.member("bob", "Bob Builder", groups="!!!, North")


def check_group_without_slug(site):
    assert not (site.out / "groups/index.html").exists()
    assert [a.slug for a in site.avatars("groups/north/index.html")] == ["ada", "bob"]


def groups_differing_in_case(site):
    site.member("bob", "Bob Builder", groups="north")


def check_groups_differing_in_case(site):
    assert [a.slug for a in site.avatars("groups/north/index.html")] == ["ada", "bob"]


def unknown_and_duplicate_attendees(site):
    site.member("bob", "Bob Builder")
    site.event("meetup", "Meetup", "2026-04-01", "bob, ghost, bob, ada, ada")


def check_attendees(site):
    assert [a.slug for a in site.avatars("events/meetup/index.html")] == ["bob", "ada"]


def malformed_email(address: str) -> Callable[[Any], None]:
    def setup(site):
        site.member("mel", "Mel Formed", email=address)

    return setup


def check_no_gravatar_request(site):
    assert site.avatar("members/index.html", "mel").data == generated_avatar("Mel Formed", "mel")


def event_without_date(site):
    site.write("events/undated.md", "Title: Undated\nAttendees: ada\n\nSoon.\n")


def check_event_without_date(site):
    assert not (site.out / "events/undated/index.html").exists()


# --- odd files: one never stops the site ------------------------------------------------------


def event_names_in_two_folders(site):
    site.write("events/2012/meetup.md", "Title: Meetup 2012\nDate: 2012-05-01\nAttendees: ada\n\n")
    site.write("events/2013/meetup.md", "Title: Meetup 2013\nDate: 2013-05-01\nAttendees: ada\n\n")


def check_event_names_in_two_folders(site):
    assert "Meetup 2012" in site.page("events/meetup/index.html")
    assert "Meetup 2013" not in site.page("events/index.html")


def event_slug_escaping_output(site):
    site.write("events/party.md", "Title: Party\nDate: 2026-05-01\nSlug: ../../escape\n\n")


def check_event_slug_escaping_output(site):
    assert "Party" in site.page("events/party/index.html")
    assert not (site.root / "escape").exists()
    assert not list(site.root.glob("**/escape/index.html"))


def duplicate_event_slug(site):
    site.write("events/a.md", "Title: First\nDate: 2026-05-01\nSlug: party\n\n")
    site.write("events/b.md", "Title: Second\nDate: 2026-06-01\nSlug: party\n\n")


def check_duplicate_event_slug(site):
    assert "First" in site.page("events/party/index.html")
    assert "Second" not in site.page("events/index.html")


def member_slug_index(site):
    site.member("index", "Indy Index")


def check_member_slug_index(site):
    listed = {a.slug for a in site.avatars("members/index.html")}
    assert listed == {"ada", "index"}  # the list page, not Indy's profile
    assert (site.out / "members/ada.html").exists()


def member_and_group_page(site):
    site.member("north", "Nora North")


def check_member_and_group_page(site):
    assert site.avatar("members/north/index.html", "north").attrs["alt"] == "Nora North"
    assert (site.out / "members/ada/index.html").exists()


def member_and_event_page(site):
    site.event("ada", "Ada Day", "2026-05-01", "ada")


def check_member_and_event_page(site):
    assert site.avatar("members/ada/index.html", "ada", 160)  # Ada's profile, not the event
    assert "Ada Day" in site.page("events/index.html")


def page_taking_the_member_list(site):
    site.write("pages/people.md", "Title: People\nSave_as: members/index.html\n\nOur people.\n")


def check_page_taking_the_member_list(site):
    assert "Our people." in site.page("members/index.html")
    assert (site.out / "members/ada/index.html").exists()


def two_name_lines(site):
    site.write("members/bob.md", "Name: Bob Builder\nName: Robert Builder\n\n")


def check_two_name_lines(site):
    assert site.avatar("members/bob/index.html", "bob").attrs["alt"] == "Bob Builder"
    assert "Bob Builder" in site.page("members/bob/index.html")
    assert "Robert" not in site.page("members/bob/index.html")


def two_title_lines_in_an_event(site):
    site.write("events/party.md", "Title: Party\nTitle: Fest\nDate: 2026-05-01\n\n")


def check_two_title_lines(site):
    assert "Party" in site.page("events/party/index.html")


def attendees_on_two_lines(site):
    site.member("bob", "Bob Builder")
    site.member("cy", "Cy Clone")
    site.write(
        "events/meetup.md",
        "Title: Meetup\nDate: 2026-04-01\nAttendees: bob, ada,\n    cy\n\nAbout it.\n",
    )


def check_attendees_on_two_lines(site):
    assert [a.slug for a in site.avatars("events/meetup/index.html")] == ["bob", "ada", "cy"]


def groups_on_two_lines(site):
    site.write("members/bob.md", "Name: Bob Builder\nGroups: Hamburg,\n    Berlin, North\n\n")


def check_groups_on_two_lines(site):
    assert sorted(p.name for p in (site.out / "groups").iterdir()) == ["berlin", "hamburg", "north"]
    assert "Hamburg," not in site.page("groups/hamburg/index.html")
    assert [a.slug for a in site.avatars("groups/north/index.html")] == ["ada", "bob"]


ODD_FILES = {
    "event files with one name in two folders": Row(
        event_names_in_two_folders,
        check_event_names_in_two_folders,
        "2013/meetup.md",
        "2012/meetup.md",
    ),
    "event slug escaping the output folder": Row(
        event_slug_escaping_output, check_event_slug_escaping_output, "party.md", "not usable"
    ),
    "two events with one Slug": Row(
        duplicate_event_slug, check_duplicate_event_slug, "events/b.md", "events/a.md"
    ),
    "member slug 'index' over the member list": Row(
        member_slug_index,
        check_member_slug_index,
        "index.md",
        "MEMBERS_SAVE_AS",
        {"MEMBER_SAVE_AS": "members/{slug}.html", "MEMBER_URL": "members/{slug}.html"},
    ),
    "group page over a member page": Row(
        member_and_group_page,
        check_member_and_group_page,
        "members/ada.md",  # the file that names the group
        "members/north.md",
        {"GROUP_SAVE_AS": "members/{slug}/index.html"},
    ),
    "event page over a member page": Row(
        member_and_event_page,
        check_member_and_event_page,
        "events/ada.md",
        "members/ada.md",
        {"EVENT_SAVE_AS": "members/{slug}/index.html"},
    ),
    "Pelican page over the member list": Row(
        page_taking_the_member_list,
        check_page_taking_the_member_list,
        "MEMBERS_SAVE_AS",
        "pages/people.md",
    ),
    "two Name lines": Row(two_name_lines, check_two_name_lines, "bob.md", "Name"),
    "two Title lines in an event": Row(
        two_title_lines_in_an_event, check_two_title_lines, "party.md", "Title"
    ),
    "Attendees continued on a second line": Row(
        attendees_on_two_lines, check_attendees_on_two_lines
    ),
    "Groups continued on a second line": Row(groups_on_two_lines, check_groups_on_two_lines),
}


ROWS = {
    "missing name": Row(missing_name, check_missing_name, "nobody.md", "Name"),
    "duplicate slug": Row(duplicate_slug, check_duplicate_slug, "zz-other.md", "ada.md"),
    "slug escaping the output folder": Row(
        slug_escaping_output, check_slug_escaping_output, "eve.md", "not usable in a URL"
    ),
    "slug with markup": Row(slug_with_markup, check_slug_with_markup, "mallory.md", "Slug"),
    "markup in every rendered field": Row(markup_everywhere, check_markup_everywhere),
    "very long name": Row(very_long_name, check_very_long_name),
    "non-Latin names": Row(non_latin_names, check_non_latin_names),
    "Groups ',,'": Row(empty_groups, check_empty_groups),
    "Groups ' , x'": Row(odd_groups, check_odd_groups),
    "group without a usable slug": Row(
        group_without_slug, check_group_without_slug, "bob.md", "'!!!'"
    ),
    "groups differing only in case": Row(groups_differing_in_case, check_groups_differing_in_case),
    "unknown and duplicate attendees": Row(
        unknown_and_duplicate_attendees, check_attendees, "meetup.md", "'ghost'"
    ),
    "event without a date": Row(event_without_date, check_event_without_date, "undated.md", "Date"),
    **{
        f"malformed e-mail {address!r}": Row(
            malformed_email(address), check_no_gravatar_request, "mel.md", "Email"
        )
        for address in ["not-an-email", "a@b@example.org", "<script>@x.org", "mel@", "m el@x.org"]
    },
    **ODD_FILES,
}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_hostile_metadata(meta_site, avatar_server, caplog, row):
    row.setup(meta_site)
    result = meta_site.build(caplog, **row.settings)
    row.check(meta_site)
    if row.warns is None:
        assert plugin_warnings(result.warnings) == []
    else:
        about = warnings_about(result.warnings, row.warns)
        assert len(about) == 1, result.warnings
        assert row.reason in about[0]
        assert plugin_warnings(result.warnings) == about
    assert not [w for w in result.warnings if "Unable to generate valid slug" in w]
    # Nobody here has a Gravatar address that could be asked: malformed ones are not.
    assert avatar_server.count("/avatar/") == 0


@pytest.mark.parametrize("address", ["<script>@x.org", "a@b@example.org"])
def test_malformed_email_is_not_in_any_output_or_warning(meta_site, caplog, address):
    malformed_email(address)(meta_site)
    result = meta_site.build(caplog)
    assert not [w for w in result.warnings if address in w]
    for name, data in meta_site.all_output().items():
        assert address.encode() not in data, name
        assert gravatar_hash(address).encode() not in data, name


def test_markup_is_escaped_in_the_site_theme_too(meta_site, caplog):
    markup_everywhere(meta_site)
    result = meta_site.build(caplog, THEME=str(SITE_THEME))
    assert plugin_warnings(result.warnings) == []
    check_markup_everywhere(meta_site)

"""Relations for themes: member.events, member.articles, group.members, group.events,
event.attendees and event.group, worked out once per build; member and event files in
`{filename}` links; `Template:` lines; the `member_avatars_community_ready` signal."""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from pelican.contents import Article, Author
from pelican.plugins.member_avatars.content.models import Event, Member
from pelican.plugins.member_avatars.content.relations import link_community
from pelican.plugins.member_avatars.settings.defaults import apply_defaults
from pelican.plugins.member_avatars.theme import AvatarBook
from pelican.settings import read_settings

SITE_THEME = Path(__file__).resolve().parents[2] / "site"
THEMES = pytest.mark.parametrize(
    "theme", [None, SITE_THEME], ids=["default-templates", "example-theme"]
)

# name: (date, group, attendees); file names sort in another order than the dates.
EVENTS = {
    "a-retreat": ("2024-03-01", "North", "ada, bob"),
    "b-summit": ("2025-06-01", "North", "ada"),
    "c-kickoff": ("2023-01-15", "South", "cy, ada"),
    "d-social": ("2024-09-09", "", "bob"),
}
# slug: (date, Author/Authors line)
ARTICLES = {
    "old-notes": ("2024-01-01", "Author: Ada Lovelace"),
    "pairing": ("2025-02-01", "Authors: Bob Builder, ada"),
    "guest-post": ("2025-03-01", "Author: Someone Else"),
}


def newest_first(names: dict[str, tuple[str, ...]], keep=lambda row: True) -> list[str]:
    return sorted((n for n, row in names.items() if keep(row)), key=lambda n: names[n][0])[::-1]


def in_page_order(html: str, hrefs: list[str]) -> list[str]:
    """The hrefs found in the page, in the order the page shows them first."""
    found = {href: html.find(f'href="{href}"') for href in hrefs}
    return sorted((h for h, at in found.items() if at >= 0), key=found.__getitem__)


def event_hrefs(names: list[str]) -> list[str]:
    return [f"/events/{name}/" for name in names]


def article_hrefs(names: list[str]) -> list[str]:
    return [f"/{name}.html" for name in names]


@pytest.fixture
def history(site):
    """Three members in two groups, four events, three articles (two by members)."""
    site.member("ada", "Ada Lovelace", groups="North, South")
    site.member("bob", "Bob Builder", groups="North", body="[Mine]({filename}/articles/pairing.md)")
    site.member("cy", "Cy Young", groups="South")
    for name, (date, group, attendees) in EVENTS.items():
        site.event(name, name.title(), date, attendees, **({"group": group} if group else {}))
    for name, (date, author_line) in ARTICLES.items():
        site.write(f"articles/{name}.md", f"Title: {name}\nDate: {date}\n{author_line}\n\nText.\n")
    return site


@THEMES
def test_relations_show_on_every_page(history, caplog, theme):
    theme_setting = {"THEME": str(theme)} if theme else {}
    result = history.build(caplog, AVATAR_OFFLINE=True, ARTICLE_PATHS=["articles"], **theme_setting)
    assert not [w for w in result.warnings if "Unable to find" in w]
    every_event = event_hrefs(list(EVENTS))
    every_article = article_hrefs(list(ARTICLES))

    # member.events: the events each member attends, newest first.
    for slug in ("ada", "bob", "cy"):
        profile = history.page(f"members/{slug}/index.html")
        attended = newest_first(EVENTS, keep=lambda row, slug=slug: slug in row[2])
        assert in_page_order(profile, every_event) == event_hrefs(attended)

    # member.articles: by Author or among Authors, matched by name or slug, newest first.
    ada = history.page("members/ada/index.html")
    assert in_page_order(ada, every_article) == article_hrefs(["pairing", "old-notes"])
    bob = history.page("members/bob/index.html")
    assert in_page_order(bob, every_article) == article_hrefs(["pairing"])
    assert in_page_order(history.page("members/cy/index.html"), every_article) == []

    # group.members and group.events (newest first).
    north = history.page("groups/north/index.html")
    assert {a.slug for a in history.avatars("groups/north/index.html")} == {"ada", "bob"}
    north_events = newest_first(EVENTS, keep=lambda row: row[1] == "North")
    assert in_page_order(north, every_event) == event_hrefs(north_events)
    south = history.page("groups/south/index.html")
    assert in_page_order(south, every_event) == event_hrefs(["c-kickoff"])

    # event.attendees in the order given, and event.group.
    kickoff = history.page("events/c-kickoff/index.html")
    assert [a.slug for a in history.avatars("events/c-kickoff/index.html")] == ["cy", "ada"]
    assert 'href="/groups/south/"' in kickoff
    assert 'href="/groups/' not in history.page("events/d-social/index.html").split("<main")[-1]


def test_filename_links_reach_profiles_events_and_articles(history, caplog):
    history.write(
        "articles/links.md",
        """\
        Title: Links
        Date: 2025-05-05

        [Ada]({filename}/members/ada.md), [the summit]({filename}../events/b-summit.md).
        """,
    )
    history.write("pages/about.md", "Title: About\n\nAsk [Bob]({filename}/members/bob.md).\n")
    result = history.build(caplog, AVATAR_OFFLINE=True, ARTICLE_PATHS=["articles"])
    assert not [w for w in result.warnings if "Unable to find" in w]

    article = history.page("links.html")
    assert 'href="/members/ada/"' in article
    assert 'href="/events/b-summit/"' in article
    assert "{filename}" not in article
    assert 'href="/members/bob/"' in history.page("pages/about.html")
    # And the other way: a bio links to an article.
    bio = history.page("members/bob/index.html")
    assert 'href="/pairing.html">Mine</a>' in bio


def test_template_line_is_honoured_for_members_and_events(site, caplog, tmp_path):
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "speaker.html").write_text(
        '<p class="speaker">Speaker {{ member.name|e }} {{ avatar(member, "profile") }}</p>'
    )
    (overrides / "keynote.html").write_text('<p class="keynote">Keynote {{ event.title|e }}</p>')
    site.member("ada", "Ada Lovelace", template="speaker")
    site.member("bob", "Bob Builder")
    site.member("cy", "Cy Young", template="no-such-template")
    site.event("talk", "The Talk", "2025-01-01", "ada", template="keynote")
    site.event("meetup", "Meetup", "2025-02-01", "bob")
    result = site.build(caplog, AVATAR_OFFLINE=True, THEME_TEMPLATES_OVERRIDES=[str(overrides)])

    assert site.page("members/ada/index.html").startswith('<p class="speaker">Speaker Ada')
    assert site.avatar("members/ada/index.html", "ada", 160)
    assert site.page("events/talk/index.html") == '<p class="keynote">Keynote The Talk</p>'
    for default in ("members/bob/index.html", "events/meetup/index.html"):
        assert "<html" in site.page(default)
    # A template that does not exist: a warning naming the file, and the default page.
    missing = [w for w in result.warnings if "cy.md" in w]
    assert len(missing) == 1
    assert "no-such-template" in missing[0]
    assert missing[0].startswith("[member_avatars] ")
    assert 'data-member="cy"' in site.page("members/cy/index.html")


HOSTS_PLUGIN = """\
    from pelican.plugins.member_avatars.signals import community_ready


    def add_hosted_events(generator):
        members = {member.slug: member for member in generator.members}
        for event in generator.events:
            event.hosts = [members[slug] for slug in event.metadata.get("hosts", "").split()]
            for host in event.hosts:
                if event not in host.events:
                    host.events.append(event)
            for member in event.hosts:
                member.profession = "Host of " + event.title


    def register():
        community_ready.connect(add_hosted_events)
    """


def test_community_ready_signal_lets_a_plugin_add_to_members(site):
    plugins = site.root / "plugins"
    plugins.mkdir()
    (plugins / "hosts_plugin.py").write_text(textwrap.dedent(HOSTS_PLUGIN))
    site.member("ada", "Ada Lovelace")
    site.member("bob", "Bob Builder")
    site.event("meetup", "Meetup", "2025-02-01", "bob", hosts="ada")
    built = site.build_cli(
        AVATAR_OFFLINE=True,
        PLUGIN_PATHS=[str(plugins)],
        PLUGINS=["pelican.plugins.member_avatars", "hosts_plugin"],
    )
    assert built.returncode == 0, built.stderr

    ada = site.page("members/ada/index.html")
    # Ada attends nothing: the event is on her profile because the plugin added it.
    assert 'href="/events/meetup/"' in ada
    assert "Host of Meetup" in ada
    assert 'href="/events/meetup/"' in site.page("members/bob/index.html")
    assert "Host of" not in site.page("members/bob/index.html")


# --- the pure relations function ---------------------------------------------------------


@pytest.fixture
def settings(tmp_path):
    return apply_defaults(read_settings(override={"PATH": str(tmp_path), "TIMEZONE": "UTC"}))


def member(settings, slug, name, groups=""):
    metadata = {"slug": slug, "name": name, "groups": groups}
    return Member("", metadata, settings=settings, source_path=f"members/{slug}.md")


def event(settings, slug, date, attendees, group=""):
    metadata = {"title": slug, "date": datetime.fromisoformat(date), "group": group}
    made = Event("", metadata, settings=settings, source_path=f"events/{slug}.md")
    made.attendees = list(attendees)
    return made


def article(settings, slug, date, *authors):
    metadata = {
        "title": slug,
        "slug": slug,
        "date": datetime.fromisoformat(date),
        "authors": [Author(name, settings) for name in authors],
    }
    return Article("", metadata, settings=settings, source_path=f"articles/{slug}.md")


def test_link_community_works_every_relation_out(settings):
    ada = member(settings, "ada", "Ada Lovelace", "North, north, South")
    bob = member(settings, "bob", "Bob Builder", "North")
    guest = member(settings, "gus", "Gus Guest")  # attends, but is no member of the site
    members = [ada, bob]
    spring = event(settings, "spring", "2024-04-01", [ada, guest], "North")
    autumn = event(settings, "autumn", "2024-10-01", [bob, ada], "NORTH")
    winter = event(settings, "winter", "2023-12-01", [ada])
    events = [spring, winter, autumn]
    articles = [
        article(settings, "solo", "2024-01-01", "Ada Lovelace"),
        article(settings, "both", "2024-06-01", "bob", "Ada Lovelace", "ada"),
        article(settings, "stranger", "2024-07-01", "Somebody"),
    ]
    book = AvatarBook(settings)
    book.add_members(members)

    groups = link_community(members, events, articles, book.member, settings)

    assert [group.slug for group in groups] == ["north", "south"]
    north, south = groups
    assert north.members == [ada, bob]
    assert south.members == [ada]
    assert ada.groups == [north, south]
    assert north.events == [autumn, spring]
    assert south.events == []
    assert (spring.group, autumn.group, winter.group) == (north, north, None)
    assert ada.events == [autumn, spring, winter]
    assert bob.events == [autumn]
    assert guest.events == []
    assert [a.slug for a in ada.articles] == ["both", "solo"]
    assert [a.slug for a in bob.articles] == ["both"]

"""A small community site that reaches every branch of the plugin's default templates, for
the tests that look at those templates in Pelican's stock themes (HTML checker, browser)."""

from __future__ import annotations

from pathlib import Path

from avatar_server import make_jpeg
from sitebuilder import Site

# Pelican's own themes, which the plugin's default templates must fit.
STOCK_THEMES = ("notmyidea", "simple")

# Every kind of page the plugin writes, by a short name, in the small site below.
PLUGIN_PAGES = {
    "members": "members/index.html",
    "profile": "members/ada/index.html",
    "group": "groups/north/index.html",
    "events": "events/index.html",
    "event": "events/retreat/index.html",
}
# An article of the same site: the theme's own layout that the plugin's pages must match.
ARTICLE_PAGE = "hello.html"

LONG_NAME = "Maximiliane Wilhelmine Bartholomäa von Hohenzollern-Sigmaringen-Vöhringen"


def themed_site(root: Path) -> Site:
    """Members (one with a very long name and URL), groups, events, an article and a page."""
    site = Site(root)
    site.member(
        "ada",
        "Ada <Lovelace> & Co",
        "Bio of *Ada* with a [link](https://example.org/).",
        avatar="members/pics/ada.jpg",
        groups="North, Testing & Quality",
        email="ada@example.org",
        location="London",
        profession="Analyst",
        website="https://example.org/ada?x=1&y=2",
        twitter="@ada",
        mastodon='https://example.social/@ada"><script>',
    )
    site.write("members/pics/ada.jpg", make_jpeg((200, 30, 30), (240, 180)))
    site.member("zoe", "Zoë Ångström", groups="North", website="example.org/not-a-url")
    site.member("bob", "Bob Builder")
    site.member(
        "max",
        LONG_NAME,
        groups="North",
        website="https://example.org/" + "a-very-long-path-without-any-break" * 4,
    )
    site.event(
        "retreat",
        "Code Retreat",
        "2026-03-01",
        "zoe, ada, bob, max",
        group="North",
        location="Hamburg",
        end="2026-03-02",
    )
    site.event("empty", "Empty <Meetup>", "2026-04-01", "")
    site.write("articles/hello.md", "Title: Hello\nDate: 2026-01-01\nTags: news\n\nHi.\n")
    site.write("pages/about.md", "Title: About\n\nAbout us.\n")
    return site

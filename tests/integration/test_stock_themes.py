"""The plugin's default templates in Pelican's stock themes: alt text beside printed names,
attendee names on the events index, and menu links that reach the plugin's pages when the
site lives under a path. (How the pages look in a browser: tests/integration/test_browser.py.)"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from markupsafe import Markup
from pelican.plugins.member_avatars.content.models import Member
from pelican.plugins.member_avatars.settings.defaults import apply_defaults
from pelican.plugins.member_avatars.theme import AvatarBook
from pelican.settings import read_settings
from themesites import PLUGIN_PAGES, STOCK_THEMES, themed_site

THEMES = pytest.mark.parametrize("theme", STOCK_THEMES)


class _ListItems(HTMLParser):
    """Each `<li>` holding an avatar: the avatar's attributes and the item's text."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[dict[str, str], str]] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "li":
            self._open.append({"img": None, "text": []})
        elif tag == "img" and "avatar" in values.get("class", "").split() and self._open:
            self._open[-1]["img"] = values

    def handle_data(self, data: str) -> None:
        for item in self._open:
            item["text"].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._open:
            item = self._open.pop()
            if item["img"] is not None:
                self.items.append((item["img"], " ".join("".join(item["text"]).split())))


def avatar_items(html: str) -> list[tuple[dict[str, str], str]]:
    parser = _ListItems()
    parser.feed(html)
    return parser.items


@pytest.fixture(scope="module", params=STOCK_THEMES)
def built(request, tmp_path_factory):
    site = themed_site(tmp_path_factory.mktemp(f"stock-{request.param}"))
    site.build(THEME=request.param, AVATAR_OFFLINE=True)
    return site


@pytest.mark.parametrize("page", ["members", "group", "events", "event"])
def test_avatar_beside_a_printed_name_has_empty_alt(built, page):
    items = avatar_items(built.page(PLUGIN_PAGES[page]))
    assert len(items) >= 3, f"{page}: too few members listed"
    for attrs, text in items:
        member = attrs["data-member"]
        assert attrs["alt"] == "", f"{page}: alt of {member} repeats the name beside it"
        profile = built.page(f"members/{member}/index.html")
        name = next(a for a in built.avatars(f"members/{member}/index.html")).attrs["alt"]
        assert name, f"{member}'s profile has an avatar without its name as alt"
        assert name in text, f"{page}: {member}'s item {text!r} does not show {name!r}"
        assert f'alt="{Markup.escape(name)}"' in profile


def test_events_index_names_every_attendee(built):
    items = avatar_items(built.page(PLUGIN_PAGES["events"]))
    # The example event lists zoe, ada, bob and max, in that order.
    assert [attrs["data-member"] for attrs, _ in items] == ["zoe", "ada", "bob", "max"]
    assert [text.split()[0] for _, text in items] == ["Zoë", "Ada", "Bob", "Maximiliane"]


def test_profile_avatar_keeps_the_name_as_alt(built):
    [avatar] = built.avatars(PLUGIN_PAGES["profile"])
    assert avatar.attrs["alt"] == "Ada <Lovelace> & Co"


SITEURL = "https://example.org/community"
# The README's recipe: stock themes print MENUITEMS links as they are, so they are made
# absolute from SITEURL in the settings file.
MENUITEMS = [("Members", f"{SITEURL}/members/"), ("Events", f"{SITEURL}/events/")]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            self.links.setdefault(data.strip(), self._href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def output_file_for(url: str, out: Path) -> Path:
    """The file a web server would answer `url` with, when the output is published at SITEURL."""
    assert url.startswith(SITEURL + "/"), f"{url} is not on the site"
    path = out / url.removeprefix(SITEURL + "/")
    return path / "index.html" if url.endswith("/") else path


@THEMES
def test_menu_items_reach_members_and_events_under_a_path(tmp_path, theme):
    site = themed_site(tmp_path)
    site.build(
        THEME=theme, AVATAR_OFFLINE=True, SITEURL=SITEURL, RELATIVE_URLS=False, MENUITEMS=MENUITEMS
    )
    expected = {"Members": "members/index.html", "Events": "events/index.html"}
    for page in ("index.html", PLUGIN_PAGES["profile"], PLUGIN_PAGES["event"]):
        parser = _Links()
        parser.feed(site.page(page))
        page_url = f"{SITEURL}/{page.removesuffix('index.html')}"
        for title, target in expected.items():
            url = urljoin(page_url, parser.links[title])
            assert urlsplit(url).path.startswith("/community/"), f"{page}: {title} -> {url}"
            assert output_file_for(url, site.out) == site.out / target, f"{page}: {title}"
            assert (site.out / target).is_file()


def test_img_alt_keyword_replaces_the_name(tmp_path):
    settings = apply_defaults(read_settings(path=None, override={"PATH": str(tmp_path)}))
    book = AvatarBook(settings)
    member = Member("", {"name": "Ada <Lovelace>"}, settings=settings, source_path="ada.md")
    book.add_members([member])
    book.add_images("ada", {96: b"\x00" * 8, 320: b"\x00" * 8, 64: b"\x00" * 8})
    assert 'alt="Ada &lt;Lovelace&gt;"' in book.img("ada")
    beside = book.img("ada", "list", alt="", loading="lazy")
    assert beside.count("alt=") == 1
    assert ' alt="" loading="lazy"' in beside
    assert 'alt="&#34;x&#34;"' in book.img("ada", alt='"x"')

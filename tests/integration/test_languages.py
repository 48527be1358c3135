"""The plugin's pages in the site's language (`DEFAULT_LANG`): words from the catalogs, counts
with the language's plural rules, dates as the language writes them, on a machine with no
system locale; a theme's catalog over the plugin's; events in two languages; i18n_subsites."""

from __future__ import annotations

import logging
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pelican
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pelican.plugins.member_avatars import language
from sitebuilder import Site, avatars_in
from themesites import PLUGIN_PAGES, themed_site

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_THEME = str(ROOT / "site")
PLUGIN_CATALOGS = ROOT / "plugin" / "pelican" / "plugins" / "member_avatars" / "translations"
THEME_CATALOGS = ROOT / "site" / "translations"
NOTMYIDEA = Path(pelican.__file__).parent / "themes" / "notmyidea"

# What each language makes of the scenario site (themesites.themed_site): the group North has
# three members, "Testing & Quality" one; the code retreat lasts from 1 to 2 March 2026.
EXPECTED = {
    "de": ("3 Mitglieder", "1 Mitglied", "1.", "–", "2. März 2026"),
    "fr": ("3 membres", "1 membre", "1", "–", "2 mars 2026"),
    "es": ("3 miembros", "1 miembro", "1", "–", "2 de marzo de 2026"),
}
# Words of the scenario's own content (a page "About", an event body "About it."), not the
# templates'.
CONTENT_WORDS = {"About", "with"}
NAME = "pelican-member-avatars"


class _Text(HTMLParser):
    """The text (and aria-label values) inside the first element whose class has `marker`, or
    inside <body> when `marker` is None."""

    def __init__(self, marker: str | None) -> None:
        super().__init__()
        self.marker = marker
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if self.depth:
            if tag not in {"img", "br", "link", "meta", "input", "hr"}:
                self.depth += 1
            self.parts.append(values.get("aria-label", ""))
        elif (self.marker is None and tag == "body") or (
            self.marker and self.marker in values.get("class", "").split()
        ):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def page_text(html: str, marker: str | None) -> str:
    parser = _Text(marker)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_words(catalogs: Path, lang: str) -> set[str]:
    """Words of the English strings the translation in `lang` does not use itself."""
    with open(catalogs / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        messages = [m for m in read_po(po, locale=lang) if m.id]

    def words(texts: object) -> set[str]:
        parts = [texts] if isinstance(texts, str) else list(texts)  # type: ignore[call-overload]
        return {
            w
            for text in parts
            # Placeholders and the plugin's name are no words of the page's language.
            for w in re.findall(r"[A-Za-z]{4,}", re.sub(rf"%\(\w+\)s|{NAME}", "", text))
        }

    english = set().union(*(words(m.id) for m in messages))
    translated = set().union(*(words(m.string) for m in messages))
    return english - translated - CONTENT_WORDS


THEMES = {
    "notmyidea": ("notmyidea", PLUGIN_CATALOGS),
    "simple": ("simple", PLUGIN_CATALOGS),
    "example": (EXAMPLE_THEME, THEME_CATALOGS),
}


@pytest.fixture(scope="module", params=[(t, lang) for t in THEMES for lang in EXPECTED])
def built(request, tmp_path_factory):
    theme, lang = request.param
    site = themed_site(tmp_path_factory.mktemp(f"{theme}-{lang}"))
    site.build(THEME=THEMES[theme][0], DEFAULT_LANG=lang, AVATAR_OFFLINE=True)
    return theme, lang, site


def test_no_english_word_is_left_on_the_plugins_pages(built):
    theme, lang, site = built
    # A stock theme's own frame stays English: the plugin's part is its content column. The
    # example theme is translated throughout.
    marker = None if theme == "example" else "member-avatars-page"
    words = english_words(THEMES[theme][1], lang)
    assert {"Members", "Attendees", "member", "members"} <= words  # what the check looks for
    for page in PLUGIN_PAGES.values():
        text = page_text(site.page(page), marker).replace(NAME, "")
        assert text, page
        left = sorted(w for w in words if re.search(rf"\b{w}\b", text))
        assert left == [], f"{theme} {lang} {page}: {left} in {text!r}"


def test_counts_follow_the_languages_plural_rules(built):
    _theme, lang, site = built
    many, one = EXPECTED[lang][:2]
    assert many in page_text(site.page("groups/north/index.html"), None)
    assert one in page_text(site.page("groups/testing-quality/index.html"), None)


def test_dates_read_as_the_language_writes_them(built):
    theme, lang, site = built
    first, between, last = EXPECTED[lang][2:]
    days = (
        f'<time datetime="2026-03-01">{first}</time>{between}'
        f'<time datetime="2026-03-02">{last}</time>'
    )
    for page in ("events/retreat/index.html", "events/index.html", "members/ada/index.html"):
        assert days in site.page(page), (theme, lang, page)


def test_a_date_formats_entry_for_the_language_wins(site):
    site.member("ada", "Ada", groups="North")
    site.event("retreat", "Retreat", "2026-03-01", "ada", end="2026-03-02")
    site.build(DEFAULT_LANG="de", DATE_FORMATS={"de": "%d.%m.%Y"}, AVATAR_OFFLINE=True)
    html = site.page("events/retreat/index.html")
    assert (
        '<time datetime="2026-03-01">01.03.2026</time> – <time datetime="2026-03-02">02.03.2026'
        in html
    )
    assert "Teilnehmende (1)" in html  # the words stay German


def test_a_language_without_a_catalog_falls_back_to_english(site, caplog):
    language.plugin_translations.cache_clear()
    site.member("ada", "Ada")
    site.event("retreat", "Retreat", "2026-03-01", "ada", end="2026-03-02")
    caplog.set_level(logging.DEBUG, logger="pelican.plugins.member_avatars")
    result = site.build(caplog, DEFAULT_LANG="it", AVATAR_OFFLINE=True)
    assert result.warnings == []
    assert ">Members</h2>" in site.page("members/index.html")
    html = site.page("events/retreat/index.html")
    assert "Attendees (1)" in html
    # No catalog, but CLDR knows how Italian writes dates.
    assert '<time datetime="2026-03-01">01</time>–<time datetime="2026-03-02">02 marzo 2026' in html
    lines = [r.getMessage() for r in caplog.records if "no catalog of the plugin" in r.getMessage()]
    assert lines == [
        "[member_avatars] no catalog of the plugin for language 'it': its pages stay English"
    ]


def test_a_language_cldr_does_not_know_is_english_throughout(site):
    language.locale_of.cache_clear()
    site.member("ada", "Ada")
    site.event("retreat", "Retreat", "2026-03-01", "ada", end="2026-03-02")
    site.build(DEFAULT_LANG="xx", AVATAR_OFFLINE=True)
    html = site.page("events/retreat/index.html")
    assert "Attendees (1)" in html
    # CLDR's English range: thin spaces around the dash.
    assert '">March 1</time>\u2009–\u2009<time datetime="2026-03-02">2, 2026</time>' in html


def test_a_themes_own_catalog_rewords_what_it_has_and_the_plugins_translates_the_rest(
    site, tmp_path
):
    theme = tmp_path / "theme"
    shutil.copytree(NOTMYIDEA, theme)
    catalog = Catalog(locale="de")
    catalog.add("Members", "Unsere Leute")
    folder = theme / "translations" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    site.member("ada", "Ada", groups="North")
    site.member("bob", "Bob")
    site.build(THEME=str(theme), DEFAULT_LANG="de", AVATAR_OFFLINE=True)
    text = page_text(site.page("members/index.html"), "member-avatars-page")
    assert "Unsere Leute" in text  # the theme's word
    assert "Ohne Gruppe" in text  # the plugin's
    assert "Mitglieder" not in text


def two_language_event(site: Site) -> None:
    site.member("ada", "Ada Lovelace", groups="North")
    site.member("bob", "Bob Builder")
    site.event("retreat", "Code Retreat", "2026-03-01", "ada, bob", end="2026-03-02", group="North")
    site.write(
        "events/retreat-de.md",
        "Title: Code-Retreat\nDate: 2026-03-01\nEnd: 2026-03-02\nLang: de\nSlug: retreat\n\n"
        "Ein Tag, viele Paare.\n",
    )


def test_an_event_in_two_languages_has_a_page_in_each_with_one_attendee_list(site):
    two_language_event(site)
    site.build(AVATAR_OFFLINE=True)
    english = site.page("events/retreat/index.html")
    german = site.page("events/retreat-de/index.html")
    assert '<link rel="alternate" hreflang="de" href="/events/retreat-de/">' in english
    assert '<link rel="alternate" hreflang="en" href="/events/retreat/">' in german
    assert 'hreflang="de" lang="de">Deutsch</a>' in english
    assert 'hreflang="en" lang="en">English</a>' in german
    assert 'lang="de"' in german
    assert "Ein Tag, viele Paare." in german
    # The German page shows the attendees of the one list, and its dates in German.
    assert [a.slug for a in avatars_in(german)] == ["ada", "bob"]
    assert "2. März 2026" in german
    # Listed once: on the events index, the group and the profiles.
    for page in ("events/index.html", "groups/north/index.html", "members/ada/index.html"):
        html = site.page(page)
        assert html.count('href="/events/retreat/"') == 1, page
        assert "retreat-de" not in html, page


def test_i18n_subsites_gets_each_language_its_own_pages_and_avatars_once(site):
    """The real i18n_subsites plugin, run in its own process: it connects to Pelican's signals
    for as long as the process lives."""
    two_language_event(site)
    result = site.build_cli(
        PLUGINS=["pelican.plugins.member_avatars", "pelican.plugins.i18n_subsites"],
        JINJA_ENVIRONMENT={"extensions": ["jinja2.ext.i18n"]},
        I18N_SUBSITES={"de": {}},
        THEME="notmyidea",
        AVATAR_OFFLINE=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    log = result.stdout + result.stderr
    # Resolved once for both sites: one summary line.
    assert len(re.findall(r"Avatars: ", log)) == 1, log

    def page(relative: str) -> str:
        return (site.out / relative).read_text(encoding="utf-8")

    main, sub = page("members/index.html"), page("de/members/index.html")
    assert ">Members</h2>" in main
    assert ">Mitglieder</h2>" in sub
    assert 'href="/members/ada/"' in main
    assert 'href="/de/members/ada/"' in sub
    assert 'href="/members/ada/"' not in sub
    assert [a.data for a in avatars_in(sub)] == [a.data for a in avatars_in(main)]
    assert all(a.attrs["src"].startswith("data:") for a in avatars_in(sub))
    assert "1 Mitglied" in page("de/groups/north/index.html")
    assert "Teilnehmende (2)" in page("de/events/retreat/index.html")
    assert "Ein Tag, viele Paare." in page("de/events/retreat/index.html")
    # Each language's event page lives in its own sub-site, linked from the other.
    assert 'hreflang="de" href="/de/events/retreat/"' in page("events/retreat/index.html")
    assert 'hreflang="en" href="/de/../events/retreat/"' in page("de/events/retreat/index.html")
    assert not (site.out / "events" / "retreat-de").exists()
    assert not (site.out / "de" / "events" / "retreat-en").exists()


def test_translation_pages_follow_event_lang_url_where_the_site_sets_it(site):
    two_language_event(site)
    site.build(
        AVATAR_OFFLINE=True,
        EVENT_LANG_URL="{lang}/events/{slug}/",
        EVENT_LANG_SAVE_AS="{lang}/events/{slug}/index.html",
    )
    assert 'hreflang="de" href="/de/events/retreat/"' in site.page("events/retreat/index.html")
    assert "Ein Tag, viele Paare." in site.page("de/events/retreat/index.html")


def test_a_lang_that_is_no_language_code_is_refused_with_a_warning(site, caplog):
    site.member("ada", "Ada")
    site.write(
        "events/escape.md",
        "Title: Escape\nDate: 2026-03-01\nSlug: party\nLang: ../../../outside\n\nx\n",
    )
    site.write("events/party.md", "Title: Party\nDate: 2026-03-01\nAttendees: ada\n\ny\n")
    result = site.build(caplog, AVATAR_OFFLINE=True)
    assert (
        "[member_avatars] events/escape.md: Lang '../../../outside' is not a language code; "
        "using 'en'" in result.warnings
    )
    assert not (site.root / "outside").exists()
    assert list(site.out.glob("events/party*")) == [site.out / "events" / "party"]


@pytest.mark.parametrize("damage", [b"not a catalog", b"\xde\x12\x04\x95" + b"\xff" * 40])
def test_a_damaged_theme_catalog_gives_a_warning_naming_it_and_the_build_goes_on(
    site, tmp_path, caplog, damage
):
    theme = tmp_path / "theme"
    shutil.copytree(NOTMYIDEA, theme)
    mo = theme / "translations" / "de" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(damage)
    site.member("ada", "Ada")
    result = site.build(caplog, THEME=str(theme), DEFAULT_LANG="de", AVATAR_OFFLINE=True)
    assert any(
        w.startswith(f"[member_avatars] {mo}: not a gettext catalog") for w in result.warnings
    ), result.warnings
    assert ">Mitglieder</h2>" in site.page("members/index.html")

"""language.py: dates, ranges and counts by CLDR without system locales, the layering of a
theme's catalog over the plugin's, and the Jinja environment the plugin prepares."""

from __future__ import annotations

import gettext
from datetime import date, datetime

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from jinja2 import Environment
from pelican.plugins.member_avatars import language
from pelican.plugins.member_avatars.content.models import DateRange

# CLDR's dash between the parts of a range that each name a month: thin spaces around it.
THIN = "\u2009–\u2009"


@pytest.mark.parametrize(
    ("lang", "first", "last", "expected"),
    [
        ("de", date(2026, 8, 27), date(2026, 8, 29), ("27.", "–", "29. August 2026")),
        ("de", date(2026, 8, 27), date(2026, 9, 2), ("27. August", THIN, "2. September 2026")),
        ("de", date(2026, 12, 30), date(2027, 1, 2), ("30. Dezember 2026", THIN, "2. Januar 2027")),
        ("fr", date(2026, 8, 27), date(2026, 8, 29), ("27", "–", "29 août 2026")),
        ("es", date(2026, 8, 27), date(2026, 8, 29), ("27", "–", "29 de agosto de 2026")),
        ("en", date(2026, 8, 27), date(2026, 8, 29), ("August 27", THIN, "29, 2026")),
    ],
)
def test_ranges_read_as_the_language_writes_them(lang, first, last, expected):
    days = language.day_range(first, last, lang, {})
    assert days == DateRange(*expected)
    assert str(days) == "".join(expected)


def test_dates_by_cldr_and_a_date_formats_entry_wins():
    day = datetime(2026, 3, 12, 18, 30)
    assert language.format_day(day, "de", {}) == "12. März 2026"
    assert language.format_day(day, "fr", {}) == "12 mars 2026"
    assert language.format_day(day.date(), "de", {"DATE_FORMATS": {"de": "%d.%m.%Y"}}) == (
        "12.03.2026"
    )
    # Pelican's (locale, format) pair: the format counts, the locale needs the system's.
    pair = {"DATE_FORMATS": {"de": ("de_DE.UTF-8", "%Y-%m-%d")}}
    assert language.format_day(day, "de", pair) == "2026-03-12"
    assert language.day_range(day, datetime(2026, 3, 13), "de", pair) == DateRange(
        "2026-03-12", " – ", "2026-03-13"
    )


def test_counts_with_the_languages_digits():
    assert language.format_number(12345, "de") == "12.345"
    assert language.format_number(12345, "fr") == "12\u202f345"
    assert language.format_number(12345, "en") == "12,345"


def test_language_names_in_themselves():
    assert language.language_name("de") == "Deutsch"
    assert language.language_name("fr") == "Français"
    assert language.language_name("pt-br") == "Português (Brasil)"
    assert language.language_name("not a language") == "not a language"


def test_a_code_cldr_does_not_know_gives_english():
    language.locale_of.cache_clear()
    assert str(language.locale_of("xx")) == "en"
    assert str(language.locale_of("de-AT")) == "de_AT"


def render(env: Environment, source: str, **context: object) -> str:
    return env.from_string(source).render(**context)


def theme_catalog(tmp_path, lang: str, messages: dict[str, str]) -> str:
    catalog = Catalog(locale=lang)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    folder = tmp_path / "theme" / "translations" / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    return str(tmp_path / "theme")


def test_the_themes_catalog_first_then_the_plugins_then_english(tmp_path):
    theme = theme_catalog(tmp_path, "de", {"Members": "Leute"})
    env = Environment(autoescape=True)
    settings = {"DEFAULT_LANG": "de", "THEME": theme}
    language.prepare_environment(env, settings)
    language.prepare_environment(env, settings)  # a second time changes nothing
    source = (
        "{% trans %}Members{% endtrans %}|{% trans %}Not in a group{% endtrans %}|{{ _('Hi') }}"
    )
    assert render(env, source) == "Leute|Ohne Gruppe|Hi"
    count = (
        "{% trans count=n, people=n|format_number %}{{ people }} member"
        "{% pluralize count %}{{ people }} members{% endtrans %}"
    )
    assert [render(env, count, n=n, DEFAULT_LANG="de") for n in (1, 2, 1234)] == [
        "1 Mitglied",
        "2 Mitglieder",
        "1.234 Mitglieder",
    ]


def test_what_i18n_subsites_installs_later_keeps_the_plugins_catalog_behind(tmp_path):
    env = Environment(autoescape=True)
    language.prepare_environment(env, {"DEFAULT_LANG": "fr", "THEME": str(tmp_path)})
    # i18n_subsites, for a theme without a catalog: NullTranslations.
    env.install_gettext_translations(gettext.NullTranslations(), True)  # type: ignore[attr-defined]
    assert render(env, "{% trans %}Members{% endtrans %}") == "Membres"
    env.install_null_translations(True)  # type: ignore[attr-defined]
    assert render(env, "{% trans %}Members{% endtrans %}") == "Membres"
    # For a theme with one: the theme's, then the plugin's, even behind the theme's own
    # fallback chain; the theme's object itself is left as it was.
    theme = gettext.translation(
        "messages", theme_catalog(tmp_path, "fr", {"Events": "Rencontres"}) + "/translations",
        ["fr"],
    )
    theme.add_fallback(gettext.NullTranslations())
    env.install_gettext_translations(theme, True)  # type: ignore[attr-defined]
    assert render(env, "{% trans %}Events{% endtrans %}|{% trans %}Members{% endtrans %}") == (
        "Rencontres|Membres"
    )
    assert theme.gettext("Members") == "Members"


def test_filters_leave_what_is_not_a_date_or_a_number_as_it_is():
    env = Environment(autoescape=True)
    language.prepare_environment(env, {"DEFAULT_LANG": "de"})
    assert render(env, "{{ x|format_date }}", x="soon", DEFAULT_LANG="de") == "soon"
    assert render(env, "{{ x|format_number }}", x="many", DEFAULT_LANG="de") == "many"
    assert render(env, "{{ x|format_date }}", x=date(2026, 5, 1), DEFAULT_LANG="es") == (
        "1 de mayo de 2026"
    )


def test_a_sites_own_filter_of_the_same_name_wins():
    env = Environment(autoescape=True)
    env.filters["format_date"] = lambda value: "mine"
    language.prepare_environment(env, {"DEFAULT_LANG": "de"})
    assert render(env, "{{ x|format_date }}", x=date(2026, 5, 1)) == "mine"

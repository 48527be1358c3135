"""The site's language on the pages: gettext catalogs for Jinja, and dates and numbers written
by the language's own rules (Babel's CLDR data), with no system locale.

The language is Pelican's `DEFAULT_LANG`, per site: the i18n_subsites plugin gives each
sub-site its own. The plugin's catalogs (translations/<lang>/LC_MESSAGES/messages.mo) are the
fallback of the theme's own (`THEME/translations`, as Pelican themes and i18n_subsites keep
them): a theme translates or rewords any string it has, the plugin's catalog the rest, English
what neither has.
"""

from __future__ import annotations

import copy
import functools
import gettext
import os
import re
import struct
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, parse_pattern
from babel.numbers import format_decimal
from jinja2 import Environment, pass_context
from pelican.utils import strftime

from .avatars.results import Outcome
from .content.models import DateRange
from .log import get_logger
from .settings.config import AvatarConfig, config_of

logger = get_logger(__name__)

TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")
DOMAIN = "messages"
I18N = "jinja2.ext.i18n"
FALLBACK = "en"
# The date of a day, month written out: "27. August 2026", "27 août 2026", "August 27, 2026".
SKELETON = "yMMMMd"
# What stands between the two days of a range at the end of its first part ("27.–", "Aug 27 – ").
_BETWEEN = re.compile(r"\s*[–—-]\s*$")
# A three-letter month ("MMM", not part of "MMMM"): widened in the range patterns of CLDR, which
# has the abbreviated month only ("yMMMd"), as its rules for adjusting field widths allow.
_SHORT_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def site_language(settings: Mapping[str, Any] | Any) -> str:
    """The site's language, as Pelican's settings (or a template's context) name it ("de",
    "pt_BR", "pt-br")."""
    return str(settings.get("DEFAULT_LANG") or FALLBACK).strip() or FALLBACK


@functools.lru_cache(maxsize=32)
def locale_of(lang: str) -> Locale:
    """Babel's locale of a language code; English for a code CLDR does not know."""
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        logger.debug("language %r is unknown to CLDR: dates and numbers in English", lang)
        return Locale.parse(FALLBACK)


# --- Templates --------------------------------------------------------------------------------
@functools.lru_cache(maxsize=32)
def plugin_translations(lang: str) -> gettext.NullTranslations:
    """The plugin's catalog of a language, or none (English, with one debug line)."""
    try:
        return gettext.translation(DOMAIN, TRANSLATIONS, [lang.replace("-", "_")])
    except OSError:
        logger.debug("no catalog of the plugin for language %r: its pages stay English", lang)
        return gettext.NullTranslations()


def theme_translations(settings: Mapping[str, Any]) -> gettext.NullTranslations | None:
    """The theme's own catalog of the site's language, where i18n_subsites looks for it
    (I18N_GETTEXT_LOCALEDIR, else THEME/translations; I18N_GETTEXT_DOMAIN), or None."""
    localedir = settings.get("I18N_GETTEXT_LOCALEDIR") or os.path.join(
        str(settings.get("THEME", "")), "translations"
    )
    domain = settings.get("I18N_GETTEXT_DOMAIN") or DOMAIN
    lang = site_language(settings).replace("-", "_")
    found = gettext.find(domain, localedir, [lang])
    if found is None:
        return None
    try:
        return gettext.translation(domain, localedir, [lang])
    except (OSError, ValueError, LookupError, struct.error) as error:
        # A damaged or truncated .mo: the plugin's catalog stands in, and the build goes on.
        logger.warning("%s: not a gettext catalog (%s); the plugin's catalog is used", found, error)
        return None


def layered(first: gettext.NullTranslations, then: gettext.NullTranslations) -> Any:
    """`first`, asking `then` for what neither it nor its own fallbacks know; `first` itself is
    left as it was (gettext shares its objects between callers)."""
    if type(first) is gettext.NullTranslations and getattr(first, "_fallback", None) is None:
        return then  # knows nothing: the gettext of NullTranslations returns its message
    top = copy.copy(first)
    # The standard library keeps the fallback chain in `_fallback`; `add_fallback` would append
    # to the shared objects behind a copy.
    behind = getattr(first, "_fallback", None)
    setattr(top, "_fallback", layered(behind, then) if behind is not None else then)  # noqa: B010
    return top


def install_translations(env: Environment, settings: Mapping[str, Any]) -> None:
    """Give a Jinja environment `jinja2.ext.i18n` with the theme's catalog over the plugin's,
    in the site's language, and keep the plugin's catalog behind whatever is installed later:
    i18n_subsites installs the theme's catalog, or NullTranslations when the theme has none,
    into every generator's environment after the plugin did."""
    if not any(name.endswith("InternationalizationExtension") for name in env.extensions):
        env.add_extension(I18N)
    plugin = plugin_translations(site_language(settings))
    install: Callable[..., None] = env.install_gettext_translations  # type: ignore[attr-defined]
    if getattr(install, "keeps_plugin_catalog", False):
        return  # installed once already (a generator made twice in one build)

    def install_over_plugin(translations: Any, newstyle: bool | None = None) -> None:
        install(layered(translations, plugin), newstyle)

    def install_null_over_plugin(newstyle: bool | None = None) -> None:
        install(plugin, newstyle)

    install_over_plugin.keeps_plugin_catalog = True  # type: ignore[attr-defined]
    env.install_gettext_translations = install_over_plugin  # type: ignore[attr-defined]
    env.install_null_translations = install_null_over_plugin  # type: ignore[attr-defined]
    theme = theme_translations(settings) or gettext.NullTranslations()
    install_over_plugin(theme, bool(settings.get("I18N_GETTEXT_NEWSTYLE", True)))


def prepare_environment(env: Environment, settings: Mapping[str, Any]) -> None:
    """Everything a template needs for the site's language: the translations, and the
    `format_date` and `format_number` filters (a site's own JINJA_FILTERS of those names win)."""
    install_translations(env, settings)
    for name, function in JINJA_FILTERS.items():
        env.filters.setdefault(name, function)


# --- Dates and numbers --------------------------------------------------------------------------
def date_format_of(settings: Mapping[str, Any] | Any, lang: str) -> str | None:
    """The site's own `DATE_FORMATS` entry for a language (Pelican's rule: it wins), or None.

    A (locale, format) pair counts by its format: the locale needs the system's locales."""
    formats = settings.get("DATE_FORMATS") or {}
    fmt = formats.get(lang)
    if isinstance(fmt, tuple | list):
        fmt = fmt[-1] if fmt else None
    return str(fmt) if fmt else None


def as_datetime(day: date) -> datetime:
    """Pelican's strftime takes a datetime (its dates are)."""
    return day if isinstance(day, datetime) else datetime.combine(day, time())


def format_day(day: date, lang: str, settings: Mapping[str, Any] | Any) -> str:
    """A date as the language writes it ("27. August 2026"), unless DATE_FORMATS says how."""
    fmt = date_format_of(settings, lang)
    if fmt is not None:
        return str(strftime(as_datetime(day), fmt))
    return format_skeleton(SKELETON, day, locale=locale_of(lang))


def day_range(first: date, last: date, lang: str, settings: Mapping[str, Any]) -> DateRange:
    """The days of an event as the language writes a range: "27.–29. August 2026",
    "August 27 – 29, 2026", "27–29 août 2026"; in two parts, each for its own <time>."""
    fmt = date_format_of(settings, lang)
    if fmt is not None:
        return DateRange(format_day(first, lang, settings), " – ", format_day(last, lang, settings))
    locale = locale_of(lang)
    formats = locale.interval_formats
    skeleton = SKELETON if SKELETON in formats else "yMMMd"
    if skeleton not in formats:
        return DateRange(format_day(first, lang, settings), " – ", format_day(last, lang, settings))
    parts = formats[skeleton]
    # The largest field that differs picks the pattern: another year, month, or only the day.
    differs = [a != b for a, b in zip(fields(first), fields(last), strict=True)]
    field = "yMd"[differs.index(True)] if True in differs else "d"
    start, end = (_SHORT_MONTH.sub("MMMM", pattern) for pattern in parts[field])
    head = parse_pattern(start).apply(first, locale)
    tail = parse_pattern(end).apply(last, locale)
    between = _BETWEEN.search(head)
    if between is None:
        return DateRange(head, "", tail)
    return DateRange(head[: between.start()], between.group(), tail)


def fields(day: date) -> tuple[int, int, int]:
    """Year, month and day: the fields of a range pattern, largest first."""
    return day.year, day.month, day.day


def date_events(events: Iterable[Any], settings: Mapping[str, Any]) -> None:
    """Write each event's dates in its language, once: an event is listed on many pages."""
    for event in events:
        lang = str(getattr(event, "lang", "") or site_language(settings))
        event.locale_date = format_day(event.date, lang, settings)
        if event.end_iso:
            event.date_range = day_range(event.date, event.end, lang, settings)
            event.locale_end_date = format_day(event.end, lang, settings)
        else:
            event.date_range = DateRange(event.locale_date, "", "")


def format_number(number: Any, lang: str) -> str:
    """A count with the language's digits and grouping ("1.234", "1 234", "1,234")."""
    return str(format_decimal(number, locale=locale_of(lang)))


@pass_context
def format_date_filter(context: Any, day: Any) -> str:
    """Jinja filter `format_date`: a date (an article's, say) in the site's language, or as the
    site's DATE_FORMATS entry for it says."""
    if not isinstance(day, date):
        return str(day)
    return format_day(day, site_language(context), context)


@pass_context
def format_number_filter(context: Any, number: Any) -> str:
    """Jinja filter `format_number`: a count with the site language's digits and grouping."""
    try:
        return format_number(number, site_language(context))
    except (TypeError, ValueError, ArithmeticError):
        return str(number)


def language_name(lang: Any) -> str:
    """Jinja filter `language_name`: a language's name in itself ("Deutsch", "Français"), as
    a link to a translation shows it."""
    code = str(lang or "")
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


JINJA_FILTERS: dict[str, Callable[..., str]] = {
    "format_date": format_date_filter,
    "format_number": format_number_filter,
    "language_name": language_name,
}


# --- Sub-sites of i18n_subsites ---------------------------------------------------------------
# i18n_subsites builds each sub-site inside the main site's build (from its get_writer signal),
# from a copy of the main site's settings: the same content and the very same checked
# AvatarConfig. The avatars the main site resolved serve every sub-site, so a site in four
# languages reads, fetches and encodes each avatar once. Kept from the main site's
# generate_context until its build is finalized.
_SHARED: dict[int, tuple[AvatarConfig, list[Outcome], str]] = {}


def subsite_role(settings: Mapping[str, Any]) -> str | None:
    """"main" or "sub" in a build with I18N_SUBSITES, else None."""
    subsites = settings.get("I18N_SUBSITES") or {}
    if not subsites:
        return None
    return "sub" if site_language(settings) in subsites else "main"


def shared_outcomes(settings: Mapping[str, Any]) -> list[Outcome] | None:
    """In a sub-site, the avatars its main site resolved (None elsewhere)."""
    if subsite_role(settings) != "sub":
        return None
    config = config_of(settings)
    kept = _SHARED.get(id(config))
    if kept is None or kept[0] is not config:
        return None
    logger.debug("sub-site %r: the main site's avatars", site_language(settings))
    return kept[1]


def main_language(settings: Mapping[str, Any]) -> str:
    """The main site's language: in a sub-site, the language of content without `Lang`."""
    if subsite_role(settings) == "sub":
        kept = _SHARED.get(id(config_of(settings)))
        if kept is not None and kept[0] is config_of(settings):
            return kept[2]
    return site_language(settings)


def place_unmarked_content(items: Iterable[Any], settings: Mapping[str, Any]) -> None:
    """In a sub-site, a file without `Lang` is in the main site's language (Pelican gave it
    the sub-site's, which i18n_subsites sets as DEFAULT_LANG)."""
    lang = main_language(settings)
    if lang == site_language(settings):
        return
    for item in items:
        if "lang" not in item.metadata:
            item.lang = lang
            item.in_default_lang = False


def share_outcomes(settings: Mapping[str, Any], outcomes: list[Outcome]) -> None:
    """In the main site of a build with sub-sites, keep its avatars for them."""
    if subsite_role(settings) == "main":
        config = config_of(settings)
        _SHARED[id(config)] = (config, outcomes, site_language(settings))


def release_outcomes(settings: Mapping[str, Any]) -> None:
    """The main site's build is over: its sub-sites, built inside it, are done too."""
    if subsite_role(settings) == "main":
        _SHARED.pop(id(config_of(settings)), None)

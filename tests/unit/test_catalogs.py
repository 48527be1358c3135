"""The gettext catalogs (`make catalogs`): complete for every string of the templates, in every
shipped language, with CLDR's plural forms, the same placeholders, and compiled .mo files that
say what the .po files say."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "plugin" / "pelican" / "plugins" / "member_avatars"
# The plugin's catalogs, and the example theme's own (Pelican's THEME/translations).
CATALOG_ROOTS = {"plugin": PLUGIN, "example theme": ROOT / "site"}
LANGUAGES = ("en", "de", "fr", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def template_strings(root: Path) -> set[str | tuple[str, str]]:
    """Every string the templates mark, as babel.cfg extracts it (a plural as its two forms)."""
    method_map = [("**.html", "jinja2")]
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root / "templates"), method_map
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def catalog(root: Path, lang: str):
    with open(root / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


CASES = [(name, lang) for name in CATALOG_ROOTS for lang in LANGUAGES]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_template_string_is_translated_and_every_catalog_string_is_used(name, lang):
    root = CATALOG_ROOTS[name]
    strings = template_strings(root)
    assert len(strings) > 10
    messages = {
        (m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalog(root, lang) if m.id
    }
    missing = sorted(map(str, strings - messages.keys()))
    unused = sorted(map(str, messages.keys() - strings))
    assert missing == [], f"{name} {lang}: not in the catalog (run `make catalogs`)"
    assert unused == [], f"{name} {lang}: no template uses these (run `make catalogs`)"
    untranslated = [
        str(key)
        for key, m in messages.items()
        if not all(m.string if isinstance(m.string, tuple) else [m.string])
        or "fuzzy" in m.flags
    ]
    assert untranslated == [], f"{name} {lang}: to translate"


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_translations_keep_every_placeholder(name, lang):
    for message in catalog(CATALOG_ROOTS[name], lang):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, (name, lang, message.id, form)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_plural_forms_are_cldrs(name, lang):
    po = catalog(CATALOG_ROOTS[name], lang)
    plural = get_plural(lang)
    assert po.plural_forms == plural.plural_forms
    for message in po:
        if message.id and not isinstance(message.id, str):
            assert len(message.string) == plural.num_plurals, message.id


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_compiled_catalogs_say_what_the_po_files_say(name, lang):
    root = CATALOG_ROOTS[name]
    with open(root / "translations" / lang / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for message in catalog(root, lang):
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string
        else:
            singular, plural = message.id
            assert compiled.ngettext(singular, plural, 1) == message.string[0]


def test_german_counts_read_as_a_german_writes_them():
    translations = gettext.translation("messages", PLUGIN / "translations", ["de"])
    member = translations.ngettext("%(people)s member", "%(people)s members", 1)
    members = translations.ngettext("%(people)s member", "%(people)s members", 2)
    assert (member % {"people": 1}, members % {"people": 2}) == ("1 Mitglied", "2 Mitglieder")
    assert translations.gettext("Not in a group") == "Ohne Gruppe"


def test_the_package_ships_the_catalogs():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"translations/**/*.mo"' in pyproject
    assert re.search(r'^\s*"babel>=', pyproject, re.MULTILINE)

"""The settings table is the one place a setting is defined: the config object, the defaults,
the rules and the documented settings table all agree with it."""

import dataclasses
import re
from pathlib import Path

import pytest
from pelican.plugins.member_avatars.settings.choices import Source
from pelican.plugins.member_avatars.settings.table import (
    PAGES,
    SETTINGS,
    AvatarConfig,
    markdown_table,
    shown_default,
)

# The page whose settings table documents every setting (one path to change when it moves).
DOCUMENTED_IN = Path(__file__).parents[3] / "docs" / "settings.md"
ROW = re.compile(r"^\| `(?P<name>[A-Z_]+)` \| `(?P<default>[^`]*)` \|")


def documented_defaults(path: Path) -> dict[str, str]:
    """The settings table of a Markdown page: setting name to default, as written."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match["name"] not in rows, f"{match['name']} is documented twice in {path}"
            rows[match["name"]] = match["default"]
    return rows


def test_every_setting_is_documented_with_its_default_and_nothing_else():
    documented = documented_defaults(DOCUMENTED_IN)
    expected = {setting.name: shown_default(setting) for setting in SETTINGS}
    assert documented == expected, (
        f"{DOCUMENTED_IN.name}'s settings table differs from the settings table; its lines are "
        "printed by `python tools/settings_table.py`"
    )


def test_the_printed_table_has_one_line_per_setting():
    lines = markdown_table().splitlines()
    assert len(lines) == 2 + len(SETTINGS)
    assert {ROW.match(line)["name"] for line in lines[2:]} == {s.name for s in SETTINGS}


def test_every_setting_is_named_once():
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names))


def test_each_field_of_the_config_is_filled_by_the_table():
    fields = {field.name for field in dataclasses.fields(AvatarConfig)}
    filled = [setting.field for setting in SETTINGS if setting.field != PAGES]
    assert len(filled) == len(set(filled)), "two settings fill one field"
    assert set(filled) | {PAGES} == fields


def test_only_url_and_save_as_settings_are_pages():
    pages = {setting.name for setting in SETTINGS if setting.field == PAGES}
    services = {
        s.name for s in SETTINGS if s.name.startswith("AVATAR_") and s.name.endswith("_URL")
    }
    assert services == {
        "AVATAR_GRAVATAR_URL",
        "AVATAR_GITHUB_URL",
        "AVATAR_MASTODON_URL",
        "AVATAR_BLUESKY_URL",
        "AVATAR_CODEBERG_URL",
        "AVATAR_LIBRAVATAR_URL",
    }
    urls = {s.name for s in SETTINGS if s.name.endswith(("_URL", "_SAVE_AS"))}
    assert pages == urls - services


# AVATAR_CACHE_PATH's default is derived from CACHE_PATH at start.
@pytest.mark.parametrize(
    "setting",
    [setting for setting in SETTINGS if setting.name != "AVATAR_CACHE_PATH"],
    ids=lambda setting: setting.name,
)
def test_each_default_passes_its_own_rule(setting):
    normalised = setting.rule(setting.name, setting.fresh_default())
    assert setting.convert(normalised) is not None or setting.default is None


def test_each_row_has_a_one_line_doc():
    for setting in SETTINGS:
        assert setting.doc.strip(), setting.name
        assert "\n" not in setting.doc, setting.name


def test_the_default_sources_stay_as_they_were_and_the_avatar_url_is_not_settable():
    settable = Source.settable()
    assert Source.AVATAR_URL not in settable
    default = next(s.default for s in SETTINGS if s.name == "AVATAR_SOURCES")
    assert default == ["upload", "gravatar", "github", "generated"]
    # The sources a site adds: settable, not in the default.
    added = {"mastodon", "bluesky", "codeberg", "libravatar"}
    assert {source.value for source in settable} == set(default) | added

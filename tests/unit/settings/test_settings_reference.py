"""The settings reference (docs/settings.md) and the plugin's defaults agree: every setting is
documented, nothing is documented that does not exist, and every default written as a Python
value there is the default the plugin applies."""

import ast
import re
from pathlib import Path

from pelican.plugins.member_avatars.settings.defaults import DEFAULTS

PAGE = Path(__file__).resolve().parents[3] / "docs" / "settings.md"


def documented() -> dict[str, str]:
    """Each setting of the page's table, with the text of its default."""
    found = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        names_cell, default_cell = (cell.strip() for cell in line.strip("|").split("|")[:2])
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", names_cell)
        defaults = re.findall(r"`([^`]*)`", default_cell) if " / " in default_cell else []
        if len(names) > 1:
            assert len(defaults) == len(names), f"{names}: one default each, ' / ' between"
            found.update(zip(names, (f"`{text}`" for text in defaults), strict=True))
        else:
            found[names[0]] = default_cell
    return found


def test_every_setting_is_documented_and_nothing_else():
    assert set(documented()) == set(DEFAULTS)


def test_every_default_written_as_a_value_is_the_plugins():
    checked, wrong = 0, []
    for name, text in documented().items():
        literal = re.fullmatch(r"`([^`]*)`(?: \(.*\))?", text)
        try:
            value = ast.literal_eval(literal.group(1)) if literal else None
        except (SyntaxError, ValueError):  # described, not a value: `<CACHE_PATH>/avatars`
            continue
        if literal is None:
            continue
        checked += 1
        if value != DEFAULTS[name]:
            wrong.append(f"{name}: the page says {literal.group(1)}, the plugin {DEFAULTS[name]!r}")
    assert wrong == []
    assert checked >= len(DEFAULTS) - 1


def test_the_cache_path_default_is_described():
    assert DEFAULTS["AVATAR_CACHE_PATH"] is None
    assert documented()["AVATAR_CACHE_PATH"] == "`<CACHE_PATH>/avatars`"

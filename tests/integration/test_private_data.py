"""MEMBER_PRIVATE_DATA: e-mail addresses outside the repository, by slug, for members and
guests; refused inside PATH or OUTPUT_PATH; a missing file only warns."""

from __future__ import annotations

import json

import pytest
from avatar_server import gravatar_hash, make_jpeg
from helpers import near, plugin_warnings

RED, BLUE = (200, 30, 30), (30, 60, 210)
PRIVATE = {
    "ada": "ada.private@example.org",
    "data-row": "row.private@example.org",
    "gwen-guest": "gwen.private@example.org",
}


@pytest.fixture
def private_site(site, avatar_server):
    """Members in a file and a data file and a guest, none with an address of their own
    except Ada, whose own (blue) address loses to the private (red) one."""
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url)
    for address in PRIVATE.values():
        avatar_server.set_gravatar(gravatar_hash(address), make_jpeg(RED))
    avatar_server.set_gravatar(gravatar_hash("ada.public@example.org"), make_jpeg(BLUE))
    site.member("ada", "Ada Lovelace", email="ada.public@example.org")
    site.write("members/rows.yaml", "- Name: Data Row\n")
    site.write("events/e.csv", "Name\nGwen Guest\n")
    site.write("events/e.md", "Title: E\nDate: 2026-01-01\nAttendees-File: events/e.csv\n\nx\n")
    return site


def write_private(path, rows: dict[str, str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        path.write_text("Slug,Email\n" + "".join(f"{s},{e}\n" for s, e in rows.items()))
    else:
        path.write_text(json.dumps([{"Slug": s, "Email": e} for s, e in rows.items()]))
    return str(path)


def assert_private_addresses_used(site):
    for page, slug in [
        ("members/index.html", "ada"),
        ("members/index.html", "data-row"),
        ("events/e/index.html", "gwen-guest"),
    ]:
        assert near(site.avatar(page, slug).centre_colour(), RED), slug


@pytest.mark.parametrize("name", ["private.csv", "private.json", "private.yaml"])
def test_private_addresses_from_the_setting_win(private_site, caplog, name):
    path = private_site.root / "secrets" / name
    if name.endswith(".yaml"):
        path.parent.mkdir(parents=True)
        path.write_text("".join(f"- Slug: {s}\n  Email: {e}\n" for s, e in PRIVATE.items()))
        setting = str(path)
    else:
        setting = write_private(path, PRIVATE)
    result = private_site.build(caplog, MEMBER_PRIVATE_DATA=setting)
    assert plugin_warnings(result.warnings) == []
    assert_private_addresses_used(private_site)


def test_the_environment_variable_wins_over_the_setting(private_site, caplog, monkeypatch):
    real = write_private(private_site.root / "secrets" / "env.csv", PRIVATE)
    monkeypatch.setenv("MEMBER_PRIVATE_DATA", real)
    result = private_site.build(caplog, MEMBER_PRIVATE_DATA=str(private_site.root / "nope.csv"))
    assert plugin_warnings(result.warnings) == []
    assert_private_addresses_used(private_site)


def test_a_missing_file_and_unknown_or_bad_rows_warn_without_the_address(private_site, caplog):
    missing = str(private_site.root / "secrets" / "missing.yaml")
    result = private_site.build(caplog, MEMBER_PRIVATE_DATA=missing)
    assert plugin_warnings(result.warnings) == [
        f"[member_avatars] MEMBER_PRIVATE_DATA: {missing} does not exist; no private data used"
    ]
    assert near(private_site.avatar("members/index.html", "ada").centre_colour(), BLUE)

    rows = {**PRIVATE, "nobody": "nobody@example.org", "bad": "not-an-address", "": "x@y.org"}
    path = write_private(private_site.root / "secrets" / "p.csv", rows)
    result = private_site.build(caplog, MEMBER_PRIVATE_DATA=path)
    assert plugin_warnings(result.warnings) == [
        f"[member_avatars] MEMBER_PRIVATE_DATA: {path}, line 6: the Email of 'bad' is not an "
        "e-mail address; row skipped",
        f"[member_avatars] MEMBER_PRIVATE_DATA: {path}, line 7: no Slug; row skipped",
        "[member_avatars] MEMBER_PRIVATE_DATA: slug 'nobody' names no member or guest; its row "
        "is not used",
    ]
    assert "nobody@" not in caplog.text
    assert "not-an-address" not in caplog.text
    assert_private_addresses_used(private_site)


@pytest.mark.parametrize("where", ["content", "output"])
def test_a_private_file_inside_path_or_output_path_stops_the_build(site, where):
    site.member("ada", "Ada")
    inside = site.root / where / "private.csv"
    write_private(inside, {"ada": "ada@example.org"})
    done = site.build_cli(MEMBER_PRIVATE_DATA=str(inside), AVATAR_OFFLINE=True)
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() + done.stdout.splitlines() if line]
    assert any("MEMBER_PRIVATE_DATA" in line for line in errors), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "ada@example.org" not in done.stderr + done.stdout
    assert not (site.out / "members").exists()

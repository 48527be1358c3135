"""Member data files: YAML, JSON and CSV files in MEMBER_PATHS hold many members each, who are
members like any other (list, profile, groups, events, avatars); bad rows and bad files warn
and the rest builds."""

from __future__ import annotations

import codecs
import json
import time

import pytest
from helpers import plugin_warnings
from pelican.plugins.member_avatars.content.tables import MAX_TABLE_BYTES, read_table
from sitebuilder import plain_text

YAML_LIST = """\
- Name: Ada Lovelace
  Groups: [North, Testing]
  Bio: |
    Likes *engines*.

    Note: second paragraph.
- name: Bob Builder
  SLUG: bob
  groups: North
"""
YAML_MAPPING = """\
members:
  - Name: Ada Lovelace
    Groups:
      - North
      - Testing
    Bio: "Likes *engines*.\\n\\nNote: second paragraph."
  - Name: Bob Builder
    Slug: bob
    Groups: North
"""
JSON_TEXT = json.dumps(
    {
        "members": [
            {
                "Name": "Ada Lovelace",
                "Groups": ["North", "Testing"],
                "Bio": "Likes *engines*.\n\nNote: second paragraph.",
            },
            {"NAME": "Bob Builder", "Slug": "bob", "Groups": "North"},
        ]
    }
)
# A byte-order mark, quoted cells with commas and a line break inside.
CSV_TEXT = (
    codecs.BOM_UTF8.decode("utf-8")
    + 'Name,Slug,Groups,Bio\r\n"Ada Lovelace",,"North, Testing","Likes *engines*.\r\n\r\n'
    + 'Note: second paragraph."\r\nBob Builder,bob,North,\r\n'
)

FORMATS = [
    ("list.yaml", YAML_LIST),
    ("mapping.yml", YAML_MAPPING),
    ("people.json", JSON_TEXT),
    ("people.csv", CSV_TEXT),
]


@pytest.mark.parametrize(("name", "text"), FORMATS, ids=[row[0] for row in FORMATS])
def test_data_file_members_are_members_like_any_other(site, caplog, name, text):
    site.write(f"members/{name}", text)
    site.member("cy", "Cy Young", groups="Testing")
    site.event("meet", "Meetup", "2026-03-01", "bob, ada-lovelace, cy", group="North")
    result = site.build(caplog, AVATAR_OFFLINE=True)
    assert plugin_warnings(result.warnings) == []

    listed = [a.slug for a in site.avatars("members/index.html")]
    assert {"ada-lovelace", "bob", "cy"} <= set(listed)
    profile = site.page("members/ada-lovelace/index.html")
    # Bio is Markdown, rendered as the profile's body; "Note:" is text, not metadata.
    assert "<em>engines</em>" in profile
    assert "Note: second paragraph." in plain_text(profile)
    assert 'href="/groups/testing/"' in profile
    assert 'href="/events/meet/"' in profile
    assert {a.slug for a in site.avatars("groups/north/index.html")} == {"ada-lovelace", "bob"}
    assert {a.slug for a in site.avatars("groups/testing/index.html")} == {"ada-lovelace", "cy"}
    assert [a.slug for a in site.avatars("events/meet/index.html")] == ["bob", "ada-lovelace", "cy"]
    assert site.avatar("members/bob/index.html", "bob", 160).image().size == (320, 320)
    # The data file itself is never copied to the output.
    assert not [path for path in site.all_output() if path.endswith(name)]
    assert text.encode()[:40] not in b"".join(site.all_output().values())


def test_yaml_values_stay_as_written(site, caplog):
    site.write(
        "members/odd.yaml",
        """\
        - {Name: "NO", Slug: "010", Location: 2024-01-01, Gravatar: no, Profession: 1e3}
        - {Name: Tag Person, Location: !!python/object/apply:os.system ["touch pwned"]}
        """,
    )
    result = site.build(caplog, AVATAR_OFFLINE=True)
    assert plugin_warnings(result.warnings) == []
    profile = plain_text(site.page("members/010/index.html"))
    assert "NO" in profile
    assert "2024-01-01" in profile
    assert "1e3" in profile
    # A tag is never constructed: the value is read as plain text.
    assert "touch pwned" in plain_text(site.page("members/tag-person/index.html"))
    assert not (site.root / "pwned").exists()


def test_a_row_without_a_name_is_skipped_with_its_place(site, caplog):
    site.write("members/a.csv", 'Name,Slug\nAda,ada\n,nameless\n\n"Bob\nB.",bob\n,late\n')
    site.write("members/b.yaml", "- Name: Cy\n- Slug: nameless2\n")
    site.write("members/c.json", '[{"Name": "Dee"}, {"Name": ""}, "not a mapping"]')
    result = site.build(caplog, AVATAR_OFFLINE=True)
    warnings = plugin_warnings(result.warnings)
    assert sorted(warnings) == sorted(
        [
            "[member_avatars] members/a.csv, line 3: no Name; row skipped",
            "[member_avatars] members/a.csv, line 7: no Name; row skipped",
            "[member_avatars] members/b.yaml, row 2: no Name; row skipped",
            "[member_avatars] members/c.json, row 2: no Name; row skipped",
            "[member_avatars] members/c.json: row 3 is not a mapping of fields; skipped",
        ]
    )
    assert {a.slug for a in site.avatars("members/index.html")} == {"ada", "bob", "cy", "dee"}


def test_duplicate_slugs_across_all_sources_keep_the_first_and_name_both(site, caplog):
    site.write("members/a-people.csv", "Name,Slug\nAda From CSV,ada\nBob,bob\nBob Again,bob\n")
    site.member("ada", "Ada From Markdown")  # members/ada.md sorts after members/a-people.csv
    site.write("members/z.yaml", "- Name: Bob Yaml\n  Slug: bob\n")
    result = site.build(caplog, AVATAR_OFFLINE=True)
    warnings = plugin_warnings(result.warnings)
    assert sorted(warnings) == sorted(
        [
            "[member_avatars] members/a-people.csv, line 4: slug 'bob' is already used by "
            "members/a-people.csv, line 3; keeping the first",
            "[member_avatars] members/ada.md: slug 'ada' is already used by "
            "members/a-people.csv, line 2; keeping the first",
            "[member_avatars] members/z.yaml, row 1: slug 'bob' is already used by "
            "members/a-people.csv, line 3; keeping the first",
        ]
    )
    listed = {a.slug for a in site.avatars("members/index.html")}
    # The list prints each name beside its avatar (alt=""); the profile's avatar has the name.
    names = {slug: site.avatar(f"members/{slug}/index.html", slug).attrs["alt"] for slug in listed}
    assert names == {"ada": "Ada From CSV", "bob": "Bob"}


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
# (file name, content, what the one warning says)
MALFORMED = [
    ("bad.yaml", "- Name: [unclosed\n", "is not valid YAML (line 2"),
    ("bad.json", '[{"Name": "A"},]', "is not valid JSON (line 1"),
    ("scalar.yaml", "just some text\n", "holds no list of rows"),
    ("wrong-key.json", '{"people": [{"Name": "A"}]}', "holds no list of rows"),
    ("latin1.csv", "Name\nJos\xe9\n".encode("latin-1"), "is not UTF-8 text"),
    ("bad.csv", 'Name\n"unclosed\n', "is not valid CSV"),
    ("huge.csv", b"Name\n" + b"A" * (MAX_TABLE_BYTES + 1), f"is larger than {MAX_TABLE_BYTES}"),
    ("bomb.yaml", BOMB + "members:\n  - Name: *i\n", "'Name' is not text or a list of text"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "is not valid JSON"),
]


@pytest.mark.parametrize(("name", "content", "says"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_warns_once_and_the_rest_builds(site, caplog, name, content, says):
    site.write(f"members/{name}", content)
    site.member("ada", "Ada Lovelace")
    started = time.monotonic()
    result = site.build(caplog, AVATAR_OFFLINE=True)
    assert time.monotonic() - started < 30
    warnings = plugin_warnings(result.warnings)
    mine = [w for w in warnings if f"members/{name}" in w]
    assert mine, warnings
    assert says in mine[0], warnings
    assert len(mine) == (2 if name == "bomb.yaml" else 1), warnings  # the bomb: no Name too
    assert [a.slug for a in site.avatars("members/index.html")] == ["ada"]


def test_table_rows_keep_their_places(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('NAME, email \n"A\n1",a@example.org\n\n,\nB,\n', encoding="utf-8")
    table = read_table(str(path), "members")
    assert table.problems == []
    assert [(row.place, row.fields) for row in table.rows] == [
        ("line 2", {"name": "A\n1", "email": "a@example.org"}),
        ("line 6", {"name": "B"}),
    ]


def test_a_rows_email_and_github_feed_its_avatar_and_stay_off_the_pages(
    site, avatar_server, caplog
):
    from avatar_server import gravatar_hash, make_jpeg, make_png
    from helpers import near

    site.settings.update(
        AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_GITHUB_URL=avatar_server.github_url
    )
    avatar_server.set_gravatar(gravatar_hash("ada@example.org"), make_jpeg((200, 30, 30)))
    avatar_server.set_github("bob-gh", make_png((30, 160, 30)))
    site.write(
        "members/people.json",
        '[{"Name": "Ada", "Email": "ada@example.org"},'
        ' {"Name": "Bob", "GitHub": "https://github.com/bob-gh", "Gravatar": false},'
        ' {"Name": "Eve", "Email": "not an address"}]',
    )
    result = site.build(caplog)
    assert plugin_warnings(result.warnings) == [
        "[member_avatars] members/people.json, row 3: Email is not an e-mail address; "
        "Gravatar is not asked"
    ]
    assert near(site.avatar("members/index.html", "ada").centre_colour(), (200, 30, 30))
    assert near(site.avatar("members/index.html", "bob").centre_colour(), (30, 160, 30))
    assert b"example.org" not in b"".join(site.all_output().values())

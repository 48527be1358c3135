"""How many items a list page holds, and a members page's entries under their group headings
(pure)."""

from types import SimpleNamespace

import pytest
from pelican.plugins.member_avatars.content.pagination import (
    PER_PAGE,
    Listing,
    listings,
    per_page,
    sections,
)


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ("unset", 100),
        (None, 100),  # as Pelican's None: the template's own number
        (0, 0),  # the whole list on one page
        (False, 0),
        (40, 100),  # below the least: a hundred people always stay together
        (250, 250),
    ],
)
def test_members_per_page(chosen, expected):
    settings = {} if chosen == "unset" else {"PAGINATED_TEMPLATES": {"members": chosen}}
    assert per_page("members", settings) == expected


def test_events_per_page_and_its_least():
    assert PER_PAGE["events"] == 20
    assert per_page("events", {"PAGINATED_TEMPLATES": {"events": 5}}) == 20
    assert per_page("group", {"PAGINATED_TEMPLATES": None}) == 100


def person(name, groups=()):
    return SimpleNamespace(name=name, groups=list(groups))


def test_listings_follow_the_groups_then_the_members_in_none():
    north, south = SimpleNamespace(name="North"), SimpleNamespace(name="South")
    ada, bob, cy = person("Ada", [north, south]), person("Bob", [south]), person("Cy")
    north.members, south.members = [ada], [ada, bob]
    entries = listings([north, south], [ada, bob, cy])
    assert [(e.group and e.group.name, e.member.name) for e in entries] == [
        ("North", "Ada"),
        ("South", "Ada"),
        ("South", "Bob"),
        (None, "Cy"),
    ]
    # A page that starts inside South's members heads them with South again.
    assert sections(entries[2:]) == [(south, [bob]), (None, [cy])]
    assert sections([]) == []
    assert sections([Listing(north, ada), Listing(north, bob)]) == [(north, [ada, bob])]


@pytest.mark.parametrize("chosen", ["50", -5, 2.5])
def test_a_number_per_page_that_is_not_one_warns_and_keeps_the_default(caplog, chosen):
    assert per_page("events", {"PAGINATED_TEMPLATES": {"events": chosen}}) == 20
    assert any("PAGINATED_TEMPLATES['events']" in r.getMessage() for r in caplog.records)

"""Which page would overwrite another, and which metadata comes as several values (pure)."""

from types import SimpleNamespace

import pytest
from pelican.plugins.member_avatars.content.models import one_value_each
from pelican.plugins.member_avatars.content.pages import PageClaim, clashing_claims, pelican_pages


def test_the_first_claim_of_a_path_wins():
    claims = [
        PageClaim("members/index.html", "members", "MEMBERS_SAVE_AS"),
        PageClaim("members/ada.html", 1, "members/ada.md"),
        PageClaim("members/./index.html", 2, "members/index.md"),
        PageClaim("members//ada.html", 3, "events/ada.md"),
        PageClaim("", 4, "members/hidden.md"),
        PageClaim("", 5, "members/hidden-too.md"),
    ]
    clashes = clashing_claims(claims, {})
    assert [(claim.owner, first) for claim, first in clashes] == [
        (2, "MEMBERS_SAVE_AS"),
        (3, "members/ada.md"),
    ]


def test_pelican_pages_come_first():
    taken = {"members/index.html": "pages/members.md"}
    claims = [PageClaim("members/index.html", "members", "MEMBERS_SAVE_AS")]
    assert clashing_claims(claims, taken) == [(claims[0], "pages/members.md")]


def test_pelican_pages_lists_articles_pages_and_translations(tmp_path):
    def item(save_as, path, translations=()):
        return SimpleNamespace(
            save_as=save_as, source_path=str(tmp_path / path), translations=list(translations)
        )

    german = item("de/about.html", "pages/about-de.md")
    context = {
        "articles": [item("a.html", "a.md")],
        "pages": [item("about.html", "pages/about.md", [german])],
        "hidden_pages": [item("", "pages/none.md")],
    }
    assert pelican_pages(context, str(tmp_path)) == {
        "a.html": "a.md",
        "about.html": "pages/about.md",
        "de/about.html": "pages/about-de.md",
    }


# (metadata as a reader gives it, what the plugin reads, whether it warns)
SEVERAL_VALUES = [
    ({"name": ["Ada", "Bob"]}, {"name": "Ada"}, True),
    ({"name": ["Ada", "Ada"]}, {"name": "Ada"}, False),
    ({"groups": ["Hamburg,", "Berlin"]}, {"groups": "Hamburg,, Berlin"}, False),
    ({"attendees": ["ada, bob,", "carol"]}, {"attendees": "ada, bob,, carol"}, False),
    ({"location": "Hamburg"}, {"location": "Hamburg"}, False),
    ({"tags": [SimpleNamespace(name="x")]}, None, False),  # Pelican's own objects stay
]


@pytest.mark.parametrize(("metadata", "read", "warns"), SEVERAL_VALUES)
def test_one_value_each(caplog, metadata, read, warns):
    assert one_value_each(metadata, "members/x.md") == (metadata if read is None else read)
    warnings = [r.getMessage() for r in caplog.records]
    assert bool(warnings) == warns
    assert all("members/x.md" in warning for warning in warnings)

"""The summary line and the theme API's size and member look-ups: pure parts, no build."""

from types import SimpleNamespace

import pytest
from pelican.plugins.member_avatars.avatars.results import How, Outcome
from pelican.plugins.member_avatars.avatars.summary import retry_note, shape_of, summary_line
from pelican.plugins.member_avatars.settings.defaults import DEFAULTS
from pelican.plugins.member_avatars.theme import AvatarBook

NOW = 1_000_000.0


@pytest.mark.parametrize(
    ("waits", "note"),
    [
        ([30], "asked again in 30 s"),
        ([600, 80], "asked again in 80 s"),  # the soonest
        ([1800], "asked again in 30 min"),
        ([7200, 9000], "asked again in 2.0 h"),
        ([-5], "asked again in 0 s"),  # already due: asked in the next build
    ],
)
def test_retry_note_names_the_soonest_retry(waits, note):
    assert retry_note([NOW + wait for wait in waits], NOW) == note


def test_summary_line_counts_every_way_and_the_remembered_failures():
    outcomes = [
        Outcome("a", "a.md", how=How.CACHE),
        Outcome("b", "b.md", how=How.FETCHED, failures=1),
        Outcome("c", "c.md", how=How.GENERATED, remembered=[NOW + 3600]),
        Outcome("d", "d.md"),  # no source gave an avatar
    ]
    line = summary_line(outcomes, requests_made=2, seconds=0.5, now=NOW)
    assert line == (
        "Avatars: 1 from cache, 0 revalidated, 1 fetched, 0 uploaded, 1 generated, 1 failed, "
        "1 without avatar (2 requests) in 0.50 s; 1 failed in an earlier build, "
        "asked again in 60 min"
    )


def test_warnings_of_one_shape_are_grouped_whatever_their_particulars():
    first = shape_of("Avatar file 'a.jpg' has 6000000 bytes")
    assert first == shape_of("Avatar file 'other.png' has 7 bytes")
    assert first != shape_of("Gravatar avatar: HTTP 500; using the next source")


@pytest.fixture
def book():
    sized = AvatarBook({**DEFAULTS, "AVATAR_SIZES": {"list": 48, "hero": 240}})
    ada = SimpleNamespace(slug="ada", name="Ada Lovelace")
    sized.add_members([ada])
    sized.add_images("ada", {96: b"RIFF-list", 480: b"RIFF-hero"})
    return sized


@pytest.mark.parametrize(("size", "css"), [("list", 48), ("hero", 240), (240, 240), ("48", 48)])
def test_a_size_by_name_or_by_its_css_pixels(book, size, css):
    assert book.css_size(size) == css


@pytest.mark.parametrize("size", ["profile", 100, "huge", "-48"])
def test_an_unknown_size_names_the_configured_ones(book, size):
    with pytest.raises(ValueError, match=r"not in AVATAR_SIZES: list \(48\), hero \(240\)"):
        book.css_size(size)


@pytest.mark.parametrize("who", ["ada", "Ada Lovelace", "ADA LOVELACE"])
def test_members_are_found_by_slug_or_name(book, who):
    assert book.member(who).slug == "ada"


def test_no_member_and_no_image_give_no_markup(book):
    assert book.uri("nobody") == ""
    assert str(book.img("nobody")) == ""
    assert book.uri("ada", "hero").startswith("data:image/webp;base64,")

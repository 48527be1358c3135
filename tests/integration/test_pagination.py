"""Long lists over several pages, as Pelican splits its own: real builds of scenario sites.

The first page keeps the list's SAVE_AS, the numbered pages after it follow the site's
PAGINATION_PATTERNS, links lead from each page to the next; a list of up to 100 people or 20
events is never split, and PAGINATED_TEMPLATES changes how many a page holds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitebuilder import Site

REPO_THEME = Path(__file__).resolve().parents[2] / "site"

PRETTY_PATTERNS = [
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
]
PROFILE_LINK = re.compile(r'href="[^"]*members/(m\d{3})/"')


def community(site: Site, members: int, groups: dict[str, range] | None = None) -> None:
    """`members` members m000, m001, … named so that their order is their number."""
    groups = groups or {}
    for number in range(members):
        names = [name for name, numbers in groups.items() if number in numbers]
        extra = {"groups": ", ".join(names)} if names else {}
        site.member(f"m{number:03d}", f"Member {number:03d}", **extra)


def events(site: Site, count: int, group: str = "") -> None:
    extra = {"group": group} if group else {}
    for number in range(count):
        day = f"2026-{1 + number // 28:02d}-{1 + number % 28:02d}"
        site.event(f"e{number:03d}", f"Event {number:03d}", day, "m000, m001", **extra)


def profiles_on(site: Site, page: str) -> list[str]:
    return PROFILE_LINK.findall(site.page(page))


def html_pages(site: Site, folder: str) -> list[str]:
    return sorted(p.relative_to(site.out).as_posix() for p in (site.out / folder).glob("*.html"))


FAST = {"AVATAR_SOURCES": [], "AVATAR_OFFLINE": True}


def test_a_long_member_list_is_split_and_the_first_page_keeps_its_save_as(site):
    community(site, 230)
    site.build(**FAST)
    assert html_pages(site, "members") == [
        "members/index.html",
        "members/index2.html",
        "members/index3.html",
    ]
    pages = [profiles_on(site, page) for page in html_pages(site, "members")]
    assert [len(slugs) for slugs in pages] == [100, 100, 30]
    listed = [slug for slugs in pages for slug in slugs]
    assert listed == [f"m{n:03d}" for n in range(230)]  # each once, in name order
    first, second, last = (site.page(p) for p in html_pages(site, "members"))
    assert re.search(r'href="[^"]*members/index2.html" rel="next"', first)
    assert re.search(r'href="[^"]*members/" rel="prev"', second)
    assert "Page 1 of 3" in first
    assert "Page 2 of 3" in second
    assert "Page 3 of 3" in last
    assert 'rel="prev"' not in first
    assert 'rel="next"' not in last
    assert 'rel="prev"' in second
    assert 'rel="next"' in second


def test_pagination_patterns_are_honoured(site):
    community(site, 150)
    site.build(PAGINATION_PATTERNS=PRETTY_PATTERNS, **FAST)
    assert (site.out / "members" / "index.html").is_file()
    assert (site.out / "members" / "page" / "2" / "index.html").is_file()
    assert not (site.out / "members" / "index2.html").exists()
    assert re.search(r'href="[^"]*members/page/2/" rel="next"', site.page("members/index.html"))
    second = site.page("members/page/2/index.html")
    assert re.search(r'href="[^"]*members/" rel="prev"', second)
    assert len(profiles_on(site, "members/page/2/index.html")) == 50


@pytest.mark.parametrize(
    ("setting", "pages"),
    [
        ({}, ["members/index.html"]),  # a hundred people: never split
        ({"members": 10}, ["members/index.html"]),  # fewer per page is raised to 100
        ({"members": 0}, ["members/index.html"]),
    ],
)
def test_a_hundred_people_stay_on_one_page(site, setting, pages):
    community(site, 100, {"North": range(60), "South": range(40, 100)})
    templates = {"index": None, **setting}
    site.build(PAGINATED_TEMPLATES=templates, **FAST)
    assert html_pages(site, "members") == pages
    # Twenty members are in both groups: listed under each, as on a whole page.
    assert len(profiles_on(site, "members/index.html")) == 120


def test_a_site_may_ask_for_one_whole_page_or_longer_pages(site):
    community(site, 250)
    site.build(PAGINATED_TEMPLATES={"members": 0}, **FAST)
    assert html_pages(site, "members") == ["members/index.html"]
    assert len(profiles_on(site, "members/index.html")) == 250
    assert "Page 1 of" not in site.page("members/index.html")

    site.build(PAGINATED_TEMPLATES={"members": 200}, **FAST)
    assert [len(profiles_on(site, p)) for p in html_pages(site, "members")] == [200, 50]


def test_members_stay_under_their_group_headings_across_pages(site):
    community(site, 180, {"North": range(120), "South": range(120, 170)})
    site.build(**FAST)
    first, second = (site.page(p) for p in html_pages(site, "members"))
    assert ">North</a></h3>" in first
    assert ">South</a></h3>" not in first
    # North's last twenty continue on page 2, under its heading again, then South, then
    # the ten members in no group.
    headings = re.findall(r"<h3>(?:<a [^>]*>)?([^<]+)", second)
    assert headings == ["North", "South", "Not in a group"]
    assert len(profiles_on(site, html_pages(site, "members")[1])) == 80


def test_twenty_events_stay_whole_and_more_are_split(site):
    community(site, 2)
    events(site, 20)
    site.build(**FAST)
    assert html_pages(site, "events") == ["events/index.html"]

    events(site, 45)
    site.build(**FAST)
    assert html_pages(site, "events") == [
        "events/index.html",
        "events/index2.html",
        "events/index3.html",
    ]
    titles = [
        re.findall(r">Event (\d{3})</a></h3>", site.page(p)) for p in html_pages(site, "events")
    ]
    assert [len(t) for t in titles] == [20, 20, 5]
    assert titles[0][0] == "044"  # newest first, as the whole list


def test_a_big_group_is_split_and_its_events_are_on_its_first_page(site):
    community(site, 130, {"North": range(130)})
    events(site, 3, group="North")
    site.build(**FAST)
    pages = html_pages(site, "groups/north")
    assert pages == ["groups/north/index.html", "groups/north/index2.html"]
    assert [len(profiles_on(site, p)) for p in pages] == [100, 30]
    assert "Event 000" in site.page(pages[0])
    assert "Event 000" not in site.page(pages[1])


def test_a_numbered_page_that_would_overwrite_a_profile_is_left_out(site, caplog):
    community(site, 120)
    site.member("2", "Two")  # its profile is members/2/index.html
    patterns = [
        (1, "{url}", "{save_as}"),
        (2, "{base_name}/{number}/", "{base_name}/{number}/index.html"),
    ]
    result = site.build(caplog, PAGINATION_PATTERNS=patterns, **FAST)
    assert any("members/2/index.html" in w and "MEMBERS_SAVE_AS" in w for w in result.warnings)
    assert "Two" in site.page("members/2/index.html")


def test_the_example_theme_splits_its_lists_too(site):
    community(site, 150, {"North": range(150)})
    events(site, 25, group="North")
    site.build(THEME=str(REPO_THEME), **FAST)
    assert html_pages(site, "members") == ["members/index.html", "members/index2.html"]
    assert html_pages(site, "events") == ["events/index.html", "events/index2.html"]
    assert html_pages(site, "groups/north") == [
        "groups/north/index.html",
        "groups/north/index2.html",
    ]
    second = site.page("members/index2.html")
    assert "Page 2 of 2" in second
    assert 'rel="prev"' in second
    assert len(set(profiles_on(site, "members/index.html"))) == 100


def test_list_avatars_below_the_first_screen_load_lazily(site):
    community(site, 40)
    site.build(AVATAR_SOURCES=["generated"], AVATAR_OFFLINE=True)
    tags = re.findall(r"<img class=\"avatar\"[^>]*>", site.page("members/index.html"))
    assert len(tags) == 40
    assert all('decoding="async"' in tag and 'src="data:image/' in tag for tag in tags)
    lazy = ['loading="lazy"' in tag for tag in tags]
    assert lazy == [False] * 8 + [True] * 32


def test_a_profile_avatar_is_not_lazy(site):
    community(site, 1)
    site.build(AVATAR_SOURCES=["generated"], AVATAR_OFFLINE=True)
    assert 'loading="lazy"' not in site.page("members/m000/index.html")


def test_the_pages_link_to_the_first_the_last_and_their_neighbours(site):
    community(site, 1000)
    site.build(**FAST)
    sixth = site.page("members/index6.html")
    numbers = re.findall(r"<li>(?:<a [^>]*>)?(\d+|…)", sixth)
    assert numbers == ["1", "…", "4", "5", "6", "7", "8", "…", "10"]
    assert '<a aria-current="page">6</a>' in sixth
    assert re.search(r'href="[^"]*members/index10.html">10</a>', sixth)
    assert re.search(r'href="[^"]*members/">1</a>', sixth)


def test_an_event_of_more_than_a_hundred_is_split_and_of_a_hundred_not(site):
    community(site, 150)
    everyone = ", ".join(f"m{number:03d}" for number in range(150))
    hundred = ", ".join(f"m{number:03d}" for number in range(100))
    site.event("camp", "Camp", "2026-05-01", everyone)
    site.event("meetup", "Meetup", "2026-04-01", hundred)
    site.build(**FAST)
    assert html_pages(site, "events/camp") == ["events/camp/index.html", "events/camp/index2.html"]
    assert [len(profiles_on(site, p)) for p in html_pages(site, "events/camp")] == [100, 50]
    assert "Attendees (150)" in site.page("events/camp/index2.html")
    assert html_pages(site, "events/meetup") == ["events/meetup/index.html"]
    site.build(THEME=str(REPO_THEME), **FAST)
    second = site.page("events/camp/index2.html")
    assert '<ol class="attendee-grid" start="101">' in second
    assert len(profiles_on(site, "events/camp/index2.html")) == 50

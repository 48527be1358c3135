"""The plugin's pages in a real browser: headless Chromium driven by Playwright.

Sites are built into temporary folders (offline, each with its own avatar cache), served
from a local http.server thread on 127.0.0.1, and opened in Debian's Chromium:
- the example site (its own theme, site/): every `img.avatar` must have been decoded at
  `width × AVATAR_DENSITY` pixels, and no page may ask any other host for anything;
- a small site in each of Pelican's stock themes (notmyidea, simple), where the plugin's
  default templates render the pages: each page's heading lines up with an article title of
  the same theme, and no page is wider than the window;
- axe-core's accessibility rules on every plugin page of all three.
Screenshots go to the test's tmp folder; their paths are printed (`pytest -s`).

Skipped where Playwright for Python, the Chromium binary or axe-core is missing; `.ci/run`
installs them, and sets CHROMIUM and AXE_JS so that a missing one there fails instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from browsing import (
    REPO,
    axe_violations,
    describe,
    launched_chromium,
    open_page,
    serve,
)
from pelican.plugins.member_avatars.settings.table import DEFAULTS
from pelican.settings import read_settings
from themesites import ARTICLE_PAGE, PLUGIN_PAGES, STOCK_THEMES, themed_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The example site (content/ with pelicanconf.py) built offline into a tmp folder."""
    root = tmp_path_factory.mktemp("example-site")
    out = root / "output"
    command = [
        sys.executable,
        "-m",
        "pelican",
        "content",
        "-s",
        "pelicanconf.py",
        "-o",
        str(out),
        # Keep the avatar cache of this build out of the repository's cache/ folder.
        "-e",
        f"CACHE_PATH={json.dumps(str(root / 'cache'))}",
        "--fatal",
        "errors",
    ]
    env = {**os.environ, "AVATAR_OFFLINE": "1"}
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, f"pelican failed:\n{result.stdout}\n{result.stderr}"
    assert (out / "members" / "index.html").is_file(), result.stdout
    return out


@pytest.fixture(scope="session")
def avatar_density() -> int:
    settings = read_settings(str(REPO / "pelicanconf.py"))
    return int(settings.get("AVATAR_DENSITY", DEFAULTS["AVATAR_DENSITY"]))


# Module-scoped: its threads end with this module, not at the end of the session.
@pytest.fixture(scope="module")
def site_url(example_output):
    """The built example site over HTTP from a local server thread on 127.0.0.1."""
    with serve(example_output) as url:
        yield url


# Module-scoped: its threads end with this module, not at the end of the session.
@pytest.fixture(scope="module")
def browser():
    yield from launched_chromium()


def busiest_event(output: Path) -> str:
    """The event page of the example site with the most attendee avatars."""
    pages = sorted(output.glob("events/*/index.html"))
    assert pages, "the example site has no event pages"
    best = max(pages, key=lambda page: page.read_text(encoding="utf-8").count('class="avatar"'))
    return best.relative_to(output).as_posix()


AVATARS_JS = """
() => Array.from(document.querySelectorAll("img.avatar"), img => ({
    member: img.dataset.member,
    complete: img.complete,
    naturalWidth: img.naturalWidth,
    naturalHeight: img.naturalHeight,
    width: Number(img.getAttribute("width")),
    height: Number(img.getAttribute("height")),
    rendered: img.getBoundingClientRect().width,
}))
"""


def open_and_check(browser, url: str, screenshot: Path, density: int) -> list[dict]:
    """Load `url`, check its avatars and its requests, save a full-page screenshot."""
    with open_page(browser, url) as (page, visit):
        avatars = page.evaluate(AVATARS_JS)
        page.screenshot(path=str(screenshot), full_page=True)
        print(f"screenshot of {url}: {screenshot}; {len(avatars)} avatars")
    assert avatars, f"no img.avatar on {url}"
    wrong = [
        a
        for a in avatars
        if not a["complete"]
        or a["naturalWidth"] != a["width"] * density
        or a["naturalHeight"] != a["height"] * density
    ]
    assert not wrong, f"avatars not loaded at {density}× their size on {url}: {wrong}"
    hidden = [a["member"] for a in avatars if a["rendered"] <= 0]
    assert not hidden, f"avatars with no rendered width on {url}: {hidden}"
    visit.assert_stayed_local(url)
    return avatars


def test_member_list_avatars_load_at_full_density(browser, site_url, avatar_density, tmp_path):
    avatars = open_and_check(
        browser, site_url + "members/", tmp_path / "members.png", avatar_density
    )
    members = {a["member"] for a in avatars}
    assert len(members) >= 10, f"the member list shows only {sorted(members)}"
    assert {a["width"] for a in avatars} == {DEFAULTS["AVATAR_SIZES"]["list"]}


def test_event_page_avatars_load_at_full_density(
    browser, site_url, example_output, avatar_density, tmp_path
):
    event = busiest_event(example_output)
    avatars = open_and_check(browser, site_url + event, tmp_path / "event.png", avatar_density)
    attendees = [a["member"] for a in avatars if a["width"] == DEFAULTS["AVATAR_SIZES"]["list"]]
    assert len(attendees) == len(set(attendees)), f"an attendee is listed twice on {event}"
    assert len(attendees) >= 2, f"{event} shows {attendees}"


# --- the default templates in Pelican's stock themes ---------------------------------------

# Every plugin page of the small site, and a profile with a very long name and website.
STOCK_PAGES = {**PLUGIN_PAGES, "long-profile": "members/max/index.html"}

# The page's title: its first h1/h2 outside the theme's banner (`body > header`).
LAYOUT_JS = """
() => {
    const heading = Array.from(document.querySelectorAll("h1, h2"))
        .find(h => !h.closest("body > header"));
    const root = document.documentElement;
    return {
        heading: heading ? heading.textContent.trim() : null,
        left: heading ? heading.getBoundingClientRect().left : null,
        scrollWidth: root.scrollWidth,
        clientWidth: root.clientWidth,
    };
}
"""


@pytest.fixture(scope="module")
def stock_sites(tmp_path_factory):
    """The small site built in each stock theme and served: its base URL by theme."""
    with contextlib.ExitStack() as servers:
        urls = {}
        for theme in STOCK_THEMES:
            site = themed_site(tmp_path_factory.mktemp(f"browser-{theme}"))
            site.build(THEME=theme, AVATAR_OFFLINE=True)
            urls[theme] = servers.enter_context(serve(site.out))
        yield urls


def layout(browser, url: str, width: int, screenshot: Path | None = None) -> dict:
    with open_page(browser, url, width) as (page, visit):
        found = page.evaluate(LAYOUT_JS)
        found["avatars"] = page.evaluate(AVATARS_JS)
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"screenshot of {url} at {width} px: {screenshot}")
    visit.assert_stayed_local(url)
    return found


@pytest.mark.parametrize("width", [1280, 400])
@pytest.mark.parametrize("name", list(STOCK_PAGES))
@pytest.mark.parametrize("theme", STOCK_THEMES)
def test_plugin_pages_line_up_with_the_themes_articles(
    browser, stock_sites, tmp_path, theme, name, width
):
    article = layout(browser, stock_sites[theme] + ARTICLE_PAGE, width)
    assert article["heading"] == "Hello", f"{theme}: no article title found"
    url = stock_sites[theme] + STOCK_PAGES[name].removesuffix("index.html")
    found = layout(browser, url, width, tmp_path / f"{theme}-{name}-{width}.png")

    assert found["heading"], f"{theme} {name}: no h1/h2 outside the site's banner"
    offset = found["left"] - article["left"]
    assert abs(offset) <= 3, (
        f"{theme} {name} at {width} px: heading {found['heading']!r} starts {offset:+.0f} px "
        "from the article title"
    )
    assert found["scrollWidth"] <= found["clientWidth"], (
        f"{theme} {name} at {width} px is {found['scrollWidth']} px wide in a "
        f"{found['clientWidth']} px window"
    )
    shown = [a for a in found["avatars"] if a["complete"] and a["rendered"] > 0]
    assert shown, f"{theme} {name}: no avatar shown"
    assert len(shown) == len(found["avatars"]), f"{theme} {name}: avatars not shown"


# --- accessibility ---------------------------------------------------------------------------


def example_pages(output: Path) -> dict[str, str]:
    """One page of each kind the plugin writes in the example site."""
    return {
        "members": "members/index.html",
        "profile": min(
            p.relative_to(output).as_posix() for p in output.glob("members/*/index.html")
        ),
        "group": min(p.relative_to(output).as_posix() for p in output.glob("groups/*/index.html")),
        "events": "events/index.html",
        "event": busiest_event(output),
    }


@pytest.mark.parametrize("name", list(PLUGIN_PAGES))
@pytest.mark.parametrize("theme", ["example", *STOCK_THEMES])
def test_plugin_pages_have_no_accessibility_violations(
    browser, site_url, example_output, stock_sites, theme, name
):
    if theme == "example":
        # The example theme is part of this project: the whole page counts.
        url, root = site_url + example_pages(example_output)[name], None
    else:
        # A stock theme's banner, menu and footer are Pelican's, not ours: notmyidea has no
        # <main> landmark, and its footer links lack contrast on its beige background. Only
        # elements inside the plugin's part of the page, its <section id="content"
        # class="member-avatars-page">, count.
        url, root = stock_sites[theme] + PLUGIN_PAGES[name], "#content.member-avatars-page"
    with open_page(browser, url.removesuffix("index.html")) as (page, _):
        assert root is None or page.locator(root).count() == 1, f"{url}: no {root}"
        violations = axe_violations(page, root)
    assert not violations, f"{theme} {name}: axe-core found:\n{describe(violations)}"

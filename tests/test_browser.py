"""The built example site in a real browser: headless Chromium driven by Playwright.

The site is built by a session fixture into a temporary folder (offline, with its own
avatar cache), served from a local http.server thread on 127.0.0.1, and opened in
Debian's Chromium. Every `img.avatar` must have been decoded by the browser at
`width × AVATAR_DENSITY` pixels, and the page must not have asked any other host for
anything. Screenshots go to the test's tmp folder; their paths are printed (`pytest -s`).

Skipped where Playwright for Python or the Chromium binary is missing; `.ci/run`
installs both, and sets CHROMIUM so that a missing browser there fails instead.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pelican.plugins.member_avatars.settings import DEFAULTS
from pelican.settings import read_settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
# Schemes that never leave the page: inlined avatars are data: URIs.
LOCAL_SCHEMES = {"data", "blob", "about"}


def chromium_path() -> str:
    """The Chromium binary to drive: $CHROMIUM if set (CI sets it), else Debian's."""
    wanted = os.environ.get("CHROMIUM")
    path = wanted or DEFAULT_CHROMIUM
    if not os.access(path, os.X_OK):
        if wanted:
            pytest.fail(f"CHROMIUM={wanted} is set but is not an executable file")
        pytest.skip(
            f"no browser: {DEFAULT_CHROMIUM} is missing and none can be installed here "
            "(install Debian's package with `apt-get install chromium`, as .ci/run does; "
            "never `playwright install`)"
        )
    return path


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


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


# Module-scoped: its threads end with this module, not at the end of the session.
@pytest.fixture(scope="module")
def site_url(example_output):
    """The built site over HTTP from a local server thread on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(example_output))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Module-scoped: its threads end with this module, not at the end of the session.
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright for Python is not installed (pip install -e '.[test]')",
    )
    executable = chromium_path()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


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
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    foreign: list[str] = []
    failed: list[str] = []

    def guard(route):
        # Record every request; answer none that would leave this machine.
        url = route.request.url
        if urlsplit(url).hostname != LOCAL_HOST:
            foreign.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    context.on("request", lambda request: requested.append(request.url))
    context.on("requestfailed", lambda request: failed.append(request.url))
    context.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    try:
        page = context.new_page()
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.ok, f"{url}: HTTP {response.status}"
        page.wait_for_function(
            "() => Array.from(document.images).every(img => img.complete)", timeout=10_000
        )
        avatars = page.evaluate(AVATARS_JS)
        page.screenshot(path=str(screenshot), full_page=True)
        print(f"screenshot of {url}: {screenshot}")
        fetched = [r for r in requested if urlsplit(r).scheme not in LOCAL_SCHEMES]
        print(f"{len(avatars)} avatars; {len(requested)} requests, over the network: {fetched}")
    finally:
        context.close()

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

    elsewhere = [
        r
        for r in requested
        if urlsplit(r).scheme not in LOCAL_SCHEMES and urlsplit(r).hostname != LOCAL_HOST
    ]
    assert not foreign, f"{url} asked other hosts for: {foreign}"
    assert not elsewhere, f"{url} asked other hosts for: {elsewhere}"
    assert not failed, f"{url}: failed requests: {failed}"
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

"""Helpers of the browser tests: Debian's Chromium, a local server for a built site, pages
that may not reach any other host, and axe-core's accessibility checks."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_AXE_JS = REPO / ".ci" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
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
# What the issue asks of the plugin's markup: no violation of these impacts, and none of these
# rules at all: axe rates an alt that repeats the name printed beside it "minor".
AXE_IMPACTS = {"moderate", "serious", "critical"}
AXE_ALWAYS = {"image-redundant-alt"}


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


def launched_chromium() -> Iterator[Any]:
    """Headless Chromium through Playwright, closed when the generator ends (a fixture yields
    from it); skips when Playwright is not installed."""
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


def axe_js() -> Path:
    """axe-core's script: $AXE_JS if set (CI sets it), else where .ci/run installs it.

    Skips when it is missing, except in CI ($AXE_JS or $CI set), where that is a failure.
    """
    wanted = os.environ.get("AXE_JS")
    path = Path(wanted) if wanted else DEFAULT_AXE_JS
    if not path.is_file():
        if wanted or os.environ.get("CI"):
            pytest.fail(f"axe-core not found at {path} (AXE_JS={wanted!r}; .ci/run installs it)")
        pytest.skip(
            f"axe-core not found at {path.relative_to(REPO)} and AXE_JS is unset: install it "
            "with `npm install --prefix .ci/npm axe-core` (as .ci/run does)"
        )
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A built site over HTTP from a local server thread on 127.0.0.1: its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Visit:
    """Every request a page made while it was open, and which of them failed."""

    def __init__(self) -> None:
        self.requested: list[str] = []
        self.foreign: list[str] = []
        self.failed: list[str] = []

    def assert_stayed_local(self, url: str) -> None:
        elsewhere = [
            r
            for r in self.requested
            if urlsplit(r).scheme not in LOCAL_SCHEMES and urlsplit(r).hostname != LOCAL_HOST
        ]
        assert not self.foreign, f"{url} asked other hosts for: {self.foreign}"
        assert not elsewhere, f"{url} asked other hosts for: {elsewhere}"
        assert not self.failed, f"{url}: failed requests: {self.failed}"


@contextlib.contextmanager
def open_page(browser: Any, url: str, width: int = 1280) -> Iterator[tuple[Any, Visit]]:
    """`url` loaded with every image decoded; no request may leave this machine."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    visit = Visit()

    def guard(route):
        # Record every request; answer none that would leave this machine.
        if urlsplit(route.request.url).hostname != LOCAL_HOST:
            visit.foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def on_response(response):
        if response.status >= 400:
            visit.failed.append(f"{response.status} {response.url}")

    context.route("**/*", guard)
    context.on("request", lambda request: visit.requested.append(request.url))
    context.on("requestfailed", lambda request: visit.failed.append(request.url))
    context.on("response", on_response)
    try:
        page = context.new_page()
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.ok, f"{url}: HTTP {response.status}"
        # Avatars below the first screen load lazily, when scrolled near: load them now.
        page.evaluate(
            "() => Array.from(document.images).forEach(img => { img.loading = 'eager'; })"
        )
        page.wait_for_function(
            "() => Array.from(document.images).every(img => img.complete)", timeout=10_000
        )
        yield page, visit
    finally:
        context.close()


# Runs every rule on the whole page (some, like `region`, judge the page as a whole), then
# keeps the elements inside `root`: on a stock theme, what is outside the plugin's part of the
# page is the theme's own.
AXE_RUN_JS = """
async (root) => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    const inRoot = node => {
        const element = document.querySelector(node.target[0]);
        return !root || (element !== null && element.closest(root) !== null);
    };
    return result.violations.flatMap(v => v.nodes.filter(inRoot).map(node => ({
        rule: v.id, impact: node.impact || v.impact, help: v.help,
        target: node.target.join(" "), html: node.html.slice(0, 160),
    })));
}
"""


def axe_violations(page: Any, root: str | None = None) -> list[dict]:
    """axe-core's violations of moderate or higher impact (and any of `AXE_ALWAYS`), one per
    element, on the whole page or, with `root` (a CSS selector), on the elements inside it."""
    page.add_script_tag(path=str(axe_js()))
    found = page.evaluate(AXE_RUN_JS, root)
    return [v for v in found if v["impact"] in AXE_IMPACTS or v["rule"] in AXE_ALWAYS]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['rule']} ({v['impact']}): {v['help']} at {v['target']}: {v['html']}"
        for v in violations
    )

"""Live editing: `pelican --autoreload` picks up a new uploaded picture and a new name.

Pelican 4.12's autoreload (pelican/__init__.py `autoreload`, pelican/utils.py
`wait_for_changes`) builds once, then blocks in `watchfiles.watch()` on the settings
file, THEME, PATH and PATH/<each STATIC_PATHS entry>, and rebuilds on any change. The
filter is watchfiles' DefaultFilter (VCS and cache folders, *.py[cod], editor swap and
backup files) plus IGNORE_FILES (default `**/.*`): no extension is ignored, so an
uploaded .jpg under content/members/ triggers a rebuild like a .md file does. The watch
starts only after a build ends, so an edit made while a build runs is not seen until the
next change; the test waits for the first build to finish before it edits anything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import jpeg, near
from sitebuilder import BASE_SETTINGS, Site, avatars_in

pytestmark = pytest.mark.slow

WAIT = 30.0  # seconds, for the first build and for each rebuild
REEDIT = 3.0  # seconds without a "-> Modified:" from Pelican before an edit is made again
RED = (200, 30, 30)
BLUE = (30, 60, 210)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Child:
    """A `pelican --autoreload` child process whose output is collected by a thread."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "AVATAR_OFFLINE": "1"}
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            # Ctrl-C must reach Pelican even when this test runs with SIGINT ignored
            # (as a background job of a non-interactive shell is): Python turns it
            # into KeyboardInterrupt only if the signal is not ignored at startup.
            preexec_fn=_default_sigint,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def count(self, text: str) -> int:
        return self.output.count(text)

    def modified(self, name: str) -> int:
        """How often Pelican has reported file `name` as modified (its lines wrap paths)."""
        reports = self.output.replace("\n", "").split("-> Modified:")[1:]
        return sum(report.partition("re-generating")[0].count(name) for report in reports)

    def wait_for(
        self,
        what: str,
        check: Callable[[], bool],
        edit: Callable[[], object] | None = None,
        edited: str = "",
        timeout: float = WAIT,
    ) -> None:
        """Poll `check` until it holds; first make `edit`, if given, to file `edited`.

        Pelican starts watching only after a build has ended (and after logging "Done:"),
        so an edit made in between goes unnoticed. The edit is made again, every
        REEDIT seconds, until Pelican names the edited file as modified; an edit of a
        file that Pelican does not watch at all still fails the test after `timeout`.
        """
        deadline = time.monotonic() + timeout
        noticed = self.modified(edited)
        edited_at = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"pelican exited {self.process.returncode} {what}:\n{self.output}")
            unnoticed = edit is not None and self.modified(edited) == noticed
            if unnoticed and (edited_at is None or time.monotonic() - edited_at > REEDIT):
                edit()
                edited_at = time.monotonic()
            try:
                if check():
                    return
            except (OSError, AssertionError, ValueError):
                pass  # a page being written, or not written yet
            time.sleep(0.2)
        pytest.fail(f"not seen within {timeout:.0f} s: {what}\npelican said:\n{self.output}")

    def stop(self) -> int:
        """Ctrl-C, as a person at the terminal would; kill only if that does not work."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._reader.join(timeout=5)
        return self.process.returncode


@pytest.fixture
def live_site(tmp_path):
    site = Site(tmp_path)
    site.member("ada", "Ada Lovelace", "Bio of Ada.", avatar="members/pics/ada.jpg", groups="North")
    site.write("members/pics/ada.jpg", jpeg(RED))
    site.member("bob", "Bob Builder", groups="North")
    site.event("retreat", "Code Retreat", "2026-03-01", "ada, bob", group="North")
    settings = {
        **BASE_SETTINGS,
        "PATH": "content",
        "OUTPUT_PATH": "output",
        "CACHE_PATH": "cache",
        "AVATAR_OFFLINE": True,
    }
    (tmp_path / "pelicanconf.py").write_text(
        "".join(f"{key} = {value!r}\n" for key, value in settings.items()), encoding="utf-8"
    )
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "--autoreload"]
    child = Child(command, tmp_path)
    try:
        yield site, child
    finally:
        child.stop()


def ada_colour(site: Site, page: str = "members/index.html") -> tuple[int, ...]:
    return site.avatar(page, "ada").centre_colour()


def test_autoreload_shows_a_new_picture_and_a_new_name(live_site):
    site, child = live_site
    child.wait_for(
        "the first build",
        lambda: child.count("Done:") >= 1 and near(ada_colour(site), RED),
    )
    builds = child.count("Done:")

    # A new uploaded picture: only a .jpg under content/members/ changes.
    child.wait_for(
        "the new (blue) picture of Ada on the member list and her profile",
        # Pages are written before Pelican logs "Done:": wait for both.
        lambda: (
            child.count("Done:") > builds
            and near(ada_colour(site), BLUE)
            and near(ada_colour(site, "members/ada/index.html"), BLUE)
            and near(ada_colour(site, "events/retreat/index.html"), BLUE)
        ),
        edit=lambda: site.write("members/pics/ada.jpg", jpeg(BLUE)),
        edited="ada.jpg",
    )
    assert child.modified("ada.jpg") >= 1, child.output
    builds = child.count("Done:")

    # A new name in the member's file.
    child.wait_for(
        "Ada's new name on the member list, her profile and the event",
        lambda: (
            child.count("Done:") > builds
            and all(
                "Ada King" in site.page(page) and "Ada Lovelace" not in site.page(page)
                for page in (
                    "members/index.html",
                    "members/ada/index.html",
                    "events/retreat/index.html",
                )
            )
        ),
        edit=lambda: site.member(
            "ada", "Ada King", "Bio of Ada.", avatar="members/pics/ada.jpg", groups="North"
        ),
        edited="ada.md",
    )
    alts = {
        a.attrs["alt"] for a in avatars_in(site.page("members/ada/index.html")) if a.slug == "ada"
    }
    assert alts == {"Ada King"}
    assert near(ada_colour(site), BLUE), "the picture went back after the name changed"

    returncode = child.stop()
    assert returncode == 0, f"pelican did not stop cleanly ({returncode}):\n{child.output}"
    assert "Keyboard interrupt received" in child.output
